import { control, poolThreads, runJob } from '../pool.ts';
import { C, CF, JOB } from '../sharedLayout.ts';
import { MAX_BYTES, driftLayout, stageInputs, unpackResult } from './driftLayout.ts';
import { commonShift } from '../commonShift.ts';
import { sharedDriftInstance } from './sharedDrift.ts';
import { heapBase } from './residentOperands.ts';
import type { WasmDriftFinish } from './wasmDrift.ts';
import { driftMemory } from './wasmDrift.ts';

/**
 * The scaled attention drift of eq. (2.3) on the WebAssembly SIMD kernels and the worker pool of
 * src/kernels/pool.ts: the contract of wasmDrift (src/kernels/wasm/wasmDrift.ts), and bitwise its
 * result (same shift rule, same kernels on the same rows; src/kernels/wasm/wasmChunks.ts). Three jobs
 * over row chunks: the packing of the operands (with the Gram diagonal of the common shift), the
 * scores (with the common shift also their exps), then the softmax or row sums, weighted sum and
 * finish. Returns false (writing nothing) where the runtime has no shared WebAssembly memory or the
 * working set exceeds 1 GiB.
 */
export function wasmParallelDrift(
  qx: Float64Array, kx: Float64Array, vx: Float64Array, n: number, d: number, k: number, beta: number,
  symmetric: boolean, U: Float64Array, shift: Float64Array, rowSum: Float64Array, finish: WasmDriftFinish,
): boolean {
  const inst = sharedDriftInstance();
  if (!inst) return false;
  const L = driftLayout(n, d, k, heapBase(inst));
  if (L.total * 8 > MAX_BYTES) return false;
  const F = driftMemory(inst, L.total);
  // The copies from the caller's arrays on this thread; the packing (and the Gram diagonal) by chunks.
  const { oV, oProj, oKeys } = stageInputs(inst.kernels, F, L, qx, kx, vx, symmetric, finish.project);
  const { ctrl, ctrlF } = control();
  ctrl[C.N] = n; ctrl[C.D] = d; ctrl[C.K] = k; ctrl[C.SYM] = symmetric ? 1 : 0;
  ctrl[C.N4] = L.n4; ctrl[C.D4] = L.d4; ctrl[C.LDW] = L.ldW; ctrl[C.WVP] = L.oVP; ctrl[C.LDV] = L.ldV;
  ctrl[C.WA] = L.oA; ctrl[C.WBT] = L.oBT; ctrl[C.W] = L.oW; ctrl[C.WV] = oV; ctrl[C.U] = L.oU;
  ctrl[C.ROWSUM] = L.oSum; ctrl[C.SHIFT] = L.oShift; ctrl[C.WPROJ] = oProj; ctrl[C.WKEYS] = oKeys;
  ctrl[C.NORMALIZE] = finish.normalize ? 1 : 0; ctrl[C.PROJECT] = finish.project !== null ? 1 : 0;
  ctrlF[CF.BETA] = beta;
  // About 8 chunks per thread balance the triangular score job; multiples of 4 rows suit the 4 x 4 tile.
  const rows = Math.max(4, Math.ceil(L.n4 / (8 * poolThreads()) / 4) * 4);
  ctrl[C.CHUNK_ROWS] = rows;
  const chunks = Math.ceil(L.n4 / rows);
  runJob(JOB.WASM_PACK, chunks);
  const c = symmetric ? commonShift(F, n, 0, L.oShift, beta) : null;
  ctrl[C.COMMON] = c !== null ? 1 : 0;
  ctrlF[CF.COMMON_SHIFT] = c ?? 0;
  runJob(JOB.WASM_SCORES, chunks);
  runJob(JOB.WASM_ROWS, chunks);
  if (c !== null) shift.fill(c, 0, n);
  else shift.set(F.subarray(L.oShift, L.oShift + n));
  unpackResult(inst.kernels, F, L, U, rowSum);
  return true;
}
