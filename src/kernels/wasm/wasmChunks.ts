import { C, CF, JOB } from '../sharedLayout.ts';
import type { DriftExports } from './wasmApi.ts';
import { packRows } from './driftLayout.ts';

/**
 * One chunk of the pool's WebAssembly drift (src/kernels/wasm/wasmParallelDrift.ts), run identically
 * by the main thread and the workers, each with its own instance on the shared memory. Chunk c covers
 * the padded rows [c R, min(n4, (c + 1) R)), R a multiple of 4. The kernels are those of the serial
 * path (src/kernels/wasm/wasmDrift.ts) on the chunk's rows, so the result is bitwise the serial one.
 * - WASM_SCORES: S_ij = <qx_i, kx_j> for those rows; when symmetric only the tiles from the diagonal
 *   on, then (with the common shift) their exps, and the mirror to (j, i). The mirror writes rows of
 *   later chunks, but only left of their diagonal blocks, which their own products and exps never
 *   write.
 * - WASM_PACK: the packing of the staged operands (src/kernels/wasm/driftLayout.ts, packRows) for
 *   those rows, and for symmetric scores the Gram diagonal of the common shift.
 * - WASM_GEMM: a plain product C = A B in blocks of CHUNK_ROWS rows by GEMM_COLS columns, row block
 *   major (the projections Q x_i, K x_j, V x_j). Each entry is summed over p in order in every block.
 * - WASM_ROWS: the row sums (common shift) or the row-maximum softmax (eq. 2.4) of those rows,
 *   U_i = sum_j w_ij V x_j, then the normalisation and projection flags of the job. Rows are
 *   independent: no barrier inside the job.
 */
export function runWasmChunk(ctrl: Int32Array, ctrlF: Float64Array, kern: DriftExports, chunk: number): void {
  if (ctrl[C.JOB] === JOB.WASM_GEMM) {
    // C = A B in blocks (src/kernels/wasm/wasmProject.ts): A at WA (N4 rows, a multiple of 4,
    // leading dimension LDW), B packed at WBT (K x D4, strip j / 4 at WBT + j K), C at U (leading
    // dimension LDV).
    const m4 = ctrl[C.N4], rows = ctrl[C.CHUNK_ROWS], cols = ctrl[C.GEMM_COLS], lda = ctrl[C.LDW], ldc = ctrl[C.LDV];
    const d4 = ctrl[C.D4], k = ctrl[C.K], colBlocks = Math.ceil(d4 / cols);
    const g0 = Math.floor(chunk / colBlocks) * rows, g1 = Math.min(m4, g0 + rows);
    const j0 = (chunk % colBlocks) * cols, j1 = Math.min(d4, j0 + cols);
    if (g0 < g1 && j0 < j1) kern.gemm(ctrl[C.WA] * 8 + g0 * lda * 8, ctrl[C.WBT] * 8 + j0 * k * 8, ctrl[C.U] * 8 + (g0 * ldc + j0) * 8, g1 - g0, k, j1 - j0, lda, ldc, 0, 0);
    return;
  }
  const n = ctrl[C.N], n4 = ctrl[C.N4], R = ctrl[C.CHUNK_ROWS];
  const i0 = chunk * R, i1 = Math.min(n4, i0 + R);
  if (i0 >= i1) return;
  if (ctrl[C.JOB] === JOB.WASM_PACK) {
    const k = ctrl[C.K];
    packRows(kern, ctrl[C.WKEYS], ctrl[C.WBT], ctrl[C.WV], ctrl[C.WVP], n, k, ctrl[C.D4], ctrl[C.LDV], i0, i1);
    // The diagonal of symmetric scores from the strips this chunk packed: the common shift's input.
    if (ctrl[C.SYM] === 1) kern.gramDiag((ctrl[C.WBT] + i0 * k) * 8, i1 - i0, k, (ctrl[C.SHIFT] + i0) * 8);
    return;
  }
  const m = i1 - i0, rows = Math.min(i1, n) - i0;
  const ldW = ctrl[C.LDW], ldV = ctrl[C.LDV];
  const oW = ctrl[C.W] * 8;
  const common = ctrl[C.COMMON] === 1;
  if (ctrl[C.JOB] === JOB.WASM_SCORES) {
    const k = ctrl[C.K], sym = ctrl[C.SYM] === 1;
    kern.gemm(ctrl[C.WA] * 8 + i0 * k * 8, ctrl[C.WBT] * 8, oW + i0 * ldW * 8, m, k, n4, k, ldW, sym ? 1 : 0, i0);
    if (rows > 0 && common) kern.softmaxCommon(oW, i0, i0 + rows, n, ldW, ctrlF[CF.BETA], ctrlF[CF.COMMON_SHIFT]);
    else if (rows > 0 && sym) kern.mirrorRows(oW, i0, i0 + rows, n, ldW);
    return;
  }
  const oSum = ctrl[C.ROWSUM] * 8 + i0 * 8;
  if (rows > 0 && common) kern.rowSums(oW + i0 * ldW * 8, rows, n, ldW, oSum);
  else if (rows > 0) kern.softmaxRowMax(oW + i0 * ldW * 8, rows, n, ldW, ctrlF[CF.BETA], ctrl[C.SHIFT] * 8 + i0 * 8, oSum);
  const oU = ctrl[C.U] * 8 + i0 * ldV * 8;
  kern.gemm(oW + i0 * ldW * 8, ctrl[C.WVP] * 8, oU, m, n, ctrl[C.D4], ldW, ldV, 0, 0);
  const normalize = ctrl[C.NORMALIZE], project = ctrl[C.PROJECT];
  if (rows > 0 && (normalize || project)) {
    kern.finish(oU, ctrl[C.WPROJ] * 8 + i0 * ldV * 8, rows, ctrl[C.D4], ldV, oSum, normalize, project);
  }
}
