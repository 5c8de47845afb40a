import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftKernel } from '../../src/kernels/kernelChoice.ts';
import { setDriftKernel } from '../../src/kernels/kernelChoice.ts';
import { PARALLEL_MIN_WORK, parallelDrift } from '../../src/kernels/parallelDrift.ts';
import { sharedDriftInstance } from '../../src/kernels/wasm/sharedDrift.ts';
import { wasmParallelDrift } from '../../src/kernels/wasm/wasmParallelDrift.ts';
import { configurePool, poolStats } from '../../src/kernels/pool.ts';
import { attentionDrift } from '../../src/models/attentionDrift.ts';
import type { AttentionParams } from '../../src/models/params.ts';
import { velocity } from '../../src/models/velocity.ts';
import { Rng } from '../../src/random/rng.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { uniformSphere } from '../../src/random/sphere.ts';
import { absDiff, maxAbs, maxScore, referenceField } from './reference.ts';

// The pool path against the loop-by-loop reference of eq. (2.3); tolerance as in
// velocityKernel.test.ts: 1e-13 (1 + beta max|S_ij|) of the largest entry of the drift.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Case {
  X: ReturnType<typeof uniformSphere>; params: AttentionParams; drift: Float64Array; vel: Float64Array; tol: number; label: string;
}

function cases(n: number, d: number): Case[] {
  const rng = new Rng(31);
  const out: Case[] = [];
  const specs: [string, AttentionParams][] = [
    ['SA identity beta 1', { beta: 1 }],
    ['SA identity beta 1000', { beta: 1000 }],
    ['USA identity beta 5', { model: 'usa', beta: 5 }],
  ];
  const Q = ginibre(d, d, rng), K = ginibre(d, d, rng), V = ginibre(d, d, rng);
  const scale = 1 / Math.sqrt(d); // scores of order 1
  const sc = (m: typeof Q) => ({ rows: m.rows, cols: m.cols, data: m.data.map((v) => v * scale) });
  specs.push(['SA general Q != K, V, beta 3', { beta: 3, Q: sc(Q), K: sc(K), V }]);
  specs.push(['USA Q = K, V, beta 2', { model: 'usa', beta: 2, Q: sc(Q), K: sc(Q), V }]);
  for (const [label, params] of specs) {
    const X = uniformSphere(n, d, rng);
    out.push({ X, params, drift: referenceField(X, params, false)!, vel: referenceField(X, params, true)!, tol: 1e-13 * (1 + params.beta * maxScore(X, params)), label });
  }
  return out;
}

function checkCase(c: Case): void {
  const drift = attentionDrift(c.X, c.params).data;
  const err = absDiff(drift, c.drift) / maxAbs(c.drift);
  expect(err, `${c.label}: drift err ${err} vs tol ${c.tol}`).toBeLessThan(c.tol);
  const errV = absDiff(velocity(c.X, c.params).data, c.vel) / maxAbs(c.drift);
  expect(errV, `${c.label}: velocity err ${errV} vs tol ${c.tol}`).toBeLessThan(c.tol);
}

// Both pool paths: the WebAssembly jobs (src/kernels/wasm/wasmChunks.ts, the default) and the
// TypeScript ones (src/kernels/driftChunks.ts).
describe.each<DriftKernel>(['wasm', 'ts'])('the parallel drift kernel (%s)', (kernel) => {
  beforeAll(() => setDriftKernel(kernel));
  afterAll(() => setDriftKernel(null));
  // n^2 (k + d) = 2^24 exactly: the smallest size that takes the pool path.
  const n = 256, d = 128;
  const cs = cases(n, d);

  it('agrees with the reference on the caller thread alone (threads = 1)', () => {
    expect(n * n * 2 * d).toBeGreaterThanOrEqual(PARALLEL_MIN_WORK);
    if (kernel === 'wasm') expect(sharedDriftInstance(), 'shared WebAssembly memory is available, so the wasm jobs run').not.toBeNull();
    configurePool({ threads: 1 });
    for (const c of cs) checkCase(c);
    expect(poolStats().workers).toBe(0);
  });

  it('agrees with the reference once a worker thread takes chunks (threads = 2)', async () => {
    configurePool({ threads: 2 });
    // The worker loads the sources through tsx (about half a second); until then the caller does all chunks.
    for (let t = 0; t < 1000 && poolStats().workerChunks === 0; t++) {
      attentionDrift(cs[0].X, cs[0].params);
      await sleep(10);
    }
    expect(poolStats().workerChunks, 'the worker started and did part of the work').toBeGreaterThan(0);
    for (const c of cs) checkCase(c);
  });

  it('handles row counts that are not a multiple of the chunk size, Q != K or Q = K, and k != d', () => {
    const rng = new Rng(32);
    for (const [m, dd, k, sym] of [[1, 3, 3, false], [9, 3, 3, false], [37, 5, 2, false], [41, 4, 6, true]] as const) {
      const X = uniformSphere(m, dd, rng);
      const Q = ginibre(k, dd, rng), K = sym ? Q : ginibre(k, dd, rng);
      const qx = new Float64Array(m * k), kx = sym ? qx : new Float64Array(m * k);
      for (let i = 0; i < m; i++) for (let r = 0; r < k; r++) for (let c = 0; c < dd; c++) {
        qx[i * k + r] += Q.data[r * dd + c] * X.data[i * dd + c];
        if (!sym) kx[i * k + r] += K.data[r * dd + c] * X.data[i * dd + c];
      }
      const U = new Float64Array(m * dd), shift = new Float64Array(m), rowSum = new Float64Array(m);
      if (kernel === 'wasm') {
        expect(wasmParallelDrift(qx, kx, X.data, m, dd, k, 2, sym, U, shift, rowSum, { normalize: true, project: null })).toBe(true);
      } else {
        parallelDrift(qx, kx, X.data, m, dd, k, 2, sym, U, shift, rowSum);
        for (let i = 0; i < m; i++) for (let c = 0; c < dd; c++) U[i * dd + c] /= rowSum[i];
      }
      const ref = referenceField(X, { beta: 2, Q, K }, false)!;
      const tol = 1e-13 * (1 + 2 * maxScore(X, { beta: 2, Q, K }));
      const err = absDiff(U, ref) / maxAbs(ref);
      expect(err, `n ${m} d ${dd} k ${k} symmetric ${sym}: err ${err} vs tol ${tol}`).toBeLessThan(tol);
    }
  });
});
