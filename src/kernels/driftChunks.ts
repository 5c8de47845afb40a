import { fastExp } from './exp.ts';
import { gemmAbt } from './gemmAbt.ts';
import { C, CF, JOB } from './sharedLayout.ts';

/**
 * One chunk of the parallel drift (src/kernels/parallelDrift.ts), run identically by the main thread
 * and the workers on the shared buffers. Chunk c covers rows [c R, min(n, (c + 1) R)).
 * - SCORES: S_ij = <qx_i, kx_j> for those rows; when symmetric only j >= i, mirrored to (j, i).
 * - ROWS: for those rows, the row shift m_i = max_j S_ij, the weights exp(beta (S_ij - m_i))
 *   (stable softmax of eq. 2.3), their sum, and U_i = sum_j w_ij V x_j. Rows are independent here, so no barrier is needed inside the job.
 */
export function runDriftChunk(ctrl: Int32Array, ctrlF: Float64Array, F: Float64Array, chunk: number): void {
  const n = ctrl[C.N], R = ctrl[C.CHUNK_ROWS];
  const i0 = chunk * R, i1 = Math.min(n, i0 + R);
  if (i0 >= i1) return;
  const sym = ctrl[C.SYM] === 1;
  const W = F.subarray(ctrl[C.W], ctrl[C.W] + n * n);
  if (ctrl[C.JOB] === JOB.SCORES) {
    const k = ctrl[C.K];
    const qx = F.subarray(ctrl[C.QX], ctrl[C.QX] + n * k);
    const kx = sym ? qx : F.subarray(ctrl[C.KX], ctrl[C.KX] + n * k);
    gemmAbt(qx, kx, W, k, n, i0, i1, sym ? i0 : 0, n, sym);
    // Mirror now: in the ROWS job another chunk may already be overwriting its upper entries.
    if (sym) for (let i = i0; i < i1; i++) for (let j = i + 1; j < n; j++) W[j * n + i] = W[i * n + j];
    return;
  }
  const d = ctrl[C.D], beta = ctrlF[CF.BETA];
  const shift = ctrl[C.SHIFT], rowSum = ctrl[C.ROWSUM];
  for (let i = i0; i < i1; i++) {
    const o = i * n;
    let m = -Infinity;
    for (let j = 0; j < n; j++) if (W[o + j] > m) m = W[o + j];
    let z = 0;
    for (let j = 0; j < n; j++) {
      const w = fastExp(beta * (W[o + j] - m));
      W[o + j] = w;
      z += w;
    }
    F[shift + i] = m;
    F[rowSum + i] = z;
  }
  const VT = F.subarray(ctrl[C.VT], ctrl[C.VT] + d * n);
  const U = F.subarray(ctrl[C.U], ctrl[C.U] + n * d);
  gemmAbt(W, VT, U, n, d, i0, i1, 0, d);
}
