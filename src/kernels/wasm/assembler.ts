/**
 * A minimal WebAssembly binary assembler: enough of the MVP and the fixed-width SIMD proposal
 * (v128, f64x2) to write the float64 kernels of src/kernels/wasm in TypeScript, so the repository
 * needs no wasm toolchain and the bytes are built from source at load time. Encodings follow the
 * WebAssembly core specification 2.0 (binary format, §5) and the SIMD opcode table (prefix 0xfd).
 */

/** Value types of the kernels. */
export type ValType = 'i32' | 'i64' | 'f64' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer (or a 64-bit one given as a bigint). */
export function sleb(value: number | bigint): number[] {
  const out: number[] = [];
  let v = BigInt(value);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function f64Bytes(x: number): number[] {
  const b = new Uint8Array(new Float64Array([x]).buffer);
  return Array.from(b);
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

/** A local variable (or parameter) of a function under construction. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/**
 * Emits the body of one function. Instructions are methods that append their encoding; structured
 * helpers ({@link FunctionBuilder.forRange}, {@link FunctionBuilder.ifThen}) keep branch depths out of
 * the kernels' code.
 */
export class FunctionBuilder {
  /** The encoded instructions (without the trailing `end`). */
  readonly code: number[] = [];
  /** Parameters, in order. */
  readonly params: Local[];
  private readonly extra: ValType[] = [];

  constructor(readonly name: string, paramTypes: readonly ValType[], readonly results: readonly ValType[] = []) {
    this.params = paramTypes.map((type, index) => ({ index, type }));
  }

  /** Declares a new local of the given type. */
  local(type: ValType): Local {
    const l = { index: this.params.length + this.extra.length, type };
    this.extra.push(type);
    return l;
  }

  private emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  private simd(op: number, ...imm: number[]): this {
    return this.emit(0xfd, ...uleb(op), ...imm);
  }

  // --- variables and constants
  get(l: Local): this { return this.emit(0x20, ...uleb(l.index)); }
  set(l: Local): this { return this.emit(0x21, ...uleb(l.index)); }
  tee(l: Local): this { return this.emit(0x22, ...uleb(l.index)); }
  i32(c: number): this { return this.emit(0x41, ...sleb(c | 0)); }
  i64(c: bigint): this { return this.emit(0x42, ...sleb(c)); }
  f64(c: number): this { return this.emit(0x44, ...f64Bytes(c)); }
  /** v128.const with both f64 lanes equal to c. */
  f64x2Const(c: number): this { return this.simd(0x0c, ...f64Bytes(c), ...f64Bytes(c)); }
  drop(): this { return this.emit(0x1a); }

  // --- memory (byte addresses; `offset` is the static immediate added to the address)
  f64Load(offset = 0): this { return this.emit(0x2b, 3, ...uleb(offset)); }
  f64Store(offset = 0): this { return this.emit(0x39, 3, ...uleb(offset)); }
  v128Load(offset = 0): this { return this.simd(0x00, 4, ...uleb(offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b, 4, ...uleb(offset)); }
  /** v128.load64_splat: one float64 from memory into both lanes. */
  loadSplat(offset = 0): this { return this.simd(0x0a, 3, ...uleb(offset)); }

  // --- i32
  i32Add(): this { return this.emit(0x6a); }
  i32Sub(): this { return this.emit(0x6b); }
  i32Mul(): this { return this.emit(0x6c); }
  i32And(): this { return this.emit(0x71); }
  i32Shl(): this { return this.emit(0x74); }
  i32DivS(): this { return this.emit(0x6d); }
  i32LtS(): this { return this.emit(0x48); }
  i32GtS(): this { return this.emit(0x4a); }
  i32GeS(): this { return this.emit(0x4e); }
  i32Eqz(): this { return this.emit(0x45); }
  i32WrapI64(): this { return this.emit(0xa7); }

  // --- f64 scalar
  f64Add(): this { return this.emit(0xa0); }
  f64Sub(): this { return this.emit(0xa1); }
  f64Mul(): this { return this.emit(0xa2); }
  f64Div(): this { return this.emit(0xa3); }
  f64Max(): this { return this.emit(0xa5); }
  f64Gt(): this { return this.emit(0x64); }

  // --- v128 / f64x2 / i64x2
  f64x2Splat(): this { return this.simd(0x14); }
  f64x2ExtractLane(lane: 0 | 1): this { return this.simd(0x21, lane); }
  f64x2ReplaceLane(lane: 0 | 1): this { return this.simd(0x22, lane); }
  i64x2ExtractLane(lane: 0 | 1): this { return this.simd(0x1d, lane); }
  i64x2ShrS(): this { return this.simd(0xcc); }
  v128And(): this { return this.simd(0x4e); }
  /** a & ~b. */
  v128AndNot(): this { return this.simd(0x4f); }
  f64x2Add(): this { return this.simd(0xf0); }
  f64x2Sub(): this { return this.simd(0xf1); }
  f64x2Mul(): this { return this.simd(0xf2); }
  f64x2Min(): this { return this.simd(0xf4); }
  f64x2Max(): this { return this.simd(0xf5); }
  f64x2Lt(): this { return this.simd(0x49); }
  /** f64x2.pmin: b < a ? b : a (one minpd; a NaN in `a` stays). */
  f64x2Pmin(): this { return this.simd(0xf6); }
  /** f64x2.pmax: a < b ? b : a (one maxpd; a NaN in `a` stays). */
  f64x2Pmax(): this { return this.simd(0xf7); }
  i64x2Add(): this { return this.simd(0xce); }
  i64x2Shl(): this { return this.simd(0xcb); }
  i64x2Splat(): this { return this.simd(0x12); }
  v128Bitselect(): this { return this.simd(0x52); }

  // --- structured control
  /**
   * for (i = start; i < end; i += step) body, with `start` and `end` emitted by callbacks (each
   * leaves one i32) and `end` re-evaluated every iteration (keep it a local or a constant); `step` a
   * constant or an i32 local.
   */
  forRange(i: Local, start: () => void, end: () => void, step: number | Local, body: () => void): this {
    start();
    this.set(i);
    this.emit(0x02, 0x40); // block
    this.emit(0x03, 0x40); // loop
    this.get(i); end(); this.i32GeS();
    this.emit(0x0d, 1); // br_if to the block's end
    body();
    this.get(i);
    if (typeof step === 'number') this.i32(step); else this.get(step);
    this.i32Add().set(i);
    this.emit(0x0c, 0); // br to the loop's start
    this.emit(0x0b, 0x0b);
    return this;
  }

  /** if (condition) then: the condition (an i32) must be on the stack. */
  ifThen(then: () => void): this {
    this.emit(0x04, 0x40);
    then();
    return this.emit(0x0b);
  }

  /** The encoded function body (locals and code), as the code section stores it. */
  body(): number[] {
    const groups: [number, ValType][] = [];
    for (const t of this.extra) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const locals = [...uleb(groups.length), ...groups.flatMap(([count, t]) => [...uleb(count), VALTYPE[t]])];
    const all = [...locals, ...this.code, 0x0b];
    return [...uleb(all.length), ...all];
  }
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

/** Options of {@link assembleModule}. */
export interface ModuleOptions {
  /** 64 KiB pages of the module's own memory (default 1); ignored with `importSharedMemory`. */
  readonly initialPages?: number;
  /**
   * Import a shared memory `env.memory` (min 1, at most `maxPages` pages) instead of defining one:
   * threads that instantiate the module on the same memory share its data.
   */
  readonly importSharedMemory?: { readonly maxPages: number };
}

/**
 * Assembles a module that defines one memory (exported as `memory`, growable) or imports a shared
 * one, and exports every function under its name.
 */
export function assembleModule(functions: readonly FunctionBuilder[], options: ModuleOptions = {}): Uint8Array {
  const sig = (f: FunctionBuilder) => [0x60, ...uleb(f.params.length), ...f.params.map((p) => VALTYPE[p.type]),
    ...uleb(f.results.length), ...f.results.map((t) => VALTYPE[t])];
  const types = section(1, [...uleb(functions.length), ...functions.flatMap(sig)]);
  const shared = options.importSharedMemory;
  // Limits flag 0x03: shared, with a maximum (threads proposal, required for shared memories).
  const imports = shared ? section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x03, ...uleb(1), ...uleb(shared.maxPages)]) : [];
  const funcs = section(3, [...uleb(functions.length), ...functions.flatMap((_, i) => uleb(i))]);
  const memory = shared ? [] : section(5, [1, 0x00, ...uleb(options.initialPages ?? 1)]);
  const exports = section(7, [
    ...uleb(functions.length + (shared ? 0 : 1)),
    ...(shared ? [] : [...name('memory'), 0x02, 0]),
    ...functions.flatMap((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
  ]);
  const code = section(10, [...uleb(functions.length), ...functions.flatMap((f) => f.body())]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...memory, ...exports, ...code]);
}
