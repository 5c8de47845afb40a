import type { Decimal } from 'decimal.js';
import type { DMat } from './dmat.ts';
import { rowDotD } from './dmat.ts';
import type { DAttentionParams } from './params.ts';
import { applyRowsD } from './params.ts';

/**
 * The attention matrix of eq. (2.5) in high precision, with what its normaliser needs: for SA,
 * A_ij = exp(beta (S_ij - m_i)) / sum_k exp(beta (S_ik - m_i)) (stable softmax, as log-sum-exp);
 * for USA A_ij = exp(beta S_ij) / n (§3.3), which cannot overflow (decimal.js exponents reach 9e15).
 */
export interface DAttention {
  /** n x n weights. */
  readonly A: DMat;
  /** Length n: the shift m_i of row i (0 for USA). */
  readonly shift: Decimal[];
  /** Length n: sum_k exp(beta (S_ik - m_i)) for SA; n for USA. */
  readonly rowSum: Decimal[];
}

/**
 * Scores S_ij = <Q x_i, K x_j> (eq. 2.3) and the SA or USA weights, at the precision of `X`.
 * When S is symmetric (Q = K) one shift serves every row, since Decimals neither overflow nor
 * underflow, so each exponential is computed once for (i, j) and (j, i).
 */
export function attentionWeights(X: DMat, p: DAttentionParams): DAttention {
  const n = X.rows, D = X.D;
  const qx = applyRowsD(X, p.Q);
  const same = p.K === p.Q;
  const kx = same ? qx : applyRowsD(X, p.K);
  const S: Decimal[] = new Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = same ? i : 0; j < n; j++) {
      const s = rowDotD(qx, i, kx, j);
      S[i * n + j] = s;
      if (same) S[j * n + i] = s;
    }
  }
  const usa = p.model === 'usa';
  const shift: Decimal[] = new Array(n);
  if (usa) shift.fill(new D(0));
  else if (same) {
    let c = S[0];
    for (const s of S) if (s.gt(c)) c = s;
    shift.fill(c);
  } else {
    for (let i = 0; i < n; i++) {
      let m = S[i * n];
      for (let j = 1; j < n; j++) if (S[i * n + j].gt(m)) m = S[i * n + j];
      shift[i] = m;
    }
  }
  const A: Decimal[] = new Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = same ? i : 0; j < n; j++) {
      const w = p.beta.isZero() ? new D(1) : p.beta.times(S[i * n + j].minus(shift[i])).exp();
      A[i * n + j] = w;
      if (same) A[j * n + i] = w;
    }
  }
  const rowSum: Decimal[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let z = new D(0);
    if (usa) z = new D(n);
    else for (let j = 0; j < n; j++) z = z.plus(A[i * n + j]);
    rowSum[i] = z;
    for (let j = 0; j < n; j++) A[i * n + j] = A[i * n + j].div(z);
  }
  return { A: { rows: n, cols: n, data: A, D }, shift, rowSum };
}

/** log Z_{beta,i} = beta m_i + log sum_k exp(beta (S_ik - m_i)) (eq. 2.4, log-sum-exp); log n for USA. */
export function logPartition(X: DMat, p: DAttentionParams): Decimal[] {
  const { shift, rowSum } = attentionWeights(X, p);
  return shift.map((m, i) => p.beta.times(m).plus(rowSum[i].ln()));
}
