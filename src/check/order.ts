import type { Theorem } from '../../theorems/types.ts';

/**
 * The check order's phases (issue 11): 0 the conformance checks, one differential check per op against
 * the reference (M-SA, M-FLOW, HP-layer, HP-energy), so a wrong op of any kind is reported within
 * seconds; 1 the other cheap identities (velocity, energy, layer); 2 short flows (horizon of order 1);
 * 3 long flows (clustering, asymptotics); 4 the theorems about the mathematics alone, which ask the
 * implementation nothing (T6.7, P3.4g, ...): `check` skips those, since they cannot depend on it.
 */
export type Phase = 0 | 1 | 2 | 3 | 4;

/** The phase `check` skips: theorems that need no op. */
export const THEORY_ONLY_PHASE: Phase = 4;

/** Share of the budget per theorem of each phase: a flow costs more than a velocity identity. */
export const PHASE_WEIGHT: Readonly<Record<Phase, number>> = { 0: 1, 1: 1, 2: 2, 3: 3, 4: 0 };

/** The phase of a theorem, from what it needs. */
export function phaseOf(thm: Theorem<any>): Phase {
  if (thm.needs.ops.length === 0) return 4;
  if (thm.conformance) return 0;
  if (!thm.needs.ops.includes('flow')) return 1;
  return thm.horizon === 'short' ? 2 : 3;
}

/**
 * A theorem's share weight in the budget: its phase's, except that the conformance check of the flow
 * op costs what a short flow does, and the theory-only theorems weigh 1 when they are run at all
 * (`runTheoryOnly`, check's keepOrder).
 */
export function budgetWeight(thm: Theorem<any>, runTheoryOnly = false): number {
  const phase = phaseOf(thm);
  if (phase === 0 && thm.needs.ops.includes('flow')) return PHASE_WEIGHT[2];
  if (phase === THEORY_ONLY_PHASE && runTheoryOnly) return 1;
  return PHASE_WEIGHT[phase];
}

const TIER_RANK = { must: 0, should: 1, may: 2 } as const;

/** Theorems in check order: by phase, then must before should before may, then registry order (stable). */
export function orderForCheck<T extends Theorem<any>>(theorems: readonly T[]): T[] {
  return theorems
    .map((t, i) => ({ t, i }))
    .sort((a, b) => phaseOf(a.t) - phaseOf(b.t) || TIER_RANK[a.t.tier] - TIER_RANK[b.t.tier] || a.i - b.i)
    .map((x) => x.t);
}
