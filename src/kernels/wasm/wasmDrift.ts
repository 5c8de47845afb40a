import { EXP_TABLE, EXP_TABLE_BYTES, driftModuleBytes } from './driftModule.ts';

/** The part of the WebAssembly JS API used here (Node's type definitions leave it to the DOM library). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

/** The exports of the drift module (see src/kernels/wasm/driftModule.ts for the contracts). */
export interface DriftExports {
  readonly memory: WasmMemory;
  gemm(A: number, B: number, C: number, m: number, k: number, nc: number, lda: number, ldb: number, ldc: number, upper: number): void;
  softmaxCommon(W: number, n: number, ld: number, beta: number, c: number, rowSum: number): void;
  softmaxRowMax(W: number, n: number, ld: number, beta: number, shift: number, rowSum: number): void;
  expArray(src: number, dst: number, groups: number): void;
  transposePad(src: number, dst: number, rows: number, cols: number, ld: number): void;
  repack(src: number, dst: number, rows: number, cols: number, ldSrc: number, ldDst: number, zeroRows: number): void;
  finish(U: number, X: number, n: number, width: number, ld: number, rowSum: number, normalize: number, project: number): void;
}

/** What {@link wasmDrift} applies to U before returning it. */
export interface WasmDriftFinish {
  /** Divide row i by its row sum (the SA weights, eq. 2.4). */
  readonly normalize: boolean;
  /** The tokens (flat n x d) whose tangent projection P^perp_{x_i} to apply to row i (eq. 2.3), or null. */
  readonly project: Float64Array | null;
}

/** Largest working set (bytes) the single-threaded wasm path takes on; beyond it the caller's TS path runs. */
const MAX_BYTES = 1 << 30;

/** First float64 index of the module's memory free for operands (the exp table lies below). */
export const HEAP_BASE = EXP_TABLE_BYTES / 8;

let loaded: DriftExports | null | undefined;
let view = new Float64Array(0);

/**
 * The compiled drift module, or null where this runtime has no WebAssembly SIMD (every Node 20
 * has it; the TypeScript kernels then serve alone).
 */
export function driftKernels(): DriftExports | null {
  if (loaded !== undefined) return loaded;
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(driftModuleBytes());
    loaded = new wasm.Instance(module, {}).exports as DriftExports;
    new Float64Array(loaded.memory.buffer, 0, EXP_TABLE.length).set(EXP_TABLE);
  } catch {
    loaded = null;
  }
  return loaded;
}

/** A float64 view of the module's memory holding at least `elements` entries (grows it if needed). */
export function driftMemory(kernels: DriftExports, elements: number): Float64Array {
  const need = elements * 8;
  const have = kernels.memory.buffer.byteLength;
  if (need > have) kernels.memory.grow(Math.ceil((need - have) / 65536));
  if (view.buffer !== kernels.memory.buffer) view = new Float64Array(kernels.memory.buffer);
  return view;
}

const up4 = (x: number) => (x + 3) & ~3;

/**
 * The scaled attention drift of eq. (2.3) on the WebAssembly SIMD kernels, single-threaded: the
 * contract of parallelDrift in src/kernels/parallelDrift.ts (U_i = sum_j exp(beta (S_ij - m_i)) V x_j
 * with S_ij = <qx_i, kx_j>, the shifts m_i and the row sums, before SA normalisation) and the same
 * shift rule as the TypeScript softmax (softmaxRowsInPlace): for symmetric scores one common shift
 * c = max_i S_ii when beta (c - min_i S_ii) < 600, each row's maximum otherwise. `finish` optionally
 * normalises and projects U in the module (see {@link WasmDriftFinish}). Returns false (and writes
 * nothing) where the module is unavailable or the working set exceeds 1 GiB.
 */
export function wasmDrift(
  qx: Float64Array, kx: Float64Array, vx: Float64Array, n: number, d: number, k: number, beta: number,
  symmetric: boolean, U: Float64Array, shift: Float64Array, rowSum: Float64Array,
  finish: WasmDriftFinish = { normalize: false, project: null },
): boolean {
  const kern = driftKernels();
  if (!kern) return false;
  const n4 = up4(n), d4 = up4(d);
  // Leading dimensions: padded by 4 where a multiple of 16 float64 would map a column walk (the mirror
  // of W, the k-loop over B in gemm) onto a few L1 sets and miss on every access.
  const ldW = n4 % 16 === 0 ? n4 + 4 : n4;
  const ldBT = n4 % 16 === 0 && k > 96 ? n4 + 4 : n4;
  const ldV = d4 % 16 === 0 && n4 > 96 ? d4 + 4 : d4;
  // Layout (float64 entries): A = qx (n4 x k), BT = kx^T (k x ldBT), W (n4 x ldW), VX (n4 x ldV),
  // U (n4 x ldV), rowSum, shift, X (n4 x ldV), and dense staging for kx, vx and the result.
  const oA = HEAP_BASE, oBT = oA + n4 * k, oW = oBT + k * ldBT, oV = oW + n4 * ldW, oU = oV + n4 * ldV;
  const oSum = oU + n4 * ldV, oShift = oSum + n4, oX = oShift + n4, oStage = oX + n4 * ldV;
  const total = oStage + n * Math.max(k, d);
  if (total * 8 > MAX_BYTES) return false;
  const F = driftMemory(kern, total);
  // Bulk copies (memcpy) in, padding and transposition inside the module.
  F.set(qx.subarray(0, n * k), oA);
  F.fill(0, oA + n * k, oA + n4 * k);
  if (symmetric) {
    kern.transposePad(oA * 8, oBT * 8, n, k, ldBT);
  } else {
    F.set(kx.subarray(0, n * k), oStage);
    kern.transposePad(oStage * 8, oBT * 8, n, k, ldBT);
  }
  if (d === ldV) {
    F.set(vx.subarray(0, n * d), oV);
    F.fill(0, oV + n * ldV, oV + n4 * ldV);
  } else {
    F.set(vx.subarray(0, n * d), oStage);
    kern.repack(oStage * 8, oV * 8, n, d, d, ldV, n4 - n);
  }
  let common = false;
  if (symmetric) {
    kern.gemm(oA * 8, oBT * 8, oW * 8, n4, k, n4, k, ldBT, ldW, 1);
    // The shift rule of softmaxRowsInPlace (src/models/attentionDrift.ts), with the same guards.
    let c = -Infinity, dMin = Infinity;
    for (let i = 0; i < n; i++) {
      const sii = F[oW + i * ldW + i];
      if (sii > c) c = sii;
      if (sii < dMin) dMin = sii;
    }
    c += Math.abs(c) * 1e-15;
    if (beta * (c - dMin) < 600 && beta * Math.abs(c) < 1e9) {
      common = true;
      kern.softmaxCommon(oW * 8, n, ldW, beta, c, oSum * 8);
      shift.fill(c, 0, n);
    }
  }
  if (!common) {
    kern.gemm(oA * 8, oBT * 8, oW * 8, n4, k, n4, k, ldBT, ldW, 0);
    kern.softmaxRowMax(oW * 8, n, ldW, beta, oShift * 8, oSum * 8);
    for (let i = 0; i < n; i++) shift[i] = F[oShift + i];
  }
  kern.gemm(oW * 8, oV * 8, oU * 8, n4, n, d4, ldW, ldV, ldV, 0);
  rowSum.set(F.subarray(oSum, oSum + n));
  const x = finish.project;
  let oProj = oV; // the padded values are the tokens when V = I
  if (x !== null && x !== vx) {
    oProj = oX;
    F.set(x.subarray(0, n * d), oStage);
    kern.repack(oStage * 8, oX * 8, n, d, d, ldV, n4 - n);
  }
  if (finish.normalize || x !== null) kern.finish(oU * 8, oProj * 8, n, d4, ldV, oSum * 8, finish.normalize ? 1 : 0, x !== null ? 1 : 0);
  if (d !== ldV) kern.repack(oU * 8, oStage * 8, n, d, ldV, d, 0);
  const oOut = d === ldV ? oU : oStage;
  U.set(F.subarray(oOut, oOut + n * d));
  return true;
}
