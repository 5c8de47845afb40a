import type { DriftExports, DriftInstance, WasmMemory } from './wasmApi.ts';
import { wasmApi } from './wasmApi.ts';
import { EXP_TABLE, driftModuleBytes } from './driftModule.ts';
import type { DriftLayout } from './driftLayout.ts';
import { MAX_BYTES, driftLayout, packInputs, unpackResult } from './driftLayout.ts';
import { commonShift } from '../commonShift.ts';
import { heapBase } from './residentOperands.ts';

export type { DriftExports, DriftInstance } from './wasmApi.ts';

/** What the WebAssembly drift paths apply to U before returning it. */
export interface WasmDriftFinish {
  /** Divide row i by its row sum (the SA weights, eq. 2.4). */
  readonly normalize: boolean;
  /** The tokens (flat n x d) whose tangent projection P^perp_{x_i} to apply to row i (eq. 2.3), or null. */
  readonly project: Float64Array | null;
}

let loaded: DriftInstance | null | undefined;

/** Writes the exp table (src/kernels/wasm/driftModule.ts) at address 0 of a fresh memory. */
export function writeExpTable(memory: WasmMemory): void {
  new Float64Array(memory.buffer, 0, EXP_TABLE.length).set(EXP_TABLE);
}

/**
 * The compiled drift module on its own memory (single-threaded use), or null where this runtime has
 * no WebAssembly SIMD (every Node 20 has it; the TypeScript kernels then serve alone).
 */
export function driftKernels(): DriftInstance | null {
  if (loaded !== undefined) return loaded;
  try {
    const wasm = wasmApi();
    if (!wasm) throw new Error('no WebAssembly');
    const exports = new wasm.Instance(new wasm.Module(driftModuleBytes()), {}).exports as DriftExports & { memory: WasmMemory };
    writeExpTable(exports.memory);
    loaded = { kernels: exports, memory: exports.memory };
  } catch {
    loaded = null;
  }
  return loaded;
}

const views = new WeakMap<object, Float64Array>();

/**
 * A float64 view of an instance's memory holding at least `elements` entries (grows it if needed; a
 * WebAssembly memory never shrinks, so it keeps the size of the largest evaluation so far).
 */
export function driftMemory(instance: DriftInstance, elements: number): Float64Array {
  const { memory } = instance;
  const need = elements * 8;
  const have = memory.buffer.byteLength;
  if (need > have) memory.grow(Math.ceil((need - have) / 65536));
  let view = views.get(instance);
  // Growing replaces the buffer object (a detached one for unshared memory): re-view then.
  if (!view || view.buffer !== memory.buffer) {
    view = new Float64Array(memory.buffer);
    views.set(instance, view);
  }
  return view;
}

/**
 * The common shift of symmetric scores (src/kernels/commonShift.ts) from their diagonal S_ii, which
 * `gramDiag` computes from the packed tokens bitwise as the score kernel will (into the shift block,
 * overwritten later), so the pool's score job can apply the exps at once and the serial and pool
 * paths use the same shift. Call after packInputs.
 */
export function gramCommonShift(kern: DriftExports, F: Float64Array, L: DriftLayout, beta: number): number | null {
  kern.gramDiag(L.oBT * 8, L.n4, L.k, L.oShift * 8);
  return commonShift(F, L.n, 0, L.oShift, beta);
}

/**
 * The scaled attention drift of eq. (2.3) on the WebAssembly SIMD kernels, single-threaded: the
 * contract of parallelDrift in src/kernels/parallelDrift.ts (U_i = sum_j exp(beta (S_ij - m_i)) V x_j
 * with S_ij = <qx_i, kx_j>, the shifts m_i and the row sums, before SA normalisation) and the same
 * shift rule as the TypeScript softmax (softmaxRowsInPlace): for symmetric scores one common shift
 * c = max_i S_ii when beta (c - min_i S_ii) < 600, each row's maximum otherwise. `finish` optionally
 * normalises and projects U in the module (see {@link WasmDriftFinish}). The result is bitwise that
 * of the pool path (wasmParallelDrift): the same kernels on the same rows in the same order, only
 * split into row chunks there. Returns false (and writes nothing) where the module is unavailable or
 * the working set exceeds 1 GiB.
 */
export function wasmDrift(
  qx: Float64Array, kx: Float64Array, vx: Float64Array, n: number, d: number, k: number, beta: number,
  symmetric: boolean, U: Float64Array, shift: Float64Array, rowSum: Float64Array,
  finish: WasmDriftFinish = { normalize: false, project: null },
): boolean {
  const inst = driftKernels();
  if (!inst) return false;
  const L = driftLayout(n, d, k, heapBase(inst));
  if (L.total * 8 > MAX_BYTES) return false;
  const kern = inst.kernels;
  const F = driftMemory(inst, L.total);
  const { n4, d4, ldW, ldV } = L;
  const { oProj } = packInputs(kern, F, L, qx, kx, vx, symmetric, finish.project);
  const c = symmetric ? gramCommonShift(kern, F, L, beta) : null;
  kern.gemm(L.oA * 8, L.oBT * 8, L.oW * 8, n4, k, n4, k, ldW, symmetric ? 1 : 0, 0);
  if (c !== null) {
    kern.softmaxCommon(L.oW * 8, 0, n, n, ldW, beta, c);
    kern.rowSums(L.oW * 8, n, n, ldW, L.oSum * 8);
    shift.fill(c, 0, n);
  } else {
    // Symmetric scores have their upper triangle only: mirror it rather than recompute.
    if (symmetric) kern.mirrorRows(L.oW * 8, 0, n, n, ldW);
    kern.softmaxRowMax(L.oW * 8, n, n, ldW, beta, L.oShift * 8, L.oSum * 8);
    shift.set(F.subarray(L.oShift, L.oShift + n));
  }
  kern.gemm(L.oW * 8, L.oVP * 8, L.oU * 8, n4, n, d4, ldW, ldV, 0, 0);
  if (finish.normalize || finish.project !== null) {
    kern.finish(L.oU * 8, oProj * 8, n, d4, ldV, L.oSum * 8, finish.normalize ? 1 : 0, finish.project !== null ? 1 : 0);
  }
  unpackResult(kern, F, L, U, rowSum);
  return true;
}
