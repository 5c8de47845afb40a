import { poolThreads } from '../pool.ts';
import type { WasmDriftFinish } from './wasmDrift.ts';
import { wasmDrift } from './wasmDrift.ts';
import { wasmParallelDrift } from './wasmParallelDrift.ts';

/**
 * Multiply-adds n^2 (k + d) below which the pool is never tried: its two hand-offs cost a few
 * microseconds (bench/profile.ts, "empty job"), about the whole evaluation there.
 */
export const POOL_MIN_WORK = 1 << 16;

/** Evaluations of each path in a size class before the faster one is chosen. */
const PROBES = 3;

/** Every this many evaluations of a size class the path not in use is timed again (load changes). */
const REPROBE = 64;

/**
 * A path's estimate is the minimum of its samples, each older one raised by this factor per sample
 * since (a decaying minimum): a machine that has become slower (other processes on the cores) shows
 * within a dozen evaluations, while one disturbed sample does not override the fast ones.
 */
const DECAY = 1.0625;

interface SizeClass {
  /** Estimated seconds per multiply-add, serial and pooled (Infinity until measured). */
  serial: number;
  pool: number;
  nSerial: number;
  nPool: number;
  calls: number;
}

const classes = new Map<number, SizeClass>();

/** The measured choice so far, per size class (half an octave of work, and the thread count): for tests and the bench. */
export function pathStats(): { work: number; threads: number; serialNsPerMac: number; poolNsPerMac: number; nSerial: number; nPool: number }[] {
  return [...classes.entries()].map(([key, c]) => ({
    work: Math.round(2 ** ((key >> 8) / 2)), threads: key & 0xff,
    serialNsPerMac: c.serial * 1e9, poolNsPerMac: c.pool * 1e9, nSerial: c.nSerial, nPool: c.nPool,
  }));
}

/** Forgets the measurements (tests). */
export function resetPathChoice(): void {
  classes.clear();
}

/**
 * The scaled attention drift on the WebAssembly kernels (the contract of wasmDrift), on one thread or
 * on the pool, whichever has measured faster for evaluations of this size on this machine. The two
 * paths give bitwise the same result (src/kernels/wasm/wasmChunks.ts runs the serial kernels on row
 * chunks), so the choice, which depends on timing, never changes an answer. Small evaluations
 * (below {@link POOL_MIN_WORK}, fewer than 8 rows or one kernel thread) take the serial path
 * untimed. Returns false where the WebAssembly kernels are unavailable (see wasmDrift).
 */
export function wasmScaledDrift(
  qx: Float64Array, kx: Float64Array, vx: Float64Array, n: number, d: number, k: number, beta: number,
  symmetric: boolean, U: Float64Array, shift: Float64Array, rowSum: Float64Array, finish: WasmDriftFinish,
): boolean {
  const work = n * n * (k + d), threads = poolThreads();
  if (threads === 1 || n < 8 || work < POOL_MIN_WORK) return wasmDrift(qx, kx, vx, n, d, k, beta, symmetric, U, shift, rowSum, finish);
  const key = (Math.round(2 * Math.log2(work)) << 8) | Math.min(threads, 0xff);
  let c = classes.get(key);
  if (c === undefined) {
    c = { serial: Infinity, pool: Infinity, nSerial: 0, nPool: 0, calls: 0 };
    classes.set(key, c);
  }
  c.calls++;
  let pool: boolean;
  if (c.nSerial < PROBES || c.nPool < PROBES) pool = c.nPool < c.nSerial;
  else pool = (c.pool < c.serial) !== (c.calls % REPROBE === 0);
  const t0 = performance.now();
  if (pool && !wasmParallelDrift(qx, kx, vx, n, d, k, beta, symmetric, U, shift, rowSum, finish)) {
    // No shared memory (or too large): the serial path, and the pool is not tried again here.
    c.nPool = PROBES;
    c.pool = Infinity;
    return wasmDrift(qx, kx, vx, n, d, k, beta, symmetric, U, shift, rowSum, finish);
  }
  if (!pool && !wasmDrift(qx, kx, vx, n, d, k, beta, symmetric, U, shift, rowSum, finish)) return false;
  const perMac = (performance.now() - t0) / 1000 / work;
  if (pool) {
    c.pool = Math.min(perMac, c.pool * DECAY);
    c.nPool++;
  } else {
    c.serial = Math.min(perMac, c.serial * DECAY);
    c.nSerial++;
  }
  return true;
}
