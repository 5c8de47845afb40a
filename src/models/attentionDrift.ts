import { AttnflowError } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import type { AttentionParams } from './params.ts';
import { applyRows, scoreMatrix } from './scores.ts';

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
  const beta = params.beta;
  const S = scoreMatrix(X, params.Q, params.K);
  const symmetric = (!params.Q && !params.K) || params.Q === params.K;
  const m = new Float64Array(n);
  let c = -Infinity, mMin = Infinity;
  for (let i = 0; i < n; i++) {
    let r = -Infinity;
    for (let j = 0; j < n; j++) if (S[i * n + j] > r) r = S[i * n + j];
    m[i] = r;
    if (r > c) c = r;
    if (r < mMin) mMin = r;
  }
  // A common shift costs no range while beta (c - m_i) < 600: every row keeps a weight above e^-600.
  const common = symmetric && beta * (c - mMin) < 600;
  const W = S; // scores are overwritten by weights
  if (common) {
    m.fill(c);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const w = Math.exp(beta * (S[i * n + j] - c));
        W[i * n + j] = w;
        W[j * n + i] = w;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const mi = m[i];
      for (let j = 0; j < n; j++) W[i * n + j] = Math.exp(beta * (S[i * n + j] - mi));
    }
  }
  const rowSum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < n; j++) z += W[i * n + j];
    rowSum[i] = z;
  }
  return { W, shift: m, rowSum };
}

/** Computes the drift in scaled form from the shifted weights (see {@link ScaledDrift}). */
export function scaledDrift(X: Tokens, params: AttentionParams): ScaledDrift {
  const n = X.rows, d = X.cols;
  const usa = (params.model ?? 'sa') === 'usa';
  const { W, shift, rowSum } = shiftedWeights(X, params);
  const logScale = new Float64Array(n);
  if (usa) for (let i = 0; i < n; i++) logScale[i] = params.beta * shift[i] - Math.log(n);
  const vx = applyRows(X, params.V).data; // row j is V x_j
  const U = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const inv = usa ? 1 : 1 / rowSum[i];
    const ui = i * d;
    for (let j = 0; j < n; j++) {
      const w = W[i * n + j] * inv;
      if (w === 0) continue;
      const vj = j * d;
      for (let k = 0; k < d; k++) U[ui + k] += w * vx[vj + k];
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
