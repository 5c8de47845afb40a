/**
 * The shared-memory layout between the main thread and the kernel workers (src/kernels/pool.ts):
 * a small control block (Int32 slots plus Float64 parameters, fixed for the process) and a data
 * block of float64 arrays whose offsets the control block records, regrown as sizes grow.
 */

/** Int32 slot indices of the control block. */
export const C = {
  /** Job generation, bumped to wake the workers (they Atomics.wait on it). */
  GEN: 0,
  /** Next chunk to take, as (gen & 0x7fff) << 16 | index, taken by compare-and-swap. */
  NEXT: 1,
  /** Chunks finished in the current job. */
  DONE: 2,
  /** Which chunk function the job runs ({@link JOB}). */
  JOB: 3,
  NCHUNKS: 4,
  /** Rows per chunk. */
  CHUNK_ROWS: 5,
  N: 6,
  D: 7,
  K: 8,
  /** 1 when the scores are symmetric (Q = K) and only their upper triangle is computed. */
  SYM: 9,
  /** Generation of the data buffer; a worker that sees a new one receives it from its port. */
  EPOCH: 10,
  /** Set by a worker whose chunk threw; the main thread then recomputes serially. */
  ERROR: 11,
  /** Chunks done by workers since the pool started (for tests and the bench). */
  WORKER_CHUNKS: 19,
  /** Float64 offsets into the data block (< 2^31 entries). */
  QX: 12, KX: 13, VT: 14, W: 15, U: 16, SHIFT: 17, ROWSUM: 18,
  /**
   * The WebAssembly jobs (src/kernels/wasm/wasmChunks.ts) work on the shared wasm memory with the
   * layout of src/kernels/wasm/driftLayout.ts: its float64 offsets (W, U, SHIFT, ROWSUM above and
   * these), leading dimensions, padded sizes, and the finish flags; WVP the packed values, COMMON 1
   * when one common shift (CF.COMMON_SHIFT) serves every row.
   */
  WA: 20, WBT: 21, WV: 22, WPROJ: 23, LDW: 24, WVP: 25, LDV: 26, N4: 27, D4: 28, NORMALIZE: 29, PROJECT: 30, COMMON: 31,
  /**
   * Columns per chunk of the WASM_GEMM job (a multiple of 4): its chunks tile C by CHUNK_ROWS rows
   * and GEMM_COLS columns, so a product with few rows (n = 16 tokens, d = 512) still splits. In the
   * upper half of the block, at a Float64 slot ({@link CF}) that is not used.
   */
  GEMM_COLS: 36,
  /** Float64 offset of the rows whose transpose WASM_PACK packs into WBT: qx (symmetric) or the staged kx. */
  WKEYS: 37,
} as const;

/** Float64 slot indices of the control block (same buffer, viewed as Float64Array). */
export const CF = { BETA: 16, COMMON_SHIFT: 17 } as const;

/** Bytes of the control block: 64 Int32 slots, the upper half doubling as 16 Float64 slots (Int32 2f and 2f + 1 are Float64 f). */
export const CONTROL_BYTES = 256;

/** Chunk functions the workers know. */
export const JOB = { SCORES: 1, ROWS: 2, WASM_SCORES: 3, WASM_ROWS: 4, WASM_GEMM: 5, WASM_PACK: 6 } as const;

/** Whether a job runs on the WebAssembly instances (src/kernels/wasm/wasmChunks.ts). */
export function isWasmJob(job: number): boolean {
  return job === JOB.WASM_SCORES || job === JOB.WASM_ROWS || job === JOB.WASM_GEMM || job === JOB.WASM_PACK;
}
