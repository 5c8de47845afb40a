import { AttnflowError, assertFinite } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import { validateParams, validateTokens } from './params.ts';
import { applyRows, scoreMatrix } from './scores.ts';

/** Options for {@link argmaxSets}. */
export interface ArgmaxOptions {
  /** Query matrix, k x d (default identity). */
  readonly Q?: Mat | null;
  /** Key matrix, k x d (default identity). */
  readonly K?: Mat | null;
  /**
   * Relative tie tolerance (default 1e-12): j is in C_i when s_ij >= max_k s_ik - tol * max_k |s_ik|.
   * 0 keeps only exact maximisers; a small positive value absorbs the rounding of the scores.
   */
  readonly tol?: number;
}

/** Parameters of the hardmax dynamics (9.5): {@link ArgmaxOptions} plus the value matrix. */
export interface HardmaxParams extends ArgmaxOptions {
  /** Value matrix, d x d (default identity). */
  readonly V?: Mat | null;
}

/** Default relative tie tolerance of {@link argmaxSets}. */
export const ARGMAX_TOLERANCE = 1e-12;

function validate(Z: Tokens, p: HardmaxParams): number {
  validateTokens(Z, false, undefined, 'Z');
  if (p === null || typeof p !== 'object') throw new AttnflowError('params', 'expected an object { Q?, K?, V?, tol? }', 'pass {} for Q = K = V = I');
  validateParams({ beta: 0, Q: p.Q, K: p.K, V: p.V }, Z.cols, 'params');
  const tol = p.tol ?? ARGMAX_TOLERANCE;
  assertFinite(tol, 'params.tol');
  if (tol < 0) throw new AttnflowError('params.tol', `must be >= 0, got ${tol}`, 'pass a small non-negative relative tolerance such as 1e-12');
  return tol;
}

function sets(Z: Tokens, p: ArgmaxOptions, tol: number): number[][] {
  const n = Z.rows;
  const S = scoreMatrix(Z, p.Q, p.K);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    let top = -Infinity, scale = 0;
    for (let j = 0; j < n; j++) {
      const s = S[i * n + j];
      if (s > top) top = s;
      if (Math.abs(s) > scale) scale = Math.abs(s);
    }
    const floor = top - tol * scale;
    const C: number[] = [];
    for (let j = 0; j < n; j++) if (S[i * n + j] >= floor) C.push(j);
    out.push(C);
  }
  return out;
}

/**
 * The arg-max sets of eq. (9.6): C_i = { j : <Q z_i, K z_j> >= <Q z_i, K z_k> for all k }, 0-based,
 * ascending, with ties decided up to the relative tolerance `tol`. Every C_i is non-empty.
 */
export function argmaxSets(Z: Tokens, options: ArgmaxOptions = {}): number[][] {
  const tol = validate(Z, options);
  return sets(Z, options, tol);
}

/**
 * The hardmax (beta -> infinity) dynamics, eq. (9.5): z_i' = (1/|C_i|) sum_{j in C_i} V (z_j - z_i) with
 * C_i from (9.6). The field is discontinuous where C_i changes; at a tie it returns the average over
 * the whole tied set, one of the Filippov choices (Example 9.3). Returns an n x d matrix.
 */
export function hardmaxVelocity(Z: Tokens, params: HardmaxParams = {}): Mat {
  const tol = validate(Z, params);
  const n = Z.rows, d = Z.cols;
  const C = sets(Z, params, tol);
  const vz = applyRows(Z, params.V).data;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const Ci = C[i], oi = i * d;
    for (const j of Ci) {
      if (j === i) continue;
      for (let k = 0; k < d; k++) out[oi + k] += vz[j * d + k] - vz[oi + k];
    }
    for (let k = 0; k < d; k++) out[oi + k] /= Ci.length;
  }
  return mat(n, d, out);
}
