import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configurePool, poolStats } from '../../../src/kernels/pool.ts';
import { POOL_MIN_WORK, pathStats, resetPathChoice, wasmScaledDrift } from '../../../src/kernels/wasm/pathChoice.ts';
import { wasmDrift } from '../../../src/kernels/wasm/wasmDrift.ts';
import { wasmParallelDrift } from '../../../src/kernels/wasm/wasmParallelDrift.ts';
import { Rng } from '../../../src/random/rng.ts';
import { ginibre } from '../../../src/random/matrices.ts';
import { uniformSphere } from '../../../src/random/sphere.ts';

// The serial and pooled WebAssembly paths must give bitwise the same drift, shifts and row sums: the
// path is chosen by measured time (src/kernels/wasm/pathChoice.ts), and a timing must never change
// an answer.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Inputs { qx: Float64Array; kx: Float64Array; vx: Float64Array; x: Float64Array; n: number; d: number; k: number; symmetric: boolean }

function inputs(n: number, d: number, k: number, kind: 'identity' | 'Q=K' | 'general', rng: Rng): Inputs {
  const X = uniformSphere(n, d, rng);
  if (kind === 'identity') return { qx: X.data, kx: X.data, vx: X.data, x: X.data, n, d, k: d, symmetric: true };
  const apply = (M: Float64Array, rows: number) => {
    const out = new Float64Array(n * rows);
    for (let i = 0; i < n; i++) for (let r = 0; r < rows; r++) for (let c = 0; c < d; c++) out[i * rows + r] += M[r * d + c] * X.data[i * d + c];
    return out;
  };
  const Q = ginibre(k, d, rng).data, K = ginibre(k, d, rng).data, V = ginibre(d, d, rng).data;
  const qx = apply(Q, k);
  return { qx, kx: kind === 'Q=K' ? qx : apply(K, k), vx: apply(V, d), x: X.data, n, d, k, symmetric: kind === 'Q=K' };
}

type Path = typeof wasmParallelDrift;

function run(path: Path, a: Inputs, beta: number, normalize: boolean, project: boolean) {
  const U = new Float64Array(a.n * a.d).fill(NaN), shift = new Float64Array(a.n).fill(NaN), rowSum = new Float64Array(a.n).fill(NaN);
  expect(path(a.qx, a.kx, a.vx, a.n, a.d, a.k, beta, a.symmetric, U, shift, rowSum, { normalize, project: project ? a.x : null })).toBe(true);
  return { U: Array.from(U), shift: Array.from(shift), rowSum: Array.from(rowSum) };
}

describe('the serial and pooled WebAssembly drift', () => {
  beforeAll(async () => {
    configurePool({ threads: 2 });
    resetPathChoice();
    // The worker loads the sources through tsx (about half a second); until then the caller does all chunks.
    const a = inputs(256, 64, 64, 'identity', new Rng(60));
    for (let t = 0; t < 1000 && poolStats().workerChunks === 0; t++) {
      run(wasmParallelDrift, a, 1, true, true);
      await sleep(10);
    }
  });
  afterAll(() => { configurePool({ threads: 2 }); resetPathChoice(); });

  it('agree bitwise (U, shifts, row sums) with a worker taking chunks: identity, Q = K, Q != K, V != I, off the 4-grid, n from 8, d = 1, common shift and row maxima, beta up to 1e6', () => {
    expect(poolStats().workerChunks, 'the worker started and did part of the work').toBeGreaterThan(0);
    const rng = new Rng(61);
    let compared = 0;
    for (const [n, d, k] of [[8, 1, 1], [9, 3, 2], [13, 5, 7], [37, 17, 4], [64, 64, 64], [130, 9, 12]]) {
      for (const kind of ['identity', 'Q=K', 'general'] as const) {
        // beta 1e6 and (for Q = K, whose diagonals |Q x_i|^2 differ) beta 5000 force the row-maximum
        // shift; scores far below their row's maximum then underflow to weight 0.
        for (const beta of [0, 1, 5000, 1e6]) {
          const a = inputs(n, d, k, kind, rng);
          for (const [normalize, project] of [[true, true], [false, false], [true, false]]) {
            const workerBefore = poolStats().workerChunks;
            const serial = run(wasmDrift, a, beta, normalize, project);
            const pooled = run(wasmParallelDrift, a, beta, normalize, project);
            const label = `n ${n} d ${d} k ${k} ${kind} beta ${beta} normalize ${normalize} project ${project}`;
            expect(pooled.U, `${label}: U`).toEqual(serial.U);
            expect(pooled.shift, `${label}: shifts`).toEqual(serial.shift);
            expect(pooled.rowSum, `${label}: row sums`).toEqual(serial.rowSum);
            expect(serial.U.every(Number.isFinite), `${label}: finite`).toBe(true);
            compared += poolStats().workerChunks > workerBefore ? 1 : 0;
          }
        }
      }
    }
    expect(compared, 'comparisons in which the worker took chunks').toBeGreaterThan(0);
  });

  it('wasmScaledDrift times both paths in a size class before it settles, and its answers do not depend on which it took', () => {
    resetPathChoice();
    const a = inputs(64, 64, 64, 'identity', new Rng(62));
    expect(64 * 64 * 128).toBeGreaterThanOrEqual(POOL_MIN_WORK);
    const first = run(wasmScaledDrift, a, 1, true, true);
    for (let t = 0; t < 20; t++) expect(run(wasmScaledDrift, a, 1, true, true)).toEqual(first);
    const stats = pathStats();
    expect(stats).toHaveLength(1);
    expect(stats[0].nSerial).toBeGreaterThanOrEqual(3);
    expect(stats[0].nPool).toBeGreaterThanOrEqual(3);
    expect(stats[0].serialNsPerMac > 0 && Number.isFinite(stats[0].serialNsPerMac)).toBe(true);
    expect(stats[0].poolNsPerMac > 0 && Number.isFinite(stats[0].poolNsPerMac)).toBe(true);
  });

  it('takes the serial path untimed below POOL_MIN_WORK, under 8 rows and with one kernel thread', () => {
    resetPathChoice();
    const rng = new Rng(63);
    run(wasmScaledDrift, inputs(16, 64, 64, 'identity', rng), 1, true, true); // 16^2 128 < 2^16
    run(wasmScaledDrift, inputs(7, 2000, 2000, 'identity', rng), 1, true, true);
    configurePool({ threads: 1 });
    run(wasmScaledDrift, inputs(64, 64, 64, 'identity', rng), 1, true, true);
    expect(pathStats()).toEqual([]);
  });
});
