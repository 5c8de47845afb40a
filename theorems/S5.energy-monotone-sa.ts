import fc from 'fast-check';
import { systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import type { Mat } from '../src/linalg/mat.ts';
import { maxEnergy } from '../src/energy/uniformEnergy.ts';
import { energyDirectionalDerivative, maxAbsEntry, partition, weightedInner } from './sphereCalculus.ts';
import { energyOf, flowAmplification, flowOf, MAX_AMPLIFICATION, velocityOf } from './support.ts';
import type { Outcome, TheoremContext } from './types.ts';
import type { Theorem } from './types.ts';
import { assertAtLeast, assertAtMost } from './types.ts';

/** A system and the times at which the energy is sampled along the flow. */
export interface EnergyFlowCase extends SystemCase {
  readonly times: number[];
}

/** Finite-difference step of the energy-rate identities (Richardson pair delta, delta/2). */
export const ENERGY_FD_STEP = 1e-3;

/**
 * Relative budget of the Richardson derivative: rounding ~ 4 eps |E| / delta per difference (amplified
 * 3x by the extrapolation) plus truncation ~ delta^4 |E^(5)| / 30 with |E^(5)| <= (beta + 2)^5 |E| along a
 * unit-speed curve. In units of E_max = e^beta / (2 beta).
 */
export function fdTolerance(eps: number, beta: number, speed: number): number {
  return 50 * eps / ENERGY_FD_STEP + ENERGY_FD_STEP ** 4 * ((beta + 2) * Math.max(1, speed)) ** 5;
}

/**
 * The shared check of S5, S5r and S6: (a) the energy rate along the velocity, measured by Richardson
 * central differences of the implementation's energy along normalize(X + s v), equals `sign` *
 * sum_i w_i |v_i|^2 for the given weights; (b) along the implementation's flow the energy moves
 * monotonically in the direction `sign`.
 */
export async function energyRateCheck(
  ctx: TheoremContext,
  c: EnergyFlowCase,
  weights: (X: Mat, beta: number) => ArrayLike<number>,
  sign: 1 | -1,
  what: string,
): Promise<Outcome> {
  const req = requestOf(c);
  const ereq = { beta: c.beta, Q: req.Q, K: req.K, X: req.X };
  const v = await velocityOf(ctx.impl, req);
  const Emax = maxEnergy(c.beta);
  const rate = await energyDirectionalDerivative(ctx.impl, ereq, v, ENERGY_FD_STEP);
  const predicted = sign * weightedInner(v, v, weights(req.X, c.beta));
  const tolRate = fdTolerance(ctx.profile.eps, c.beta, maxAbsEntry(v) * Math.sqrt(req.X.rows)) * Emax;
  assertAtMost(`|dE/dt - (${what})| (finite differences along the velocity)`, Math.abs(rate - predicted), tolRate, { expected: predicted, actual: rate });
  const A = await flowAmplification(ctx.reference, { ...req, times: c.times });
  if (A > MAX_AMPLIFICATION) return { status: 'inconclusive', reason: `the flow amplifies perturbations by ${A.toExponential(2)}` };
  const states = await flowOf(ctx.impl, { ...req, times: c.times });
  let prev = await energyOf(ctx.impl, ereq);
  let worst = Infinity;
  for (const X of states) {
    const e = await energyOf(ctx.impl, { ...ereq, X });
    worst = Math.min(worst, sign * (e - prev));
    prev = e;
  }
  // Each state is accurate to flowRtol A (A the flow's amplification); |dE/dx_i| <= e^beta / n = 2 beta E_max / n (Remark 3.8).
  return assertAtLeast(sign > 0 ? 'min_k E(t_{k+1}) - E(t_k)' : 'min_k E(t_k) - E(t_{k+1})', worst, -10 * ctx.profile.flowRtol * A * Emax * 2 * c.beta * req.X.rows);
}

/** Times at which the energy is sampled along the flow: T/4, T/2, 3T/4, T. */
export function energyTimes(): fc.Arbitrary<number[]> {
  return fc.double({ min: 0.2, max: 3, noNaN: true }).map((T) => [T / 4, T / 2, (3 * T) / 4, T]);
}

/** Z_{beta,i} / n^2 with Q = K = I: the SA weights of (3.6) in particle form (S5, and S5r with a minus sign). */
export function saWeights(X: Mat, beta: number): Float64Array {
  const n = X.rows;
  return partition(X, beta, null, null).map((z) => z / (n * n));
}

/** 1/n for every token: the USA weights of the energy rate (Lemma 3.7 for S6, and S5r with a minus sign). */
export function usaWeights(X: Mat): Float64Array {
  return new Float64Array(X.rows).fill(1 / X.rows);
}

/**
 * S5 (eq. 3.6 in particle form [DERIVED]): along SA with Q = K = V = I, dE/dt = (1/n^2) sum_i Z_{beta,i} |x_i'|^2 >= 0,
 * so E_beta is non-decreasing.
 */
export const energyMonotoneSA: Theorem<EnergyFlowCase> = {
  id: 'S5',
  title: 'along SA the energy rate is (1/n^2) sum_i Z_i |x_i\'|^2 >= 0 and the energy never decreases',
  source: 'eq. (3.6) (mean-field form), particle form [DERIVED, VERIFIED-NUM 1e-9]; §2 S5',
  hypotheses: 'SA, Q = K = V = I, n in [1, 7], d in [1, 5], beta in [0.1, 5] (finite differences of E ~ 1/(2 beta) lose digits as beta -> 0), every configuration family, times T/4..T with T in [0.2, 3]',
  conclusion:
    '(a) d/ds E(normalize(X + s v))|_{s=0}, by Richardson central differences of the implementation\'s energy (delta = 1e-3), equals (1/n^2) sum_i Z_i |v_i|^2 with v the implementation\'s velocity; ' +
    '(b) E(flow_{t_{k+1}}) >= E(flow_{t_k}) - tol',
  tolerance:
    '(a) absolute, E_max (50 eps / delta + delta^4 ((beta + 2) speed)^5) with E_max = e^beta/(2 beta): finite-difference rounding plus the Richardson remainder; ' +
    '(b) 20 flowRtol A beta n E_max: each state is accurate to flowRtol A (A >= 1 the amplification of an initial perturbation, measured on the reference; A > 1e5 is inconclusive) and E is Lipschitz with constant e^beta = 2 beta E_max per token',
  tier: 'must',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['velocity', 'flow', 'energy'], models: ['sa'] },
  horizon: 'short',
  runs: 20,
  arbitrary: () =>
    fc
      .tuple(systemArbitrary({ models: ['sa'], n: [1, 7], d: [1, 5], beta: [0.1, 5] }).filter((c) => c.beta >= 0.1), energyTimes())
      .map(([c, times]) => ({ ...c, times })),
  check: (ctx, c) => energyRateCheck(ctx, c, saWeights, 1, '(1/n^2) sum Z_i |v_i|^2'),
};
