import { control, poolThreads, runJob } from '../pool.ts';
import { C, JOB } from '../sharedLayout.ts';
import { HEAP_BASE, MAX_BYTES } from './driftLayout.ts';
import { sharedDriftInstance } from './sharedDrift.ts';
import type { DriftInstance } from './wasmApi.ts';
import { driftKernels, driftMemory } from './wasmDrift.ts';

/**
 * Multiply-adds n d k from which the projections take the WebAssembly gemm: below it the copies
 * into the module cost about what the TypeScript kernel (gemmAbt) spends.
 */
export const WASM_PROJECT_MIN_WORK = 4096;

/** Multiply-adds from which the projection's rows are split over the worker pool (about 0.1 ms of work on one core). */
export const POOL_PROJECT_MIN_WORK = 1 << 20;

/**
 * Row i of X M^T (that is M x_i, for the n x d tokens X and a k x d matrix M: the Q x_i, K x_j and
 * V x_j of eq. 2.3) on the WebAssembly gemm, into a new n x k array; on the worker pool's threads
 * above {@link POOL_PROJECT_MIN_WORK} multiply-adds. Each entry is summed over its d products in
 * order whichever path runs (bitwise the same result). Returns null where the WebAssembly kernels
 * are unavailable or the operands exceed their working-set limit; the caller then computes it.
 */
export function wasmApplyRows(x: Float64Array, n: number, d: number, M: Float64Array, k: number): Float64Array | null {
  const pooled = n * d * k >= POOL_PROJECT_MIN_WORK && poolThreads() > 1 && n >= 8;
  const inst: DriftInstance | null = pooled ? sharedDriftInstance() : driftKernels();
  if (!inst) return null;
  const n4 = (n + 3) & ~3, k4 = (k + 3) & ~3;
  // X (n4 x d, zero rows), M (k4 x d, zero rows) and its packed transpose, then C = X M^T (n4 x k4).
  const oX = HEAP_BASE, oM = oX + n4 * d, oB = oM + k4 * d, oC = oB + k4 * d, total = oC + n4 * k4;
  if (total * 8 > MAX_BYTES) return null;
  const F = driftMemory(inst, total);
  const kern = inst.kernels;
  F.set(x.subarray(0, n * d), oX);
  F.fill(0, oX + n * d, oM);
  F.set(M.subarray(0, k * d), oM);
  F.fill(0, oM + k * d, oB);
  kern.packT(oM * 8, oB * 8, k4, d, d);
  if (pooled) {
    const { ctrl } = control();
    const rows = Math.max(4, Math.ceil(n4 / (4 * poolThreads()) / 4) * 4);
    ctrl[C.WA] = oX; ctrl[C.WBT] = oB; ctrl[C.U] = oC; ctrl[C.N4] = n4; ctrl[C.K] = d; ctrl[C.D4] = k4;
    ctrl[C.LDW] = d; ctrl[C.LDV] = k4; ctrl[C.CHUNK_ROWS] = rows;
    runJob(JOB.WASM_GEMM, Math.ceil(n4 / rows));
  } else {
    kern.gemm(oX * 8, oB * 8, oC * 8, n4, d, k4, d, k4, 0, 0);
  }
  const out = new Float64Array(n * k);
  if (k === k4) out.set(F.subarray(oC, oC + n * k));
  else for (let i = 0; i < n; i++) out.set(F.subarray(oC + i * k4, oC + i * k4 + k), i * k);
  return out;
}
