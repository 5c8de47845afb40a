import type { ModelKind } from '../models/params.ts';

/**
 * How far a quantity may move before `regress compare` calls it a regression (tolerances in
 * src/regress/tolerance.ts):
 * - `exact`: integers and verdicts (cluster counts, certificate verdicts) must not change at all;
 * - `pointwise`: one evaluation (velocity, one layer, energy, gamma_beta): a few hundred rounding units;
 * - `flow`: trajectories at a horizon t, growing with t;
 * - `long-horizon`: times to reach one cluster from a metastable start, which the integrator moves a
 *   lot (Problem 1, THEORY §4): a grid step or 5 % of the time.
 */
export type ToleranceClass = 'exact' | 'pointwise' | 'flow' | 'long-horizon';

/** The random matrices a case may use: none (identity), or Ginibre Q, K and V scaled by 1/sqrt(d). */
export type MatrixSpec = 'identity' | 'ginibre';

/** What a case computes. `reference-only` kinds use attnflow internals and are skipped for `--impl`. */
export type CaseKind =
  | 'velocity' | 'layer' | 'flow' | 'energy' | 'clusters' | 'oneClusterTime' | 'equiangular'
  | 'gammaBeta' | 'tStar' | 'certificate';

/** One fixed, seeded regression case: everything needed to rebuild its inputs. */
export interface RegressCase {
  /** Stable id; the baseline is keyed by it. */
  readonly id: string;
  readonly kind: CaseKind;
  readonly tolerance: ToleranceClass;
  readonly model: ModelKind;
  readonly beta: number;
  readonly n: number;
  readonly d: number;
  /** Seed of the start (uniform on the sphere) and of the matrices. */
  readonly seed: number;
  readonly matrices: MatrixSpec;
  /** Horizons (flow, clusters, equiangular, gammaBeta), or the time grid of `oneClusterTime`. */
  readonly times?: readonly number[];
  /** Layer step and count (`layer`). */
  readonly h?: number;
  readonly steps?: number;
  /** Threshold delta (`tStar`; cluster counts use delta = 1e-4, i.e. Gram > 0.9999 as Fig. 4). */
  readonly delta?: number;
}

/** Kinds that only attnflow's own engine can answer (analysis and certificates, not protocol ops). */
export const REFERENCE_ONLY: ReadonlySet<CaseKind> = new Set(['gammaBeta', 'tStar', 'certificate']);

const base = { model: 'sa' as ModelKind, matrices: 'identity' as MatrixSpec };

/**
 * The fixed case list of a baseline. Changing it changes every baseline, so add cases at the end with
 * new ids rather than editing old ones.
 */
export function regressCases(): RegressCase[] {
  const cases: RegressCase[] = [];
  for (const model of ['sa', 'usa'] as const) {
    for (const beta of [0, 1, 5]) {
      cases.push({ ...base, id: `velocity/${model}/beta=${beta}`, kind: 'velocity', tolerance: 'pointwise', model, beta, n: 6, d: 3, seed: 11 });
    }
    cases.push({ ...base, id: `velocity/${model}/ginibre/beta=2`, kind: 'velocity', tolerance: 'pointwise', model, beta: 2, n: 6, d: 4, seed: 12, matrices: 'ginibre' });
  }
  cases.push({ ...base, id: 'layer/sa/beta=2/h=0.1/steps=10', kind: 'layer', tolerance: 'pointwise', beta: 2, n: 8, d: 3, seed: 21, h: 0.1, steps: 10 });
  cases.push({ ...base, id: 'layer/usa/ginibre/beta=1/h=0.05/steps=10', kind: 'layer', tolerance: 'pointwise', model: 'usa', beta: 1, n: 8, d: 3, seed: 22, h: 0.05, steps: 10, matrices: 'ginibre' });
  for (const t of [1, 5, 20]) {
    cases.push({ ...base, id: `flow/sa/beta=1/t=${t}`, kind: 'flow', tolerance: 'flow', beta: 1, n: 8, d: 3, seed: 31, times: [t] });
    cases.push({ ...base, id: `flow/usa/beta=0.5/t=${t}`, kind: 'flow', tolerance: 'flow', model: 'usa', beta: 0.5, n: 8, d: 3, seed: 32, times: [t] });
  }
  cases.push({ ...base, id: 'flow/sa/ginibre/beta=1/t=3', kind: 'flow', tolerance: 'flow', beta: 1, n: 6, d: 3, seed: 33, times: [3], matrices: 'ginibre' });
  for (const beta of [0.5, 3]) cases.push({ ...base, id: `energy/beta=${beta}`, kind: 'energy', tolerance: 'pointwise', beta, n: 10, d: 4, seed: 41 });
  cases.push({ ...base, id: 'energy/ginibre/beta=2', kind: 'energy', tolerance: 'pointwise', beta: 2, n: 10, d: 4, seed: 42, matrices: 'ginibre' });
  cases.push({ ...base, id: 'clusters/sa/beta=4/d=2', kind: 'clusters', tolerance: 'exact', beta: 4, n: 12, d: 2, seed: 51, times: [5, 10, 20] });
  cases.push({ ...base, id: 'oneClusterTime/sa/beta=3/d=2', kind: 'oneClusterTime', tolerance: 'long-horizon', beta: 3, n: 8, d: 2, seed: 52, times: Array.from({ length: 41 }, (_, k) => k) });
  cases.push({ ...base, id: 'equiangular/sa/n=5/beta=3', kind: 'equiangular', tolerance: 'flow', beta: 3, n: 5, d: 5, seed: 0, times: [0.5, 1, 2, 5] });
  cases.push({ ...base, id: 'gammaBeta/sa/n=32/beta=4', kind: 'gammaBeta', tolerance: 'pointwise', beta: 4, n: 32, d: 32, seed: 0, times: [1, 5, 10] });
  cases.push({ ...base, id: 'gammaBeta/usa/n=5/beta=3', kind: 'gammaBeta', tolerance: 'pointwise', model: 'usa', beta: 3, n: 5, d: 5, seed: 0, times: [0.5, 1] });
  cases.push({ ...base, id: 'tStar/sa/n=32/beta=6', kind: 'tStar', tolerance: 'pointwise', beta: 6, n: 32, d: 32, seed: 0, delta: 1e-3 });
  cases.push({ ...base, id: 'certificate/sa/beta=1/n=5/d=3', kind: 'certificate', tolerance: 'exact', beta: 1, n: 5, d: 3, seed: 61 });
  cases.push({ ...base, id: 'certificate/sa/beta=1/n=5/d=2', kind: 'certificate', tolerance: 'exact', beta: 1, n: 5, d: 2, seed: 68 });
  return cases;
}
