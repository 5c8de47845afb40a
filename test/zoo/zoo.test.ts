/**
 * The mutant zoo's fast subset (examples/python/zoo; the whole zoo is `npm run zoo`): representative
 * mutants, each killed by the theorem about its mistake on a restricted run, two correct variants
 * passing a subset, the registry's consistency, and the runner's reading of verdicts (only a `failed`
 * must/should theorem is a kill; an errored one is not).
 */
import { describe, expect, test } from 'vitest';
import { subprocessImplementation } from '../../src/adapters/subprocess.ts';
import { checkImplementation } from '../../src/check/checkImplementation.ts';
import { theoremById } from '../../theorems/index.ts';
import { isKill, listMembers, matches, memberCommand, summariseCheck } from '../../examples/python/zoo/run.ts';
import type { Member, TheoremLine } from '../../examples/python/zoo/run.ts';
import { HAVE_NUMPY, HAVE_SCIPY } from '../adapters/pythonAvailable.ts';

/** Runs `only` against one member and returns the verdicts by theorem id. */
async function verdicts(member: string, only: string, runs?: number): Promise<Record<string, string>> {
  const impl = await subprocessImplementation(memberCommand(member), { timeoutSeconds: 60 });
  try {
    const report = await checkImplementation(impl, { only, seed: 1, ...(runs ? { runs } : {}) });
    return Object.fromEntries(report.results.map((r) => [r.id, r.verdict]));
  } finally {
    await impl.close();
  }
}

describe.skipIf(!HAVE_NUMPY)('the mutant zoo (python3 + numpy)', () => {
  test('the registry has at least 30 mutants and 4 correct variants, and every expected killer is a registered theorem', () => {
    const members = listMembers();
    const mutants = members.filter((m) => m.kind === 'mutant');
    expect(mutants.length).toBeGreaterThanOrEqual(30);
    expect(members.filter((m) => m.kind === 'correct').length).toBeGreaterThanOrEqual(4);
    expect(new Set(members.map((m) => m.name)).size, 'names are unique').toBe(members.length);
    for (const m of mutants) {
      expect(m.expected.length, `${m.name} names the theorems about its mistake`).toBeGreaterThan(0);
      for (const id of m.expected) expect(theoremById(id), `${m.name}: expected killer ${id} is registered`).toBeDefined();
    }
  });

  // One per class of mistake, each against the theorem about that mistake only.
  const killed: Array<[string, string]> = [
    ['softmax-axis', 'M-SA'],
    ['usa-no-n', 'M-USA'],
    ['beta-twice', 'M-SA'],
    ['projection-sign', 'M-SA'],
    ['qk-swapped', 'M-SA'],
    ['euler-no-renorm', 'S1'],
    ['layer-gauss-seidel', 'HP-layer'],
    ['energy-no-half', 'HP-energy'],
  ];
  test.each(killed)('mutant %s is killed by %s', async (name, id) => {
    expect(await verdicts(name, id)).toEqual({ [id]: 'failed' });
  });

  test.each([['ok-logsumexp'], ['ok-pure-python']])('correct variant %s passes the velocity, layer and energy identities', async (name) => {
    const only = 'M-SA,M-USA,HP-layer,HP-energy';
    expect(await verdicts(name, only, 25)).toEqual(Object.fromEntries(only.split(',').map((id) => [id, 'passed'])));
  });
});

describe.skipIf(!HAVE_SCIPY)('the zoo\'s solve_ivp variants (python3 + scipy)', () => {
  // The commonest way to write a flow: no retraction. On seed 1, before flow requests were cut where the
  // sphere repels (src/check/normalGrowth.ts), T9.2 errored on both ("Required step size is less than spacing between numbers").
  test.each([['ok-scipy-rk45'], ['ok-scipy-dop853']])('correct variant %s passes the flow theorems on repulsive fields (S1, S5r, T9.2)', async (name) => {
    expect(await verdicts(name, 'S1,S5r,T9.2')).toEqual({ S1: 'passed', S5r: 'passed', 'T9.2': 'passed' });
  });
});

describe('the zoo runner', () => {
  const member: Member = { name: 'm', kind: 'mutant', class: 'algebra', description: '', expected: ['M-SA'] };
  const line = (id: string, verdict: string, tier = 'must', timeMs = 10): TheoremLine => ({ id, verdict, tier, timeMs });

  test('only a failed must or should theorem is a kill: errored, inconclusive and a failed may theorem are not', () => {
    expect(isKill(line('M-SA', 'failed'))).toBe(true);
    expect(isKill(line('S15', 'failed', 'should'))).toBe(true);
    expect(isKill(line('F4', 'failed', 'may'))).toBe(false);
    expect(isKill(line('S1', 'errored'))).toBe(false);
    expect(isKill(line('S1', 'inconclusive'))).toBe(false);
  });

  test('a check summary names its killers, marks the expected ones and keeps other verdicts apart', () => {
    const r = summariseCheck(member, 3, [line('M-SA', 'passed'), line('S1', 'errored'), line('S2', 'failed', 'must', 5), line('M-SA2', 'failed')],
      new Map([['S2', 1234]]), { totalMs: 2000, exit: 1, killedByZoo: false, command: 'c' });
    expect(r.killers).toEqual(['S2', 'M-SA2']);
    expect(r.killedByExpected).toBe(false);
    expect(r.firstKill).toEqual({ id: 'S2', ms: 1234 });
    expect(r.other).toEqual({ S1: 'errored' });
    const e = summariseCheck(member, 3, [line('M-SA', 'failed')], new Map(), { totalMs: 1, exit: 1, killedByZoo: false, command: 'c' });
    expect(e.killedByExpected).toBe(true);
    expect(e.firstExpectedKill).toEqual({ id: 'M-SA', ms: 10 });
  });

  test('member globs', () => {
    expect(matches('ok-base', 'ok-*')).toBe(true);
    expect(matches('softmax-axis', 'ok-*,beta-*')).toBe(false);
    expect(matches('beta-twice', 'ok-*, beta-*')).toBe(true);
    expect(matches('x', undefined)).toBe(true);
  });
});
