import { AttnflowError } from '../errors.ts';
import type { Tokens } from '../linalg/mat.ts';
import { flow } from '../integrators/flow.ts';
import { attentionDrift } from '../models/attentionDrift.ts';
import type { AttentionParams } from '../models/params.ts';

/**
 * Largest growth of an off-sphere error that one flow request may carry: 10. With the protocol's
 * P_x(y) = y - <x, y> x evaluated off the sphere, d|x_i|^2/dt = 2 <x_i, a_i> (1 - |x_i|^2) with
 * a_i = sum_j w_ij V x_j, so an error u_i = |x_i|^2 - 1 evolves as u_i' = -2 <x_i, a_i> u_i: the sphere
 * repels wherever <x_i, a_i> < 0 (V = -I, general V, spread-out tokens). An integrator without a
 * retraction (scipy's solve_ivp, torchdiffeq, a DOPRI5 that never renormalises: the textbook methods of
 * the envelope) then loses accuracy like e^{2 |<x_i, a_i>| t}, and on a long repulsive request it
 * leaves the sphere altogether. Requests are kept short enough that this factor stays at most 10.
 */
export const MAX_NORMAL_AMPLIFICATION = 10;

/** What {@link normalGrowth} measured along the reference trajectory of one flow. */
export interface NormalGrowth {
  /**
   * Times strictly inside (0, T) at which the flow must be cut into separate requests (each restarting
   * from the returned state, renormalised) so that no request amplifies an off-sphere error by more
   * than the limit. Empty when the whole horizon stays within it.
   */
  readonly cuts: number[];
  /**
   * The largest amplification of an off-sphere error over any stretch inside one request once cut,
   * max_i max_{s <= t in one request} exp(-2 int_s^t <x_i, a_i>), at least 1: what an integrator's
   * norm error may grow by (S1's tolerance is scaled by it).
   */
  readonly amplification: number;
}

/**
 * The off-sphere error growth of the flow of (2.3) from `X` up to time `T`, measured on the reference
 * DOPRI5 trajectory (the integral of g_i = -2 <x_i, a_i> by the trapezoid rule over its accepted steps,
 * which resolve the flow to rtol 1e-11), and the cut times that keep each request's growth within
 * `limit` (default {@link MAX_NORMAL_AMPLIFICATION}). Measured rather than bounded: the bound
 * e^{2 M T} from the speed M >= |a_i| would loosen S1 tenfold on attractive flows, where N is about 1.
 */
export function normalGrowth(X: Tokens, params: AttentionParams, T: number, limit = MAX_NORMAL_AMPLIFICATION): NormalGrowth {
  if (!(limit > 1)) throw new AttnflowError('limit', `must exceed 1 (a growth factor), got ${limit}`, 'pass a factor such as 10');
  const n = X.rows, d = X.cols;
  const lambda = Math.log(limit);
  if (!(T > 0)) return { cuts: [], amplification: 1 };
  const rate = (Y: Tokens): Float64Array => {
    const A = attentionDrift(Y, params).data;
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += Y.data[i * d + k] * A[i * d + k];
      g[i] = -2 * s;
    }
    return g;
  };
  const cuts: number[] = [];
  // Per token: G_i (the integral of g_i since the current request began) and its running minimum.
  const G = new Float64Array(n), low = new Float64Array(n);
  let worst = 0, tPrev = 0, gPrev = rate(X);
  const observe = (t: number, Y: Tokens): boolean => {
    if (t <= tPrev) return false;
    const g = rate(Y);
    // g_i linear over the accepted step [tPrev, t]; G_i advances by the trapezoid between two times.
    const gAt = (i: number, s: number) => gPrev[i] + ((g[i] - gPrev[i]) * (s - tPrev)) / (t - tPrev);
    const advance = (i: number, from: number, to: number) => (G[i] += ((gAt(i, from) + gAt(i, to)) / 2) * (to - from));
    let from = tPrev;
    while (from < t) {
      // The first time in (from, t] at which some token's G_i - min G_i reaches lambda (a quadratic in s).
      let cutAt = Infinity;
      for (let i = 0; i < n; i++) {
        const a = gAt(i, from), slope = (g[i] - gPrev[i]) / (t - tPrev);
        if (G[i] + ((a + g[i]) / 2) * (t - from) - low[i] <= lambda) continue;
        const need = lambda - (G[i] - low[i]);
        const s = slope === 0 ? need / a : (-a + Math.sqrt(Math.max(0, a * a + 2 * slope * need))) / slope;
        cutAt = Math.min(cutAt, from + Math.min(Math.max(s, 0), t - from));
      }
      if (cutAt >= t) {
        for (let i = 0; i < n; i++) {
          advance(i, from, t);
          low[i] = Math.min(low[i], G[i]);
          worst = Math.max(worst, G[i] - low[i]);
        }
        break;
      }
      // Rounding can put the cut where the last request began; a request cannot be shorter than nothing.
      if (cutAt <= (cuts.length ? cuts[cuts.length - 1] : 0) + 1e-12 * Math.max(1, T)) cutAt = from + (t - from) / 2;
      for (let i = 0; i < n; i++) {
        advance(i, from, cutAt);
        worst = Math.max(worst, G[i] - Math.min(low[i], G[i]));
        G[i] = 0;
        low[i] = 0;
      }
      if (cutAt < T) cuts.push(cutAt);
      from = cutAt;
    }
    tPrev = t;
    gPrev = g;
    return false;
  };
  flow(X, params, [T], { integrator: 'dopri5', rtol: 1e-11, atol: 1e-13, stop: [{ name: 'normal-growth', test: observe }] });
  return { cuts, amplification: Math.exp(worst) };
}
