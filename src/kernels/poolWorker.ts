import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { runDriftChunk } from './driftChunks.ts';
import { C, isWasmJob } from './sharedLayout.ts';
import type { DriftExports } from './wasm/wasmApi.ts';
import { instantiateShared } from './wasm/sharedDrift.ts';
import { runWasmChunk } from './wasm/wasmChunks.ts';

/**
 * The loop of one kernel worker of src/kernels/pool.ts: sleep until the job generation changes,
 * then take chunks by compare-and-swap on the (generation, index) word until the job has none left.
 * A stale generation in that word means the job is over: go back to sleep.
 */
const ctrl: Int32Array = workerData.ctrl;
const ctrlF = new Float64Array(ctrl.buffer);
let data: Float64Array = workerData.data;
let epoch: number = workerData.epoch;
/** This thread's instance of the drift module on the pool's shared wasm memory, made at the first wasm job. */
let wasmKernels: DriftExports | null = null;

/** Receives data blocks from the port until the one of the current epoch; false if it is not there. */
function syncData(): boolean {
  const want = Atomics.load(ctrl, C.EPOCH);
  while (epoch !== want) {
    const msg = parentPort ? receiveMessageOnPort(parentPort) : undefined;
    if (!msg) return false;
    epoch = msg.message.epoch;
    data = msg.message.data;
  }
  return true;
}

/**
 * Milliseconds a worker keeps polling for the next job before it sleeps: waking a sleeping thread
 * (futex) can take a hundred microseconds in a virtual machine, as long as a whole job at n = 256,
 * and jobs come back to back (two per drift, four drifts per RK4 step). OpenMP runtimes spin the
 * same way (KMP_BLOCKTIME).
 */
const SPIN_MS = 2;

let seen = 0;
for (;;) {
  const until = performance.now() + SPIN_MS;
  while (Atomics.load(ctrl, C.GEN) === seen && performance.now() < until) { /* poll */ }
  // A finite timeout lets the thread notice termination between waits.
  Atomics.wait(ctrl, C.GEN, seen, 1000);
  seen = Atomics.load(ctrl, C.GEN);
  for (;;) {
    const v = Atomics.load(ctrl, C.NEXT);
    const idx = v & 0xffff;
    if (v >>> 16 !== seen || idx >= Atomics.load(ctrl, C.NCHUNKS)) break;
    if (Atomics.compareExchange(ctrl, C.NEXT, v, v + 1) !== v) continue;
    try {
      const job = ctrl[C.JOB];
      if (isWasmJob(job)) {
        if (!workerData.wasmMemory) throw new Error('no shared WebAssembly memory');
        wasmKernels ??= instantiateShared(workerData.wasmMemory).kernels;
        runWasmChunk(ctrl, ctrlF, wasmKernels, idx);
      } else {
        if (!syncData()) throw new Error('data block of the current epoch not received');
        runDriftChunk(ctrl, ctrlF, data, idx);
      }
    } catch {
      Atomics.store(ctrl, C.ERROR, 1);
    }
    Atomics.add(ctrl, C.WORKER_CHUNKS, 1);
    Atomics.add(ctrl, C.DONE, 1);
    Atomics.notify(ctrl, C.DONE);
  }
}
