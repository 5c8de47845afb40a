import fc from 'fast-check';
import { requestOf } from '../properties/cases.ts';
import type { SystemCase } from '../properties/cases.ts';
import { caseOf } from '../properties/cases.ts';
import type { Tokens } from '../src/linalg/mat.ts';
import { scaledIdentity } from '../src/linalg/mat.ts';
import { Rng } from '../src/random/rng.ts';
import { uniformSphere } from '../src/random/sphere.ts';
import { energyOf, flowOf } from './support.ts';
import type { Theorem } from './types.ts';
import { Violation, fmt } from './types.ts';

/**
 * H_beta of the regular simplex, n = d + 1 points with pairwise inner products -1/d, in the normalisation of
 * op `energy`: (1/(2 beta n^2)) (n e^beta + n (n - 1) e^{-beta/d}) (S4 repulsive form, §9.1).
 */
export function simplexEnergy(d: number, beta: number): number {
  const n = d + 1;
  return (n * Math.exp(beta) + n * (n - 1) * Math.exp(-beta / d)) / (2 * beta * n * n);
}

/** Doubling horizons of the energy descent: 10, 20, ..., 640. */
export const DESCENT_HORIZONS = [10, 20, 40, 80, 160, 320, 640];

/** Independent random starts per case; the best of them must reach the simplex energy. */
export const DESCENT_STARTS = 2;

/**
 * T9.2 (Cohn-Kumar, as used in §9.1) for n = d + 1: the repulsive dynamics V = -I descends the energy
 * (S5r) from random starts; no state ever has energy below the regular simplex's, and the best run
 * reaches it.
 */
export const repulsiveSimplex: Theorem<SystemCase> = {
  id: 'T9.2',
  title: 'V = -I energy descent with n = d + 1 never goes below the regular simplex energy and the best run reaches it',
  source: 'Thm 9.2 (Cohn-Kumar 2007, Thm 1.2), Definition 9.1, §9.1; S5 repulsive form; §6 table row T9.2',
  hypotheses:
    `SA, Q = K = I, V = -I; d in [2, 4], n = d + 1; beta in [0.5, 3]; ${DESCENT_STARTS} iid uniform starts per case; ` +
    `flow sampled at horizons ${DESCENT_HORIZONS.join(', ')} until the energy gap closes`,
  conclusion:
    'every sampled energy E(x(t)) >= H_beta(simplex) - tol, and min over starts of E at the last horizon equals H_beta(simplex) within tol; ' +
    'a run still descending when the horizons run out is inconclusive, one that stalled above the simplex energy fails',
  tolerance:
    'relative max(1e-9, 100 n^2 eps) of H_beta(simplex) (1e-9 for float64, as THEORY asks): the energy is a sum of n^2 exponentials; ' +
    'at the minimiser a state error of flowRtol moves E only to second order, so flow accuracy does not enter',
  tier: 'should',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow', 'energy'], models: ['sa'] },
  runs: 4,
  arbitrary: () =>
    fc
      .record({ d: fc.integer({ min: 2, max: 4 }), beta: fc.oneof(fc.constantFrom(1, 3), fc.double({ min: 0.5, max: 3, noNaN: true })), seed: fc.nat({ max: 0x7fffffff }) })
      .map((r) => caseOf('sa', r.beta, uniformSphere(r.d + 1, r.d, new Rng(r.seed)), null, null, scaledIdentity(r.d, -1))),
  async check(ctx, c) {
    const first = requestOf(c);
    const n = first.X.rows, d = first.X.cols;
    const H = simplexEnergy(d, c.beta);
    const tol = H * Math.max(1e-9, 100 * n * n * ctx.profile.eps);
    const E = (X: Tokens) => energyOf(ctx.impl, { beta: c.beta, Q: null, K: null, X });
    const starts: Tokens[] = [first.X];
    const rng = new Rng(Math.round(c.X[0][0] * 2 ** 30) ^ 0x5eed);
    while (starts.length < DESCENT_STARTS) starts.push(uniformSphere(n, d, rng));
    let best = Infinity, stalledAll = true, lowest = Infinity, outOfTime = false;
    for (const X of starts) {
      if (outOfTime) break;
      let prev = await E(X);
      lowest = Math.min(lowest, prev);
      let last = prev, stalled = false, state = X, t = 0;
      // One horizon at a time from the last state: the flow is autonomous, and a run that has reached the
      // simplex asks for no more (where the sphere repels, each horizon is itself several requests, flowOf).
      for (const horizon of DESCENT_HORIZONS) {
        if (performance.now() >= (ctx.deadline ?? Infinity)) {
          outOfTime = true;
          break;
        }
        // flowOf answers with the returned state's directions: a first-order norm error would move E by beta |dx| E, far above tol.
        [state] = await flowOf(ctx.impl, { ...first, X: state, times: [horizon - t] });
        t = horizon;
        last = await E(state);
        lowest = Math.min(lowest, last);
        if (last < H - tol) {
          throw new Violation(`energy ${fmt(last)} went below the regular simplex energy ${fmt(H)} by ${fmt(H - last)}`, {
            quantity: 'H_simplex - E(x(t))', measured: H - last, tolerance: tol, expected: H, actual: last,
          });
        }
        stalled = Math.abs(prev - last) <= tol / 10;
        prev = last;
        if (last - H <= tol) break;
      }
      best = Math.min(best, last);
      if (last - H > tol && !stalled) stalledAll = false;
    }
    if (best - H <= tol) return { status: 'pass', measured: Math.max(0, best - H), tolerance: tol };
    if (outOfTime) return { status: 'inconclusive', reason: `the time budget ran out before a run reached the simplex energy (gap ${fmt(best - H)})` };
    if (!stalledAll) return { status: 'inconclusive', reason: `energy still descending at t = ${DESCENT_HORIZONS.at(-1)}: gap ${fmt(best - H)}` };
    throw new Violation(`the best run stalled at energy ${fmt(best)}, above the regular simplex energy ${fmt(H)} by ${fmt(best - H)}`, {
      quantity: 'min over starts of E(x(T)) - H_simplex', measured: best - H, tolerance: tol, expected: H, actual: best,
    });
  },
};
