import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AttnflowError } from '../errors.ts';
import { runDriftChunk } from './driftChunks.ts';
import { C, CONTROL_BYTES, isWasmJob } from './sharedLayout.ts';
import { sharedDriftInstance } from './wasm/sharedDrift.ts';
import { runWasmChunk } from './wasm/wasmChunks.ts';
import { tsWorkerSource } from './tsWorker.ts';

/**
 * A synchronous worker pool for the large kernels: the caller's thread publishes a job in shared
 * memory, wakes the workers (Atomics.notify) and takes chunks itself; workers take chunks by
 * compare-and-swap until none is left; the caller then blocks (Atomics.wait) until every chunk is
 * done. Because the caller always works too, a pool whose workers have not started yet (they load
 * the TypeScript sources through tsx, about half a second) or failed to start gives the same
 * result, only later. Workers are unref'd, so they never keep the process alive.
 */
export interface PoolOptions {
  /**
   * Threads in all, the caller's included (default: ATTNFLOW_THREADS, else os.availableParallelism()
   * capped at 8). 1 disables the workers.
   */
  readonly threads?: number;
}

interface PoolState {
  readonly ctrl: Int32Array;
  readonly ctrlF: Float64Array;
  readonly workers: Worker[];
  data: Float64Array;
  epoch: number;
  gen: number;
}

let pool: PoolState | null = null;
let configuredThreads: number | null = null;

/** Sets the number of threads of the pool (see {@link PoolOptions}); takes effect for a new pool. */
export function configurePool(options: PoolOptions): void {
  if (options.threads !== undefined) {
    if (!Number.isInteger(options.threads) || options.threads < 1 || options.threads > 256) {
      throw new AttnflowError('threads', `expected an integer in [1, 256], got ${String(options.threads)}`, 'pass threads: 1 to disable workers, or the number of cores');
    }
    configuredThreads = options.threads;
  }
  shutdownPool();
}

/** Threads the pool uses, the caller's included. */
export function poolThreads(): number {
  if (configuredThreads !== null) return configuredThreads;
  const env = Number(process.env.ATTNFLOW_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.min(8, availableParallelism());
}

/** Terminates the workers (a later job starts new ones). */
export function shutdownPool(): void {
  if (!pool) return;
  for (const w of pool.workers) void w.terminate();
  pool = null;
}

function getPool(): PoolState {
  if (pool) return pool;
  const ctrlBuf = new SharedArrayBuffer(CONTROL_BYTES);
  const state: PoolState = {
    ctrl: new Int32Array(ctrlBuf), ctrlF: new Float64Array(ctrlBuf), workers: [],
    data: new Float64Array(new SharedArrayBuffer(8)), epoch: 0, gen: 0,
  };
  const extra = poolThreads() - 1;
  if (extra > 0) {
    let src: string | null = null;
    try {
      src = tsWorkerSource(new URL('./poolWorker.ts', import.meta.url));
    } catch {
      src = null; // no tsx: the caller's thread does all the work
    }
    for (let t = 0; src !== null && t < extra; t++) {
      // The shared WebAssembly memory of the wasm jobs (null where the runtime has none).
      const wasmMemory = sharedDriftInstance()?.memory ?? null;
      const w = new Worker(src, { eval: true, workerData: { ctrl: state.ctrl, data: state.data, epoch: 0, wasmMemory }, execArgv: [] });
      w.on('error', () => { /* a worker that fails leaves its chunks to the others */ });
      w.unref();
      state.workers.push(w);
    }
  }
  pool = state;
  return state;
}

/**
 * The shared float64 data block, at least `size` entries long. Growing it hands the new block to
 * the workers through their ports (they pick it up synchronously when they see the new epoch).
 */
export function sharedData(size: number): Float64Array {
  const p = getPool();
  if (p.data.length >= size) return p.data;
  p.data = new Float64Array(new SharedArrayBuffer(8 * Math.ceil(size * 1.25)));
  p.epoch++;
  for (const w of p.workers) w.postMessage({ epoch: p.epoch, data: p.data });
  Atomics.store(p.ctrl, C.EPOCH, p.epoch);
  return p.data;
}

/** What the pool has done so far: its workers and the chunks they (not the caller) finished. */
export function poolStats(): { workers: number; workerChunks: number } {
  const p = getPool();
  return { workers: p.workers.length, workerChunks: Atomics.load(p.ctrl, C.WORKER_CHUNKS) };
}

/** The control block, to fill in the job's sizes and offsets before {@link runJob}. */
export function control(): { ctrl: Int32Array; ctrlF: Float64Array } {
  const p = getPool();
  return { ctrl: p.ctrl, ctrlF: p.ctrlF };
}

/**
 * Runs `nChunks` chunks of job `job` (see src/kernels/driftChunks.ts and src/kernels/wasm/wasmChunks.ts) on the pool and returns when all
 * are done. Throws an internal {@link AttnflowError} if a worker's chunk threw.
 */
export function runJob(job: number, nChunks: number): void {
  const p = getPool();
  const { ctrl, ctrlF } = p;
  if (nChunks > 0xffff) throw new AttnflowError('nChunks', `${nChunks} chunks exceed 65535`, 'use larger chunks', 'internal');
  p.gen = (p.gen + 1) & 0x7fff;
  ctrl[C.JOB] = job;
  ctrl[C.NCHUNKS] = nChunks;
  ctrl[C.ERROR] = 0;
  Atomics.store(ctrl, C.DONE, 0);
  Atomics.store(ctrl, C.NEXT, p.gen << 16);
  Atomics.store(ctrl, C.GEN, p.gen);
  if (p.workers.length > 0) Atomics.notify(ctrl, C.GEN);
  for (;;) {
    const v = Atomics.load(ctrl, C.NEXT);
    const idx = v & 0xffff;
    if (idx >= nChunks) break;
    if (Atomics.compareExchange(ctrl, C.NEXT, v, v + 1) !== v) continue;
    if (isWasmJob(job)) runWasmChunk(ctrl, ctrlF, sharedDriftInstance()!.kernels, idx);
    else runDriftChunk(ctrl, ctrlF, p.data, idx);
    Atomics.add(ctrl, C.DONE, 1);
  }
  // The last chunks are in a worker's hands: poll (they are short) before sleeping, since a
  // futex wake-up can take longer than a chunk in a virtual machine.
  const until = performance.now() + 2;
  for (;;) {
    const done = Atomics.load(ctrl, C.DONE);
    if (done >= nChunks) break;
    if (performance.now() < until) continue;
    Atomics.wait(ctrl, C.DONE, done, 100);
  }
  if (Atomics.load(ctrl, C.ERROR) !== 0) {
    throw new AttnflowError('kernel', 'a worker thread failed on its part of the attention kernel', 'set ATTNFLOW_THREADS=1 to compute on one thread, and report the bug', 'internal');
  }
}
