import type { Mat, Tokens } from '../linalg/mat.ts';
import { isIdentity } from '../linalg/mat.ts';
import { gemmAbt } from '../kernels/gemmAbt.ts';
import { driftKernel } from '../kernels/kernelChoice.ts';
import { WASM_PROJECT_MIN_WORK, wasmApplyRows } from '../kernels/wasm/wasmProject.ts';

/**
 * Projects tokens through a k x d matrix M: returns the n x k array whose row i is M x_i
 * (the column-vector convention of PROTOCOL.md). `null` or the identity returns the tokens themselves.
 * On the wasm kernels (src/kernels/kernelChoice.ts) larger products run on the WebAssembly gemm
 * (src/kernels/wasm/wasmProject.ts). `owned` says that M is a private copy nobody changes (a
 * ProjectionPlan's, src/models/projectionPlan.ts): its packed form is then kept across calls and the
 * identity test skipped (a plan holds null for the identity). With `into` (at least n k long) the
 * rows are written there instead of a new array (a view of its first n k entries is returned).
 */
export function applyRows(X: Tokens, M: Mat | null | undefined, owned = false, into?: Float64Array): { data: Float64Array; cols: number } {
  if (!M || (!owned && isIdentity(M))) return { data: X.data, cols: X.cols };
  const n = X.rows, d = X.cols, k = M.rows;
  if (n * d * k >= WASM_PROJECT_MIN_WORK && driftKernel() === 'wasm') {
    const w = wasmApplyRows(X.data, n, d, M.data, k, owned ? M : undefined, into);
    if (w) return { data: w, cols: k };
  }
  const out = into ? into.subarray(0, n * k) : new Float64Array(n * k);
  // Row i of X M^T is M x_i: both operands are read along their rows.
  gemmAbt(X.data, M.data, out, d, k, 0, n, 0, k);
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
 * Writes the n x n scores S_ij = <qx_i, kx_j> (eq. 2.3; rows of qx and kx have k entries) into `S`.
 * When `symmetric` (qx and kx are the same array, e.g. Q = K) only the upper triangle j >= i is
 * guaranteed, and it is mirrored into the lower one only if `mirror` is set: the symmetric softmax
 * reads the upper triangle alone.
 */
export function scoresInto(
  S: Float64Array, qx: Float64Array, kx: Float64Array, n: number, k: number, symmetric: boolean, mirror = true,
): void {
  gemmAbt(qx, kx, S, k, n, 0, n, 0, n, symmetric);
  if (symmetric && mirror) mirrorUpper(S, n);
}

/** Copies the upper triangle of the n x n array `S` onto its lower triangle. */
export function mirrorUpper(S: Float64Array, n: number): void {
  // 64 x 64 tiles keep the column writes in cache for large n.
  for (let ib = 0; ib < n; ib += 64) {
    for (let jb = ib; jb < n; jb += 64) {
      const ie = Math.min(n, ib + 64), je = Math.min(n, jb + 64);
      for (let i = ib; i < ie; i++) for (let j = Math.max(jb, i + 1); j < je; j++) S[j * n + i] = S[i * n + j];
    }
  }
}

/**
 * The n x n score matrix S_ij = <Q x_i, K x_j> (eq. 2.3). When Q and K are the same matrix (or both
 * the identity) it is symmetric and only its upper triangle is computed.
 */
export function scoreMatrix(X: Tokens, Q: Mat | null | undefined, K: Mat | null | undefined): Float64Array {
  const n = X.rows;
  const qx = applyRows(X, Q);
  const kx = Q === K || (!Q && !K) ? qx : applyRows(X, K);
  const S = new Float64Array(n * n);
  scoresInto(S, qx.data, kx.data, n, qx.cols, qx.data === kx.data);
  return S;
}
