import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Implementation } from '../../src/adapters/implementation.ts';
import type { PlainImplementation } from '../../src/adapters/inProcess.ts';
import { fromRows, toRows } from '../../src/linalg/mat.ts';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { checkImplementation } from '../../src/check/checkImplementation.ts';
import { resolveProfile } from '../../src/check/profiles.ts';
import { AttnflowError } from '../../src/errors.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { noTangentProjection, softmaxWrongAxis } from '../helpers/mutants.ts';
import type { Theorem } from '../../theorems/types.ts';
import { FLOAT32 } from '../../theorems/types.ts';
import { runTheorem } from '../../properties/runTheorem.ts';
import { velocityField } from '../../theorems/M-SA.velocity-field.ts';
import { layerFirstOrder } from '../../theorems/M-DISC.layer-first-order.ts';
import { alternativeIntegrator, float32Implementation } from './altImplementations.ts';

const SUBSET = 'M-SA,S1,S2';
const LONG = process.env.ATTNFLOW_LONG === '1';

describe('checkImplementation', () => {
  test('the reference implementation passes every selected must theorem and the report says so', async () => {
    const report = await checkImplementation(referenceImplementation(), { only: SUBSET, runs: 5 });
    expect(report.results.map((r) => r.verdict), JSON.stringify(report.results.map((r) => r.failure))).toEqual(['passed', 'passed', 'passed']);
    expect(report.exitCode).toBe(0);
    expect(report.profile.name).toBe('float64');
  });

  test('an implementation without the tangent projection fails M-SA with a shrunk counterexample and a check replay line', async () => {
    const report = await checkImplementation(noTangentProjection, { only: 'M-SA', runs: 20, seed: 3 });
    const r = report.results[0];
    expect(r.verdict).toBe('failed');
    expect(report.exitCode).toBe(1);
    expect(r.failure!.replay).toMatch(/^attnflow check .*--only 'M-SA' --seed 3 --path '[\d:]+' --runs 1$/);
    expect(r.failure!.details!.measured).toBeGreaterThan(r.failure!.details!.tolerance);
    const ce = r.failure!.counterexample as { X: number[][] };
    expect(ce.X.length * ce.X[0].length, 'shrunk to a readable size').toBeLessThanOrEqual(9);
  });

  test('replaying the printed seed and path reproduces the same failure in one run', async () => {
    const first = (await checkImplementation(softmaxWrongAxis, { only: 'M-SA', runs: 30 })).results[0];
    expect(first.verdict).toBe('failed');
    const again = (await checkImplementation(softmaxWrongAxis, { only: 'M-SA', runs: 1, path: first.failure!.path })).results[0];
    expect(again.verdict).toBe('failed');
    expect(again.failure!.counterexample).toEqual(first.failure!.counterexample);
  });

  test('a velocity-only implementation runs M-SA and skips the flow theorems with the reason "needs op flow"', async () => {
    const ref = referenceImplementation();
    const report = await checkImplementation({ name: 'velocity-only', models: ['sa', 'usa'], velocity: ref.velocity }, { only: SUBSET, runs: 3 });
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
    expect(byId['M-SA'].verdict).toBe('passed');
    expect(byId.S1.verdict).toBe('skipped');
    expect(byId.S1.reason).toBe('needs op flow');
    expect(report.exitCode).toBe(0);
  });

  test('a plain-array JS implementation is adapted, and an op that throws makes its theorem errored with the message and the case', async () => {
    const ref = referenceImplementation();
    const m = (rows: number[][] | null) => (rows ? fromRows(rows) : null);
    const plain: PlainImplementation = {
      name: 'plain-arrays',
      velocity: async (req) => {
        if (req.X.length > 3) throw new RangeError('too many tokens for this toy');
        return toRows(await ref.velocity!({ model: req.model, beta: req.beta, Q: m(req.Q), K: m(req.K), V: m(req.V), X: fromRows(req.X) }));
      },
    };
    const report = await checkImplementation(plain, { only: 'M-SA', runs: 40 });
    const r = report.results[0];
    expect(r.verdict).toBe('errored');
    expect(r.failure).toBeUndefined();
    expect(r.error!.kind).toBe('internal');
    expect(r.error!.message).toContain('velocity threw RangeError: too many tokens for this toy');
    // The case that triggered it, not shrunk: an exception is not a counterexample.
    expect((r.error!.case as { X: number[][] }).X.length).toBeGreaterThan(3);
    expect(r.error!.replay).toMatch(/--only 'M-SA' --seed 42 --path '\d+' --runs 1$/);
    expect(report.exitCode).toBe(3);
  });

  test('a wrong shape makes the theorem errored (a protocol violation), not a crash of attnflow', async () => {
    const ref = referenceImplementation();
    const bad: Implementation = { ...ref, name: 'short', velocity: async (req) => ({ rows: req.X.rows - 1 || 0, cols: req.X.cols, data: new Float64Array(0) }) };
    const r = (await checkImplementation(bad, { only: 'M-SA', runs: 5 })).results[0];
    expect(r.verdict).toBe('errored');
    expect(r.error!.kind).toBe('shape');
    expect(r.error!.message).toMatch(/"velocity" has \d+ rows, expected \d+/);
  });

  test('a raw Implementation object with a wrong shape or a wrong number of layer states is errored too, not failed', async () => {
    const ref = referenceImplementation();
    const cases: [Theorem<any>, Implementation][] = [
      [velocityField, { ...ref, name: 'short-velocity', velocity: async (req) => ({ rows: req.X.rows, cols: req.X.cols + 1, data: new Float64Array(req.X.rows * (req.X.cols + 1)) }) }],
      [layerFirstOrder, { ...ref, name: 'layer-one-short', layer: async (req) => (await ref.layer!(req)).slice(1) }],
    ];
    for (const [thm, impl] of cases) {
      // runTheorem directly: no in-process adapter in between to validate the answer first.
      const r = await runTheorem(thm, impl, { runs: 3 });
      expect(r.verdict, `${thm.id} on ${impl.name}`).toBe('errored');
      expect(r.error!.kind).toBe('shape');
      expect(r.failure).toBeUndefined();
    }
  });

  test('results stream to the JSON-lines report as they finish, and JUnit and Markdown renderings carry the verdicts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnflow-check-'));
    const path = join(dir, 'r.jsonl');
    const seen: string[] = [];
    const report = await checkImplementation(noTangentProjection, {
      only: SUBSET, runs: 3, report: path,
      onResult: (r) => seen.push(`${r.id}:${readFileSync(path, 'utf8').trim().split('\n').length}`),
    });
    expect(seen).toEqual(['M-SA:1', 'S1:2', 'S2:3']);
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.verdict)).toEqual(report.results.map((r) => r.verdict));
    const xml = renderJunit(report);
    expect(xml).toContain('<testsuite name="attnflow check: no-tangent-projection" tests="3" failures="');
    expect(xml).toMatch(/<failure message="[^"]*tangency[^"]*" type="must">/);
    expect(xml).toContain('<property name="profile" value="float64"/>');
    expect((xml.match(/<testcase /g) ?? []).length).toBe(3);
    const md = renderMarkdown(report);
    expect(md).toContain('| M-SA | must | **FAIL** |');
    expect(md).toContain('replay: attnflow check');
    expect(md).toContain('profile `float64`');
  });
});

describe('tolerance profiles', () => {
  test('float64 is the default, float32 and custom are named in the profile', () => {
    expect(resolveProfile().name).toBe('float64');
    expect(resolveProfile({ profile: 'float32' })).toBe(FLOAT32);
    expect(resolveProfile({ profile: 'custom', eps: 1e-10, flowRtol: 1e-6 })).toEqual({ name: 'custom', eps: 1e-10, flowRtol: 1e-6 });
    expect(resolveProfile({ flowRtol: 1e-6 }).name).toBe('custom');
  });

  test('bad profile options are refused with the field and the fix', () => {
    expect(() => resolveProfile({ profile: 'float16' })).toThrow(AttnflowError);
    expect(() => resolveProfile({ profile: 'float16' })).toThrow(/--profile.*float32/);
    expect(() => resolveProfile({ profile: 'float64', eps: 1e-9 })).toThrow(/--profile custom/);
    expect(() => resolveProfile({ profile: 'custom', eps: -1 })).toThrow(/--eps/);
  });
});

describe('no false alarms', () => {
  // Long variant: 20 seeds and every registered fast theorem (ATTNFLOW_LONG=1).
  const seeds = LONG ? Array.from({ length: 20 }, (_, k) => 1000 + 17 * k) : [1000, 1017];
  const only = LONG ? undefined : SUBSET;
  const runs = LONG ? undefined : 4;

  test.each(seeds)('a float64 implementation with its own adaptive RK4 integrator passes (seed %i)', async (seed) => {
    const report = await checkImplementation(alternativeIntegrator(), { only, runs, seed, ...(LONG ? { budgetSeconds: 300 } : {}) });
    const bad = report.results.filter((r) => r.verdict === 'failed' || r.verdict === 'errored');
    expect(bad.map((r) => `${r.id}: ${r.verdict} ${r.failure?.message ?? r.error?.message}`)).toEqual([]);
  }, LONG ? 600_000 : 60_000);

  test.each(seeds)('a float32 implementation passes under the float32 profile (seed %i)', async (seed) => {
    // The long variant is issue 11's sweep: every fast theorem at its default runs, within check's default budget.
    const report = await checkImplementation(float32Implementation(), { only, runs, seed, profile: FLOAT32, ...(LONG ? { budgetSeconds: 300 } : {}) });
    const bad = report.results.filter((r) => r.verdict === 'failed' || r.verdict === 'errored');
    expect(bad.map((r) => `${r.id}: ${r.verdict} ${r.failure?.message ?? r.error?.message}`)).toEqual([]);
    expect(report.profile.name).toBe('float32');
  }, LONG ? 600_000 : 60_000);

  test('the same float32 implementation fails under the float64 profile, so the float32 pass is not vacuous', async () => {
    const report = await checkImplementation(float32Implementation(), { only: 'M-SA', runs: 20 });
    expect(report.results[0].verdict).toBe('failed');
  });
});
