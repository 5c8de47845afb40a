import { expect } from 'vitest';
import type { Implementation } from '../../src/adapters/implementation.ts';
import type { RunTheoremOptions, TheoremResult } from '../../properties/runTheorem.ts';
import { runTheorem } from '../../properties/runTheorem.ts';
import type { Theorem } from '../../theorems/types.ts';

/** Runs `thm` against `impl` and asserts it passed, printing the failure if not. */
export async function expectPasses(thm: Theorem<any>, impl: Implementation, options: RunTheoremOptions = {}): Promise<TheoremResult> {
  const r = await runTheorem(thm, impl, options);
  expect(r.verdict, `${thm.id} on ${impl.name}: ${JSON.stringify(r.failure ?? r.error ?? r.reason ?? r.verdict, null, 1)?.slice(0, 2000)}`).toBe('passed');
  // Under float64 every request the theorem built lay inside the feasibility envelope (src/check/envelope.ts).
  // Under float32 the tighter exponent bound (80) discards some draws of the huge-beta USA cases, by design.
  if ((options.profile?.maxValue ?? Number.MAX_VALUE) === Number.MAX_VALUE) {
    expect(r.envelopeRefusals ?? 0, `${thm.id} built requests outside the envelope: ${r.envelopeProblem}`).toBe(0);
  }
  return r;
}

/**
 * Runs `thm` against a deliberately broken implementation and asserts it fails with a shrunk,
 * replayable counterexample: the proof that the check can fail.
 */
export async function expectFails(thm: Theorem<any>, mutant: Implementation, options: RunTheoremOptions = {}): Promise<TheoremResult> {
  const r = await runTheorem(thm, mutant, options);
  expect(r.verdict, `${thm.id} should fail on mutant ${mutant.name}, got ${r.verdict}`).toBe('failed');
  expect(r.failure?.replay).toContain(`--only '${thm.id}'`);
  expect(r.failure?.counterexample).toBeDefined();
  return r;
}
