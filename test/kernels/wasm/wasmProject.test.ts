import { afterAll, describe, expect, it } from 'vitest';
import { configurePool, poolStats } from '../../../src/kernels/pool.ts';
import { POOL_PROJECT_MIN_WORK, wasmApplyRows } from '../../../src/kernels/wasm/wasmProject.ts';
import { HEAP_BASE } from '../../../src/kernels/wasm/driftLayout.ts';
import { heapBase, residentOperand, resetResidentOperands } from '../../../src/kernels/wasm/residentOperands.ts';
import { driftKernels } from '../../../src/kernels/wasm/wasmDrift.ts';
import { velocity } from '../../../src/models/velocity.ts';
import { uniformSphere } from '../../../src/random/sphere.ts';
import { Rng } from '../../../src/random/rng.ts';

// The projections M x_i on the WebAssembly gemm (serial, and by row chunks on the pool) against a
// plain loop that sums each entry's d products in order: the gemm sums in that order, so bitwise.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function loop(x: Float64Array, n: number, d: number, M: Float64Array, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let r = 0; r < k; r++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += x[i * d + c] * M[r * d + c];
    out[i * k + r] = s;
  }
  return out;
}

describe('wasmApplyRows', () => {
  afterAll(() => configurePool({ threads: 2 }));

  it('equals the in-order loop bitwise, serial and pooled, for n = 1, d = 1, k off the 4-grid and k != d', async () => {
    const rng = new Rng(71);
    configurePool({ threads: 2 });
    const big = { n: 130, d: 97, k: 90 }; // n d k above POOL_PROJECT_MIN_WORK: the pool's rows
    expect(big.n * big.d * big.k).toBeGreaterThanOrEqual(POOL_PROJECT_MIN_WORK);
    const bx = Float64Array.from({ length: big.n * big.d }, () => rng.normal());
    const bM = Float64Array.from({ length: big.k * big.d }, () => rng.normal());
    for (let t = 0; t < 500 && poolStats().workerChunks === 0; t++) {
      wasmApplyRows(bx, big.n, big.d, bM, big.k);
      await sleep(10);
    }
    // Back to back, so the worker is still polling: it takes rows of some of these products.
    const want = Array.from(loop(bx, big.n, big.d, bM, big.k));
    const before = poolStats().workerChunks;
    for (let t = 0; t < 50; t++) expect(Array.from(wasmApplyRows(bx, big.n, big.d, bM, big.k)!), `pooled, call ${t}`).toEqual(want);
    expect(poolStats().workerChunks, 'a worker took rows of the pooled products').toBeGreaterThan(before);
    for (const [n, d, k] of [[1, 1, 1], [1, 7, 3], [5, 1, 2], [9, 16, 16], [33, 20, 6], [64, 64, 64]]) {
      const x = Float64Array.from({ length: n * d }, () => rng.normal());
      const M = Float64Array.from({ length: k * d }, () => rng.normal());
      const got = wasmApplyRows(x, n, d, M, k);
      expect(got).not.toBeNull();
      expect(Array.from(got!), `n ${n} d ${d} k ${k}`).toEqual(Array.from(loop(x, n, d, M, k)));
    }
    configurePool({ threads: 1 });
    expect(Array.from(wasmApplyRows(bx, big.n, big.d, bM, big.k)!), 'one thread: the serial gemm').toEqual(Array.from(loop(bx, big.n, big.d, bM, big.k)));
  });

  it('splits a product with few rows by columns on the pool (n = 12, d = k = 300) and still equals the loop bitwise', async () => {
    configurePool({ threads: 2 });
    const rng = new Rng(72);
    const n = 12, d = 300, k = 300; // 12 rows: too few for a row block per thread
    expect(n * d * k).toBeGreaterThanOrEqual(POOL_PROJECT_MIN_WORK);
    const x = Float64Array.from({ length: n * d }, () => rng.normal());
    const M = Float64Array.from({ length: k * d }, () => rng.normal());
    for (let t = 0; t < 500 && poolStats().workerChunks === 0; t++) {
      wasmApplyRows(x, n, d, M, k);
      await sleep(10);
    }
    const want = Array.from(loop(x, n, d, M, k));
    const before = poolStats().workerChunks;
    for (let t = 0; t < 50; t++) expect(Array.from(wasmApplyRows(x, n, d, M, k)!), `call ${t}`).toEqual(want);
    expect(poolStats().workerChunks, 'a worker took column blocks').toBeGreaterThan(before);
  });

  it('keeps an owned operand resident: later calls, other owners, a larger evaluation in between and a start-over all leave the products exact', () => {
    const rng = new Rng(73);
    for (const threads of [1, 2]) {
      configurePool({ threads });
      resetResidentOperands(25_000); // room for two 100 x 100 operands: the third starts the region over
      const d = 100, n = 9;
      const owners = [0, 1, 2].map(() => ({ data: Float64Array.from({ length: d * d }, () => rng.normal()) }));
      const x = Float64Array.from({ length: n * d }, () => rng.normal());
      for (let round = 0; round < 3; round++) {
        for (const [o, owner] of owners.entries()) {
          expect(Array.from(wasmApplyRows(x, n, d, owner.data, d, owner)!), `threads ${threads}, round ${round}, owner ${o}`).toEqual(Array.from(loop(x, n, d, owner.data, d)));
        }
        // A velocity lays its operands out from heapBase: above the resident ones, never over them.
        velocity(uniformSphere(200, d, rng), { beta: 1 });
      }
    }
    resetResidentOperands();
  });

  it('puts the heap base above every resident operand, so a call\'s layout never covers one', () => {
    configurePool({ threads: 1 });
    resetResidentOperands();
    const inst = driftKernels()!;
    for (const length of [16, 4096, 100_000, 3]) {
      const offset = residentOperand(inst, {}, length, length, (F, o) => F.fill(1, o, o + length));
      expect(offset).toBeGreaterThanOrEqual(HEAP_BASE);
      expect(offset + length, `length ${length}`).toBeLessThanOrEqual(heapBase(inst));
    }
  });
});
