import { control, poolThreads, runJob } from '../pool.ts';
import { C, JOB } from '../sharedLayout.ts';
import { MAX_BYTES } from './driftLayout.ts';
import { heapBase, residentOperand } from './residentOperands.ts';
import { sharedDriftInstance } from './sharedDrift.ts';
import type { DriftInstance } from './wasmApi.ts';
import { driftKernels, driftMemory } from './wasmDrift.ts';

/**
 * Multiply-adds n d k from which the projections take the WebAssembly gemm: below it the copies
 * into the module cost about what the TypeScript kernel (gemmAbt) spends.
 */
export const WASM_PROJECT_MIN_WORK = 4096;

/** Multiply-adds from which the projection is split over the worker pool (about 0.1 ms of work on one core). */
export const POOL_PROJECT_MIN_WORK = 1 << 20;

/** Blocks of the pooled product: row blocks where the rows suffice for 4 per thread, else column blocks too. */
function poolBlocks(n4: number, k4: number, threads: number): { rows: number; cols: number; chunks: number } {
  const per = 4 * threads;
  if (n4 >= 4 * per) {
    const rows = Math.max(4, Math.ceil(n4 / per / 4) * 4);
    return { rows, cols: k4, chunks: Math.ceil(n4 / rows) };
  }
  // Few rows (n = 16 tokens at d = 512): every chunk takes all rows and a run of B's strips, so each
  // thread reads only its part of B instead of all of it.
  const cols = Math.max(4, Math.ceil(k4 / per / 4) * 4);
  return { rows: n4, cols, chunks: Math.ceil(k4 / cols) };
}

/**
 * Row i of X M^T (that is M x_i, for the n x d tokens X and a k x d matrix M: the Q x_i, K x_j and
 * V x_j of eq. 2.3) on the WebAssembly gemm, into a new n x k array; on the worker pool's threads
 * above {@link POOL_PROJECT_MIN_WORK} multiply-adds. Each entry is summed over its d products in
 * order whichever path runs (bitwise the same result). With `owner` (an object that holds M and
 * never changes it) M's packed form stays resident in the module's memory for later calls
 * (src/kernels/wasm/residentOperands.ts). With `into` (at least n k long) the result is written
 * there (and a view of its first n k entries returned) instead of a new array. Returns null where the
 * WebAssembly kernels are unavailable or the operands exceed their working-set limit; the caller then
 * computes it.
 */
export function wasmApplyRows(
  x: Float64Array, n: number, d: number, M: Float64Array, k: number, owner?: object, into?: Float64Array,
): Float64Array | null {
  const threads = poolThreads();
  const pooled = n * d * k >= POOL_PROJECT_MIN_WORK && threads > 1;
  const inst: DriftInstance | null = pooled ? sharedDriftInstance() : driftKernels();
  if (!inst) return null;
  const n4 = (n + 3) & ~3, k4 = (k + 3) & ~3;
  const kern = inst.kernels;
  // M (k4 x d, zero rows) packed as gemm's right operand: resident across calls for an owned M.
  const stage = (F: Float64Array, oB: number, oM: number) => {
    F.set(M.subarray(0, k * d), oM);
    F.fill(0, oM + k * d, oM + k4 * d);
    kern.packT(oM * 8, oB * 8, k4, d, d);
  };
  const resident = owner ? residentOperand(inst, owner, k4 * d, k4 * d, stage) : -1;
  // X (n4 x d, zero rows), C = X M^T (n4 x k4), then (M not resident) M and its packed form.
  const oX = heapBase(inst), oC = oX + n4 * d, oM = oC + n4 * k4, oB = resident >= 0 ? resident : oM + k4 * d;
  const total = resident >= 0 ? oM : oB + k4 * d;
  if (total * 8 > MAX_BYTES) return null;
  const F = driftMemory(inst, total);
  F.set(x.subarray(0, n * d), oX);
  F.fill(0, oX + n * d, oC);
  if (resident < 0) stage(F, oB, oM);
  if (pooled) {
    const { ctrl } = control();
    const { rows, cols, chunks } = poolBlocks(n4, k4, threads);
    ctrl[C.WA] = oX; ctrl[C.WBT] = oB; ctrl[C.U] = oC; ctrl[C.N4] = n4; ctrl[C.K] = d; ctrl[C.D4] = k4;
    ctrl[C.LDW] = d; ctrl[C.LDV] = k4; ctrl[C.CHUNK_ROWS] = rows; ctrl[C.GEMM_COLS] = cols;
    runJob(JOB.WASM_GEMM, chunks);
  } else {
    kern.gemm(oX * 8, oB * 8, oC * 8, n4, d, k4, d, k4, 0, 0);
  }
  const out = into ? into.subarray(0, n * k) : new Float64Array(n * k);
  if (k === k4) out.set(F.subarray(oC, oC + n * k));
  else for (let i = 0; i < n; i++) out.set(F.subarray(oC + i * k4, oC + i * k4 + k), i * k);
  return out;
}
