/**
 * Shared numerics of the identity theorems (structural facts and identities): tangent directions, retraction
 * curves, Richardson-extrapolated directional derivatives of an implementation's energy, and
 * partition functions. Attnflow-side code only: what the implementation returns is never touched here.
 */
import type { Implementation } from '../src/adapters/implementation.ts';
import type { Mat, Tokens } from '../src/linalg/mat.ts';
import { mat } from '../src/linalg/mat.ts';
import { logPartition } from '../src/models/attentionWeights.ts';
import { projectTangentInPlace } from '../src/models/projectTangent.ts';
import { Rng } from '../src/random/rng.ts';
import { energyOf } from './support.ts';

/** normalize(x_i + s u_i) row by row: a retraction curve through X with velocity U at s = 0. */
export function retract(X: Tokens, U: Tokens, s: number): Tokens {
  const n = X.rows, d = X.cols, out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let k = 0; k < d; k++) {
      const y = X.data[i * d + k] + s * U.data[i * d + k];
      out[i * d + k] = y;
      r += y * y;
    }
    r = Math.sqrt(r);
    for (let k = 0; k < d; k++) out[i * d + k] /= r;
  }
  return mat(n, d, out);
}

/** Random tangent directions u_i = P^perp_{x_i} g_i with g_i Gaussian, from a seed. */
export function randomTangent(X: Tokens, seed: number): Tokens {
  const rng = new Rng(seed);
  const n = X.rows, d = X.cols, out = new Float64Array(n * d);
  for (let p = 0; p < n * d; p++) out[p] = rng.normal();
  return mat(n, d, projectTangentInPlace(X, out));
}

/** sum_i <a_i, b_i> weighted by w_i (default 1). */
export function weightedInner(a: Tokens, b: Tokens, w?: ArrayLike<number>): number {
  const d = a.cols;
  let s = 0;
  for (let i = 0; i < a.rows; i++) {
    let r = 0;
    for (let k = 0; k < d; k++) r += a.data[i * d + k] * b.data[i * d + k];
    s += (w ? w[i] : 1) * r;
  }
  return s;
}

/** Z_{beta,i} = sum_k e^{beta <Q x_i, K x_k>} (eq. 2.4); throws past float64 through the caller's beta range. */
export function partition(X: Tokens, beta: number, Q: Mat | null, K: Mat | null): Float64Array {
  return logPartition(X, { beta, Q, K }).map(Math.exp);
}

/**
 * d/ds E(normalize(X + s U)) at s = 0 for the implementation's energy op, by central differences at
 * steps delta and delta/2 combined by Richardson extrapolation (error O(delta^4) plus rounding
 * ~ eps |E| / delta). The retraction is second order, so the derivative is sum_i <dE/dx_i, u_i>.
 */
export async function energyDirectionalDerivative(
  impl: Implementation,
  req: { beta: number; Q: Mat | null; K: Mat | null; X: Tokens },
  U: Tokens,
  delta: number,
): Promise<number> {
  const at = (s: number) => energyOf(impl, { beta: req.beta, Q: req.Q, K: req.K, X: retract(req.X, U, s) });
  const [p1, m1, p2, m2] = await Promise.all([at(delta), at(-delta), at(delta / 2), at(-delta / 2)]);
  const d1 = (p1 - m1) / (2 * delta), d2 = (p2 - m2) / delta;
  return (4 * d2 - d1) / 3;
}

/** max over rows of |u_i|. */
export function maxRowNorm(U: Tokens): number {
  let m = 0;
  for (let i = 0; i < U.rows; i++) {
    let s = 0;
    for (let k = 0; k < U.cols; k++) s += U.data[i * U.cols + k] ** 2;
    m = Math.max(m, Math.sqrt(s));
  }
  return m;
}

/** max over entries of |u_k|: the speed scale the finite-difference budgets are written in. */
export function maxAbsEntry(U: Tokens): number {
  let m = 0;
  for (let i = 0; i < U.data.length; i++) m = Math.max(m, Math.abs(U.data[i]));
  return m;
}

/** Row i of U multiplied by w_i. */
export function scaleRows(U: Tokens, w: ArrayLike<number>): Tokens {
  const d = U.cols, out = Float64Array.from(U.data);
  for (let i = 0; i < U.rows; i++) for (let k = 0; k < d; k++) out[i * d + k] *= w[i];
  return mat(U.rows, d, out);
}
