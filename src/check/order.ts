import type { Theorem } from '../../theorems/types.ts';

/**
 * The check order's phases (issue 11): 0 the cheap and decisive identities (velocity, energy, layer),
 * 1 short flows (horizon of order 1), 2 long flows (clustering, asymptotics), 3 the theorems about
 * the mathematics alone, which ask the implementation nothing (T6.7, P3.4g, ...) and cannot change
 * its verdict. A broken velocity is found in phase 0 within seconds; a low-order integrator in phase 1
 * (HP-flow) before any long flow is paid for.
 */
export type Phase = 0 | 1 | 2 | 3;

/** Share of the budget per theorem of each phase: a flow costs more than a velocity identity. */
export const PHASE_WEIGHT: Readonly<Record<Phase, number>> = { 0: 1, 1: 2, 2: 3, 3: 1 };

/** The phase of a theorem, from what it needs. */
export function phaseOf(thm: Theorem<any>): Phase {
  if (thm.needs.ops.length === 0) return 3;
  if (!thm.needs.ops.includes('flow')) return 0;
  return thm.horizon === 'short' ? 1 : 2;
}

const TIER_RANK = { must: 0, should: 1, may: 2 } as const;

/** Theorems in check order: by phase, then must before should before may, then registry order (stable). */
export function orderForCheck<T extends Theorem<any>>(theorems: readonly T[]): T[] {
  return theorems
    .map((t, i) => ({ t, i }))
    .sort((a, b) => phaseOf(a.t) - phaseOf(b.t) || TIER_RANK[a.t.tier] - TIER_RANK[b.t.tier] || a.i - b.i)
    .map((x) => x.t);
}
