import { describe, expect, it } from 'vitest';
import { FunctionBuilder, assembleModule, sleb, uleb } from '../../../src/kernels/wasm/assembler.ts';

interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

describe('the WebAssembly assembler', () => {
  it('encodes LEB128 as the binary format specifies (spec §5.2.2 examples)', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(1023n)).toEqual([0xff, 0x07]);
  });

  it('assembles a module that validates and runs: forRange sums a float64 array, f64x2 ops add pairs', () => {
    const sum = new FunctionBuilder('sum', ['i32', 'i32'], ['f64']);
    const [ptr, len] = sum.params;
    const i = sum.local('i32'), acc = sum.local('f64');
    sum.f64(0).set(acc);
    sum.forRange(i, () => sum.i32(0), () => sum.get(len), 1, () => {
      sum.get(acc).get(ptr).get(i).i32(3).i32Shl().i32Add().f64Load(0).f64Add().set(acc);
    });
    sum.get(acc);
    const pairs = new FunctionBuilder('pairs', ['i32', 'i32']);
    const [src, dst] = pairs.params;
    pairs.get(dst).get(src).v128Load(0).get(src).v128Load(16).f64x2Add().v128Store(0);
    const bytes = assembleModule([sum, pairs]);
    expect(wasm.validate(bytes)).toBe(true);
    const { exports } = new wasm.Instance(new wasm.Module(bytes), {});
    const memory = exports.memory as { buffer: ArrayBuffer };
    const F = new Float64Array(memory.buffer);
    F.set([1.5, 2.25, -4, 8, 0.125]);
    expect((exports.sum as (p: number, n: number) => number)(0, 5)).toBe(7.875);
    expect((exports.sum as (p: number, n: number) => number)(8, 0)).toBe(0);
    (exports.pairs as (s: number, d: number) => void)(0, 64);
    expect([F[8], F[9]]).toEqual([1.5 - 4, 2.25 + 8]);
  });
});
