import { AttnflowError } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import type { AttentionParams } from './params.ts';
import { applyRows, mirrorUpper, scoresInto } from './scores.ts';
import { fastExp } from '../kernels/exp.ts';
import { gemmAbt } from '../kernels/gemmAbt.ts';
import { PARALLEL_MIN_WORK, parallelDrift } from '../kernels/parallelDrift.ts';

/**
 * The attention drift in scaled form: a_i = exp(logScale_i) * U_i, where a_i = sum_j w_ij V x_j is the
 * un-projected right-hand side of eq. (2.3). Keeping the scale apart lets USA at large beta, whose
 * weights e^{beta <Qx_i,Kx_j>}/n overflow float64, still produce a finite projected velocity.
 */
export interface ScaledDrift {
  /** n x d, row i is U_i. */
  readonly U: Float64Array;
  /** Length n: log of the factor multiplying row i (0 for SA, whose weights are normalised). */
  readonly logScale: Float64Array;
  /** Length n: the shifted normaliser sum_j exp(beta (S_ij - m_i)) with m_i the shift of row i. */
  readonly rowSum: Float64Array;
}

/** Softmax weights before normalisation, with the row shift that keeps them in range. */
export interface ShiftedWeights {
  /** n x n, entry (i, j) is exp(beta (S_ij - shift_i)). */
  readonly W: Float64Array;
  /** Length n: the shift subtracted in row i (>= max_j S_ij). */
  readonly shift: Float64Array;
  /** Length n: sum_j W_ij, so that the SA weights are W_ij / rowSum_i and Z_{beta,i} = e^{beta shift_i} rowSum_i. */
  readonly rowSum: Float64Array;
}

/**
 * exp(beta (S_ij - m_i)) with S_ij = <Q x_i, K x_j> and m_i >= max_j S_ij, the stable softmax of
 * test-design note 1: beta in the thousands neither overflows nor divides 0 by 0.
 * For Q = K the exponent matrix is symmetric when one common shift serves every row; then each exp
 * is computed once for (i, j) and (j, i).
 */
export function shiftedWeights(X: Tokens, params: AttentionParams): ShiftedWeights {
  const n = X.rows;
  const qx = applyRows(X, params.Q);
  const kx = params.Q === params.K || (!params.Q && !params.K) ? qx : applyRows(X, params.K);
  const symmetric = qx.data === kx.data;
  const W = new Float64Array(n * n); // scores, overwritten by weights
  scoresInto(W, qx.data, kx.data, n, qx.cols, symmetric, false);
  const shift = new Float64Array(n), rowSum = new Float64Array(n);
  softmaxRowsInPlace(W, n, params.beta, symmetric, shift, rowSum);
  return { W, shift, rowSum };
}

/**
 * Turns scores into shifted softmax weights in place: S_ij <- exp(beta (S_ij - m_i)), writing the
 * shifts m_i and the row sums. With `symmetric` only the upper triangle of S is read (the caller may
 * skip the lower one) and the full matrix is written.
 */
export function softmaxRowsInPlace(
  S: Float64Array, n: number, beta: number, symmetric: boolean, m: Float64Array, rowSum: Float64Array,
): void {
  m.fill(-Infinity);
  if (symmetric) {
    for (let i = 0; i < n; i++) {
      const o = i * n;
      let r = m[i];
      for (let j = i; j < n; j++) {
        const s = S[o + j];
        if (s > r) r = s;
        if (s > m[j]) m[j] = s;
      }
      m[i] = r;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const o = i * n;
      let r = -Infinity;
      for (let j = 0; j < n; j++) if (S[o + j] > r) r = S[o + j];
      m[i] = r;
    }
  }
  let c = -Infinity, mMin = Infinity;
  for (let i = 0; i < n; i++) {
    if (m[i] > c) c = m[i];
    if (m[i] < mMin) mMin = m[i];
  }
  rowSum.fill(0);
  // A common shift costs no range while beta (c - m_i) < 600: every row keeps a weight above e^-600.
  if (symmetric && beta * (c - mMin) < 600) {
    m.fill(c);
    for (let i = 0; i < n; i++) {
      const o = i * n;
      const wii = fastExp(beta * (S[o + i] - c));
      S[o + i] = wii;
      let z = rowSum[i] + wii;
      for (let j = i + 1; j < n; j++) {
        const w = fastExp(beta * (S[o + j] - c));
        S[o + j] = w;
        S[j * n + i] = w;
        z += w;
        rowSum[j] += w;
      }
      rowSum[i] = z;
    }
    return;
  }
  if (symmetric) mirrorUpper(S, n);
  for (let i = 0; i < n; i++) {
    const o = i * n, mi = m[i];
    let z = 0;
    for (let j = 0; j < n; j++) {
      const w = fastExp(beta * (S[o + j] - mi));
      S[o + j] = w;
      z += w;
    }
    rowSum[i] = z;
  }
}

/** Scratch for the n x n weights and the transposed values of {@link scaledDrift}, reused while small. */
const SCRATCH_MAX = 1 << 16;
let scratchW = new Float64Array(0);
let scratchVT = new Float64Array(0);

function scratch(which: 'W' | 'VT', size: number): Float64Array {
  if (size > SCRATCH_MAX) return new Float64Array(size);
  if (which === 'W') {
    if (scratchW.length < size) scratchW = new Float64Array(Math.max(size, 256));
    return scratchW;
  }
  if (scratchVT.length < size) scratchVT = new Float64Array(Math.max(size, 256));
  return scratchVT;
}

/**
 * Computes the drift in scaled form from the shifted weights (see {@link ScaledDrift}). Above
 * {@link PARALLEL_MIN_WORK} multiply-adds it runs on the worker pool of src/kernels/pool.ts.
 */
export function scaledDrift(X: Tokens, params: AttentionParams): ScaledDrift {
  const n = X.rows, d = X.cols;
  const usa = (params.model ?? 'sa') === 'usa';
  const qx = applyRows(X, params.Q);
  const kx = params.Q === params.K || (!params.Q && !params.K) ? qx : applyRows(X, params.K);
  const vx = applyRows(X, params.V).data; // row j is V x_j
  const symmetric = qx.data === kx.data;
  const U = new Float64Array(n * d);
  const rowSum = new Float64Array(n);
  const shift = new Float64Array(n);
  const k = qx.cols;
  if (n * n * (k + d) >= PARALLEL_MIN_WORK && n >= 64) {
    parallelDrift(qx.data, kx.data, vx, n, d, k, params.beta, symmetric, U, shift, rowSum);
  } else {
    const W = scratch('W', n * n);
    scoresInto(W, qx.data, kx.data, n, k, symmetric, false);
    softmaxRowsInPlace(W, n, params.beta, symmetric, shift, rowSum);
    // U = W (VX) as W (VX^T)^T so that the kernel reads both operands along rows.
    const VT = scratch('VT', n * d);
    for (let j = 0; j < n; j++) for (let c = 0; c < d; c++) VT[c * n + j] = vx[j * d + c];
    gemmAbt(W, VT, U, n, d, 0, n, 0, d);
  }
  const logScale = new Float64Array(n);
  if (usa) {
    const logN = Math.log(n);
    for (let i = 0; i < n; i++) logScale[i] = params.beta * shift[i] - logN;
  } else {
    for (let i = 0; i < n; i++) {
      const inv = 1 / rowSum[i];
      for (let c = i * d, e = c + d; c < e; c++) U[c] *= inv;
    }
  }
  return { U, logScale, rowSum };
}

/**
 * Multiplies row i of `U` by exp(logScale_i) in place, refusing to return an overflowed value:
 * where the true answer is not a finite float64 it throws an {@link AttnflowError} that says so.
 */
export function applyScale(U: Float64Array, logScale: Float64Array, n: number, d: number, what: string, beta: number): void {
  const LOG_MAX = Math.log(Number.MAX_VALUE);
  for (let i = 0; i < n; i++) {
    const s = logScale[i];
    if (s === 0) continue;
    const o = i * d;
    const f = Math.exp(s);
    if (Number.isFinite(f)) {
      for (let k = 0; k < d; k++) U[o + k] *= f;
      continue;
    }
    let nrm = 0;
    for (let k = 0; k < d; k++) nrm = Math.max(nrm, Math.abs(U[o + k]));
    if (nrm === 0) continue;
    if (s + Math.log(nrm) >= LOG_MAX) {
      throw new AttnflowError(
        'beta',
        `the USA ${what} of token ${i} has magnitude about e^${(s + Math.log(nrm)).toFixed(1)} at beta = ${beta}, which is not a finite float64`,
        'use the normalised model "sa" (same equilibria, bounded speed), or a smaller beta',
        'not-finite',
      );
    }
    for (let k = 0; k < d; k++) {
      const u = U[o + k];
      if (u === 0) continue;
      U[o + k] = Math.sign(u) * Math.exp(s + Math.log(Math.abs(u)));
    }
  }
}

/**
 * The un-projected attention drift a_i = sum_j w_ij V x_j (eq. 2.3 without P^perp; eq. 9.1 for the
 * model without layer normalisation), with w the SA or USA weights. Returns an n x d matrix.
 */
export function attentionDrift(X: Tokens, params: AttentionParams): Mat {
  const { U, logScale } = scaledDrift(X, params);
  applyScale(U, logScale, X.rows, X.cols, 'drift', params.beta);
  return mat(X.rows, X.cols, U);
}
