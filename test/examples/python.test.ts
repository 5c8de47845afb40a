import { describe, expect, test } from 'vitest';
import { subprocessImplementation } from '../../src/adapters/subprocess.ts';
import type { CheckOptions, CheckReport } from '../../src/check/checkImplementation.ts';
import { checkImplementation } from '../../src/check/checkImplementation.ts';
import { HAVE_NUMPY, pythonImpl } from '../adapters/pythonAvailable.ts';
import { registerTheorems } from '../../properties/vitest.ts';

const LONG = process.env.ATTNFLOW_LONG === '1';

async function check(flags: string, options: CheckOptions, command = pythonImpl(flags)): Promise<CheckReport> {
  const impl = await subprocessImplementation(command, { timeoutSeconds: 60 });
  try {
    return await checkImplementation(impl, { replayPrefix: `attnflow check --impl '${command}'`, ...options });
  } finally {
    await impl.close();
  }
}

describe.skipIf(!HAVE_NUMPY)('the numpy example implementation', () => {
  test('the correct implementation passes every selected theorem', async () => {
    const report = await check('', LONG ? {} : { only: 'M-SA,S1,S2', runs: 4 });
    const bad = report.results.filter((r) => r.verdict === 'failed').map((r) => `${r.id}: ${r.failure?.message}`);
    expect(bad).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.incidents).toEqual([]);
  }, LONG ? 600_000 : 60_000);

  // Each deliberate bug is flagged under the theorem it violates, with a small counterexample.
  test.concurrent.each([
    ['no-projection', 'M-SA', /tangency/],
    ['softmax-axis', 'M-SA', /v_i - v_i\^ref/],
    ['overflow', 'M-SA', /non-finite number NaN/],
    ['euler-no-renorm', 'S1', /\|x_i\(t\)\| - 1/],
    ['gauss-seidel', 'S2', /flow_t\(pi X\) - pi flow_t\(X\)/],
  ])('examples/broken/%s.sh fails %s', async (bug, id, message) => {
    const report = await check('', { only: id, runs: 25 }, `sh examples/broken/${bug}.sh`);
    expect(report.implementation.name).toBe(`numpy-example+${bug}`);
    const r = report.results[0];
    expect(r.verdict, JSON.stringify(r)).toBe('failed');
    expect(r.failure!.message).toMatch(message);
    expect(r.failure!.replay).toContain(`--impl 'sh examples/broken/${bug}.sh' --only '${id}' --seed 42 --path`);
    const ce = r.failure!.counterexample as { X: number[][] };
    expect(ce.X.length, 'a counterexample small enough to read').toBeLessThanOrEqual(4);
    expect(report.exitCode).toBe(1);
  }, 120_000);

  test('a crash in op flow makes the flow theorem errored with the stderr tail, and the velocity theorem still passes', async () => {
    const report = await check('--fault crash --fault-op flow', { only: 'M-SA,S1', runs: 5 });
    const [msa, s1] = report.results;
    expect(msa.verdict).toBe('passed');
    // A crash is not a counterexample: S1 is errored, with the case whose request met it.
    expect(s1.verdict).toBe('errored');
    expect(s1.error!.kind).toBe('crash');
    expect(s1.error!.message).toContain('exited with status 3');
    expect(s1.error!.replay).toContain("--only 'S1'");
    expect(s1.stderr!.join('\n')).toContain('simulated crash');
    expect(s1.incidents!.filter((i) => i.kind === 'crash').length).toBe(3);
    expect(report.starts, 'restarted after each crash until S1 stopped sending cases').toBe(3);
  }, 60_000);

  test('registerTheorems with a command line checks the subprocess and closes it afterwards', async () => {
    const fns: (() => Promise<void>)[] = [];
    let closeAll: (() => Promise<void>) | undefined;
    registerTheorems((_name, fn) => fns.push(() => fn({})), pythonImpl(), { only: 'M-SA', runs: 3, afterAll: (f) => (closeAll = f) });
    expect(fns.length).toBe(1);
    await fns[0]();
    await closeAll!();
  }, 60_000);
});
