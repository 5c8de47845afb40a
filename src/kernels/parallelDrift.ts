import { control, poolThreads, runJob, sharedData } from './pool.ts';
import { C, CF, JOB } from './sharedLayout.ts';

/**
 * Work (multiply-adds, n^2 (k + d)) above which {@link parallelDrift} pays for itself: below it the
 * copies into shared memory and the wake-ups cost more than the second core saves.
 */
export const PARALLEL_MIN_WORK = 1 << 24;

/**
 * The scaled attention drift of eq. (2.3) on the worker pool: U_i = sum_j exp(beta (S_ij - m_i)) V x_j
 * with S_ij = <qx_i, kx_j> and the row shift m_i = max_j S_ij, plus the shifts and row sums (the
 * contract of ScaledDrift in src/models/attentionDrift.ts, before SA normalisation). Two jobs: the
 * scores by row blocks, then the softmax and the weighted sum by row blocks; the scores of Q = K are
 * symmetric and only their upper triangle is computed. Writes into `U`, `shift` and `rowSum`.
 */
export function parallelDrift(
  qx: Float64Array, kx: Float64Array, vx: Float64Array, n: number, d: number, k: number, beta: number,
  symmetric: boolean, U: Float64Array, shift: Float64Array, rowSum: Float64Array,
): void {
  let off = 0;
  const oQX = off; off += n * k;
  const oKX = off; if (!symmetric) off += n * k;
  const oVT = off; off += n * d;
  const oW = off; off += n * n;
  const oU = off; off += n * d;
  const oShift = off; off += n;
  const oRowSum = off; off += n;
  const F = sharedData(off);
  F.set(qx.subarray(0, n * k), oQX);
  if (!symmetric) F.set(kx.subarray(0, n * k), oKX);
  for (let j = 0; j < n; j++) for (let c = 0; c < d; c++) F[oVT + c * n + j] = vx[j * d + c];
  const { ctrl, ctrlF } = control();
  ctrl[C.N] = n; ctrl[C.D] = d; ctrl[C.K] = k; ctrl[C.SYM] = symmetric ? 1 : 0;
  ctrl[C.QX] = oQX; ctrl[C.KX] = oKX; ctrl[C.VT] = oVT; ctrl[C.W] = oW; ctrl[C.U] = oU;
  ctrl[C.SHIFT] = oShift; ctrl[C.ROWSUM] = oRowSum;
  ctrlF[CF.BETA] = beta;
  // About 8 chunks per thread balance the triangular score job; multiples of 3 rows suit the 3 x 4 tile.
  const rows = Math.max(3, Math.ceil(n / (8 * poolThreads()) / 3) * 3);
  ctrl[C.CHUNK_ROWS] = rows;
  const chunks = Math.ceil(n / rows);
  runJob(JOB.SCORES, chunks);
  runJob(JOB.ROWS, chunks);
  U.set(F.subarray(oU, oU + n * d));
  shift.set(F.subarray(oShift, oShift + n));
  rowSum.set(F.subarray(oRowSum, oRowSum + n));
}
