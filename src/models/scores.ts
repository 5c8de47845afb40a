import type { Mat, Tokens } from '../linalg/mat.ts';
import { isIdentity } from '../linalg/mat.ts';

/**
 * Projects tokens through a k x d matrix M: returns the n x k array whose row i is M x_i
 * (the column-vector convention of PROTOCOL.md). `null` or the identity returns the tokens themselves.
 */
export function applyRows(X: Tokens, M: Mat | null | undefined): { data: Float64Array; cols: number } {
  if (!M || isIdentity(M)) return { data: X.data, cols: X.cols };
  const n = X.rows, d = X.cols, k = M.rows;
  const out = new Float64Array(n * k);
  const x = X.data, m = M.data;
  for (let i = 0; i < n; i++) {
    const xi = i * d;
    for (let r = 0; r < k; r++) {
      let s = 0;
      const mr = r * d;
      for (let c = 0; c < d; c++) s += m[mr + c] * x[xi + c];
      out[i * k + r] = s;
    }
  }
  return { data: out, cols: k };
}

/** Dot product of row i of `a` with row j of `b`, k columns each, four accumulators for throughput. */
export function dotRows(a: Float64Array, i: number, b: Float64Array, j: number, k: number): number {
  const ai = i * k, bj = j * k;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let c = 0;
  for (; c + 3 < k; c += 4) {
    s0 += a[ai + c] * b[bj + c];
    s1 += a[ai + c + 1] * b[bj + c + 1];
    s2 += a[ai + c + 2] * b[bj + c + 2];
    s3 += a[ai + c + 3] * b[bj + c + 3];
  }
  for (; c < k; c++) s0 += a[ai + c] * b[bj + c];
  return (s0 + s1) + (s2 + s3);
}

/**
 * The n x n score matrix S_ij = <Q x_i, K x_j> (eq. 2.3). When Q and K are both the identity the
 * matrix is the Gram matrix and only its upper triangle is computed.
 */
export function scoreMatrix(X: Tokens, Q: Mat | null | undefined, K: Mat | null | undefined): Float64Array {
  const n = X.rows;
  const qx = applyRows(X, Q);
  const kx = Q === K || (!Q && !K) ? qx : applyRows(X, K);
  const S = new Float64Array(n * n);
  const k = qx.cols;
  if (qx.data === kx.data) {
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const s = dotRows(qx.data, i, qx.data, j, k);
        S[i * n + j] = s;
        S[j * n + i] = s;
      }
    }
  } else {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = dotRows(qx.data, i, kx.data, j, k);
  }
  return S;
}
