import type { Decimal } from 'decimal.js';
import type { DMat } from './dmat.ts';
import type { DAttentionParams } from './params.ts';
import { applyRowsD } from './params.ts';

/**
 * The attention matrix of eq. (2.5) in high precision, with its log-normaliser: for SA, A_ij =
 * exp(beta (S_ij - m_i)) / sum_k exp(beta (S_ik - m_k)) with m_i = max_j S_ij (stable softmax,
 * log-sum-exp), logZ_i = beta m_i + log sum_k exp(beta (S_ik - m_i)) (eq. 2.4); for USA A_ij =
 * exp(beta S_ij) / n (§3.3), never overflowing since decimal.js exponents reach 9e15.
 */
export interface DAttention {
  /** n x n weights. */
  readonly A: DMat;
  /** Length n: log Z_{beta,i} for SA, log n for USA. */
  readonly logZ: Decimal[];
}

/** Scores S_ij = <Q x_i, K x_j> (eq. 2.3) and the SA or USA weights, at the precision of `X`. */
export function attentionWeights(X: DMat, p: DAttentionParams): DAttention {
  const n = X.rows, D = X.D;
  const qx = applyRowsD(X, p.Q);
  const kx = p.K === p.Q ? qx : applyRowsD(X, p.K);
  const k = qx.cols;
  const S: Decimal[] = new Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = new D(0);
      for (let c = 0; c < k; c++) s = s.plus(qx.data[i * k + c].times(kx.data[j * k + c]));
      S[i * n + j] = s;
    }
  }
  const A: Decimal[] = new Array(n * n);
  const logZ: Decimal[] = new Array(n);
  if (p.model === 'usa') {
    const logN = new D(n).ln();
    for (let i = 0; i < n; i++) {
      logZ[i] = logN;
      for (let j = 0; j < n; j++) A[i * n + j] = p.beta.times(S[i * n + j]).exp().div(n);
    }
  } else {
    for (let i = 0; i < n; i++) {
      let m = S[i * n];
      for (let j = 1; j < n; j++) if (S[i * n + j].gt(m)) m = S[i * n + j];
      let z = new D(0);
      for (let j = 0; j < n; j++) {
        const w = p.beta.times(S[i * n + j].minus(m)).exp();
        A[i * n + j] = w;
        z = z.plus(w);
      }
      for (let j = 0; j < n; j++) A[i * n + j] = A[i * n + j].div(z);
      logZ[i] = p.beta.times(m).plus(z.ln());
    }
  }
  return { A: { rows: n, cols: n, data: A, D }, logZ };
}
