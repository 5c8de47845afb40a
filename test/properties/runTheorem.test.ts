import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Implementation, SystemRequest } from '../../src/adapters/implementation.ts';
import { ImplementationError } from '../../src/adapters/implementation.ts';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { runTheorem } from '../../properties/runTheorem.ts';
import { velocityField } from '../../theorems/M-SA.velocity-field.ts';
import { sphereInvariance } from '../../theorems/S1.sphere-invariance.ts';
import { velocityOf } from '../../theorems/support.ts';
import type { Theorem } from '../../theorems/types.ts';
import type { SystemCase } from '../../properties/cases.ts';
import { requestOf } from '../../properties/cases.ts';

const ref = referenceImplementation();

/** The reference, except that `op` misbehaves (throws `make()`) on requests with more than `nMax` tokens. */
function misbehaving(nMax: number, make: () => Error): Implementation {
  return {
    ...ref,
    name: 'misbehaving',
    velocity: async (req: SystemRequest) => {
      if (req.X.rows > nMax) throw make();
      return ref.velocity!(req);
    },
  };
}

describe('runTheorem verdicts', () => {
  test('a timeout makes the theorem errored, never failed, and the next cases are not sent', async () => {
    let calls = 0;
    const impl = misbehaving(2, () => new ImplementationError('timeout', 'no answer within 30 s'));
    const counted: Implementation = { ...impl, velocity: async (r) => (calls++, impl.velocity!(r)) };
    const r = await runTheorem(velocityField, counted, { runs: 60 });
    expect(r.verdict).toBe('errored');
    expect(r.failure).toBeUndefined();
    expect(r.error!.kind).toBe('timeout');
    expect(r.error!.count).toBe(1);
    // The case recorded is the one whose request hung: more than two tokens, as generated (not shrunk).
    expect((r.error!.case as { X: number[][] }).X.length).toBeGreaterThan(2);
    expect(r.reason).toContain('stopped at the first hang');
    const before = calls;
    // Replaying its path sends exactly that case again, and it hangs again.
    const again = await runTheorem(velocityField, counted, { runs: 1, path: r.error!.path });
    expect(again.verdict).toBe('errored');
    expect(again.error!.case).toEqual(r.error!.case);
    expect(calls - before).toBeGreaterThanOrEqual(1);
  });

  test('crashes stop the theorem after maxErrors runs, and the verdict names the kind', async () => {
    const r = await runTheorem(velocityField, misbehaving(1, () => new ImplementationError('crash', 'exited with status 3')), { runs: 60, maxErrors: 2 });
    expect(r.verdict).toBe('errored');
    expect(r.error!.kind).toBe('crash');
    expect(r.error!.count).toBe(2);
    expect(r.reason).toContain('stopped after 2');
  });

  test('a NaN answer where the exact answer is finite is a failure, said in those words, and it is shrunk', async () => {
    const nan: Implementation = {
      ...ref,
      name: 'nan-at-three',
      velocity: async (req) => {
        if (req.X.rows >= 3) throw new ImplementationError('non-finite', '"velocity[0][0]" is the non-finite number NaN');
        return ref.velocity!(req);
      },
    };
    const r = await runTheorem(velocityField, nan, { runs: 60 });
    expect(r.verdict).toBe('failed');
    expect(r.failure!.message).toMatch(/^wrong answer: .*NaN, where the exact answer is finite/);
    expect((r.failure!.counterexample as { X: number[][] }).X.length, 'shrunk to the smallest failing size').toBe(3);
  });

  test('a violation found after a crash is still a failure, with the violating case as counterexample', async () => {
    let k = 0;
    const flaky: Implementation = {
      ...ref,
      name: 'crash-then-wrong',
      velocity: async (req) => {
        if (k++ === 0) throw new ImplementationError('crash', 'exited with status 3');
        const v = await ref.velocity!(req);
        return { ...v, data: v.data.map((x) => 2 * x) };
      },
    };
    const r = await runTheorem(velocityField, flaky, { runs: 30 });
    expect(r.verdict).toBe('failed');
    expect(r.failure!.message).not.toContain('crash');
    expect(r.error?.kind).toBe('crash');
  });

  test('a time limit ends the theorem early: passed with the runs it got, or inconclusive when none was decided', async () => {
    const slow: Implementation = { ...ref, name: 'slow', flow: async (req) => (await new Promise((res) => setTimeout(res, 30)), ref.flow!(req)) };
    const r = await runTheorem(sphereInvariance, slow, { runs: 30, timeLimitMs: 200 });
    expect(r.verdict).toBe('passed');
    expect(r.interrupted).toBe(true);
    expect(r.runs).toBeGreaterThan(0);
    expect(r.runs).toBeLessThan(30);
    expect(r.requestedRuns).toBe(30);
  });

  test('a request outside the feasibility envelope is never sent: the case is discarded and counted, and a theorem with nothing else to draw is inconclusive', async () => {
    let sent = 0;
    const counting: Implementation = { ...ref, name: 'counting', velocity: async (req) => (sent++, ref.velocity!(req)) };
    // A USA velocity at beta = 1000 on coincident tokens is of size e^1000: no float64 answer exists.
    const overflowing: Theorem<SystemCase> = {
      ...velocityField,
      id: 'TEST-envelope',
      arbitrary: () => fc.constant({ model: 'usa', beta: 1000, X: [[1, 0], [1, 0]], Q: null, K: null, V: null }),
      check: async (ctx, c) => {
        await velocityOf(ctx.impl, requestOf(c));
        return { status: 'pass' };
      },
    };
    const r = await runTheorem(overflowing, counting, { runs: 3 });
    expect(sent).toBe(0);
    expect(r.verdict).toBe('inconclusive');
    expect(r.envelopeRefusals).toBeGreaterThanOrEqual(3);
    expect(r.reason).toMatch(/every case drawn was outside the feasibility envelope/);
    expect(r.envelopeProblem).toMatch(/outside the feasibility envelope.*beta max <Qx_i, Kx_j> = 1000 exceeds 600/);
  });
});
