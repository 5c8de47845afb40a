import { AttnflowError, assertFinite } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { rowNorm } from '../linalg/vec.ts';

/** Which normaliser the attention uses: `sa` divides by Z_{beta,i} (eq. 2.4), `usa` by n (§3.3). */
export type ModelKind = 'sa' | 'usa';

/**
 * Parameters of one self-attention head, eq. (2.3): scores <Q x_i, K x_j>, values V x_j.
 * A missing or `null` matrix is the identity. Q and K may be k x d (only B = Q^T K matters); V is d x d.
 */
export interface AttentionParams {
  /** `sa` (softmax-normalised, default) or `usa` (normaliser n). */
  readonly model?: ModelKind;
  /** Inverse temperature beta >= 0, finite. */
  readonly beta: number;
  /** Query matrix, k x d (default identity). */
  readonly Q?: Mat | null;
  /** Key matrix, k x d (default identity). */
  readonly K?: Mat | null;
  /** Value matrix, d x d (default identity). */
  readonly V?: Mat | null;
}

/** Default tolerance on | |x_i| - 1 | for inputs that must lie on the sphere: admits float32-rounded tokens. */
export const UNIT_TOLERANCE = 1e-6;

/** Validates `params` against the token dimension `d`; throws an {@link AttnflowError} naming the field. */
export function validateParams(params: AttentionParams, d: number, where = 'params'): void {
  if (params === null || typeof params !== 'object') {
    throw new AttnflowError(where, 'expected an object with beta (and optionally model, Q, K, V)', 'pass { beta: 1 }');
  }
  const model = params.model ?? 'sa';
  if (model !== 'sa' && model !== 'usa') {
    throw new AttnflowError(`${where}.model`, `unknown model ${JSON.stringify(model)}`, 'use "sa" or "usa"');
  }
  assertFinite(params.beta, `${where}.beta`);
  if (params.beta < 0) {
    throw new AttnflowError(`${where}.beta`, `beta must be >= 0, got ${params.beta}`, 'pass a non-negative inverse temperature (for the repulsive case use V = -I, not beta < 0)');
  }
  const Q = params.Q ?? null, K = params.K ?? null, V = params.V ?? null;
  if (Q && Q.cols !== d) throw new AttnflowError(`${where}.Q`, `has ${Q.cols} columns but tokens have d = ${d}`, `pass a k x ${d} query matrix`);
  if (K && K.cols !== d) throw new AttnflowError(`${where}.K`, `has ${K.cols} columns but tokens have d = ${d}`, `pass a k x ${d} key matrix`);
  const kq = Q ? Q.rows : d, kk = K ? K.rows : d;
  if (kq !== kk) throw new AttnflowError(`${where}.K`, `Q has ${kq} rows but K has ${kk}`, 'Q and K must have the same number of rows');
  if (V && (V.rows !== d || V.cols !== d)) throw new AttnflowError(`${where}.V`, `is ${V.rows} x ${V.cols} but tokens have d = ${d}`, `pass a ${d} x ${d} value matrix`);
  for (const [name, m] of [['Q', Q], ['K', K], ['V', V]] as const) {
    if (!m) continue;
    for (let i = 0; i < m.data.length; i++) {
      if (!Number.isFinite(m.data[i])) {
        throw new AttnflowError(`${where}.${name}[${Math.floor(i / m.cols)}][${i % m.cols}]`, `is ${m.data[i]}`, 'replace it by a finite number');
      }
    }
  }
}

/** Validates a token configuration: finite entries, and (when `unit`) every row of norm 1 within `tol`. */
export function validateTokens(X: Tokens, unit: boolean, tol = UNIT_TOLERANCE, field = 'X'): void {
  if (!X || !(X.data instanceof Float64Array) || X.rows < 1 || X.cols < 1 || X.data.length !== X.rows * X.cols) {
    throw new AttnflowError(field, 'expected an n x d token matrix with n >= 1 and d >= 1', 'pass tokens as rows of equal length');
  }
  const d = X.cols;
  for (let i = 0; i < X.rows; i++) {
    for (let k = 0; k < d; k++) {
      const v = X.data[i * d + k];
      if (!Number.isFinite(v)) throw new AttnflowError(`${field}[${i}][${k}]`, `is ${v}`, 'tokens must be finite numbers');
    }
    if (unit) {
      const r = rowNorm(X.data, i, d);
      if (Math.abs(r - 1) > tol) {
        throw new AttnflowError(`${field}[${i}]`, `has norm ${r}, but tokens must be unit vectors (|x_i| = 1 within ${tol})`, 'divide each token by its Euclidean norm');
      }
    }
  }
}
