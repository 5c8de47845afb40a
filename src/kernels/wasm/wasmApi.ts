/** The part of the WebAssembly JS API attnflow uses (Node's type definitions leave it to the DOM library). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** WebAssembly.Module, WebAssembly.Instance and WebAssembly.Memory constructors. */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The global WebAssembly object, or undefined where the runtime has none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}

/** The exports of the drift module (see src/kernels/wasm/driftModule.ts for the contracts; addresses in bytes). */
export interface DriftExports {
  gemm(A: number, B: number, C: number, m: number, k: number, nc: number, lda: number, ldc: number, upper: number, rowOffset: number): void;
  packT(src: number, dst: number, rows: number, k: number, ld: number): void;
  gramDiag(BT: number, rows: number, k: number, out: number): void;
  packN(src: number, dst: number, rows: number, cols: number, ld: number, height: number): void;
  softmaxCommon(W: number, i0: number, i1: number, n: number, ld: number, beta: number, c: number): void;
  rowSums(W: number, rows: number, n: number, ld: number, rowSum: number): void;
  softmaxRowMax(W: number, rows: number, n: number, ld: number, beta: number, shift: number, rowSum: number): void;
  mirrorRows(W: number, i0: number, i1: number, n: number, ld: number): void;
  expArray(src: number, dst: number, groups: number): void;
  repack(src: number, dst: number, rows: number, cols: number, ldSrc: number, ldDst: number, zeroRows: number): void;
  finish(U: number, X: number, n: number, width: number, ld: number, rowSum: number, normalize: number, project: number): void;
}

/** A drift module instance and the memory it works on. */
export interface DriftInstance {
  readonly kernels: DriftExports;
  readonly memory: WasmMemory;
}
