import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftKernel } from '../../src/kernels/kernelChoice.ts';
import { setDriftKernel } from '../../src/kernels/kernelChoice.ts';
import { attentionDrift, shiftedWeights } from '../../src/models/attentionDrift.ts';
import type { AttentionParams } from '../../src/models/params.ts';
import { velocity } from '../../src/models/velocity.ts';
import { Rng } from '../../src/random/rng.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { uniformSphere } from '../../src/random/sphere.ts';
import { absDiff, maxAbs, maxScore, referenceField, relDiff } from './reference.ts';

// Both serial paths, the WebAssembly SIMD kernels (the default) and the TypeScript ones (blocked
// A B^T, symmetric scores and exps, inline exp), against the loop-by-loop reference of eq. (2.3). Rounding of a score is amplified by beta in its weight, so the
// tolerance is 1e-13 (1 + beta max|S_ij|) relative to the largest entry of the un-projected drift
// (the projection y - <x, y> x cancels to rounding noise of that size, whatever the kernel).
const BETAS = [0, 0.5, 3, 40, 1000];

function check(X: ReturnType<typeof uniformSphere>, params: AttentionParams, label: string): void {
  const tol = 1e-13 * (1 + params.beta * maxScore(X, params));
  const ref = referenceField(X, params, true);
  if (ref === null) {
    expect(() => velocity(X, params), `${label}: reference overflows, the kernel must throw`).toThrow(/beta/);
    return;
  }
  const refDrift = referenceField(X, params, false)!;
  const err = absDiff(velocity(X, params).data, ref) / maxAbs(refDrift);
  expect(err, `${label}: velocity err ${err} (of max |drift|) vs tol ${tol}`).toBeLessThan(tol);
  const errDrift = relDiff(attentionDrift(X, params).data, refDrift);
  expect(errDrift, `${label}: drift rel err ${errDrift} vs tol ${tol}`).toBeLessThan(tol);
}

describe.each<DriftKernel>(['wasm', 'ts'])('the serial velocity kernel (%s)', (kernel) => {
  beforeAll(() => setDriftKernel(kernel));
  afterAll(() => setDriftKernel(null));

  it('agrees with the reference for SA with Q = K = V = I at every beta in 0..1000', () => {
    const rng = new Rng(21);
    for (const beta of BETAS) for (const [n, d] of [[1, 3], [2, 2], [16, 3], [33, 5], [64, 64], [130, 3]]) {
      check(uniformSphere(n, d, rng), { beta }, `SA n ${n} d ${d} beta ${beta}`);
    }
  });

  it('agrees with the reference for SA and USA with general Q, K, V (including Q = K and k != d)', () => {
    const rng = new Rng(22);
    for (let t = 0; t < 30; t++) {
      const n = 1 + rng.int(40), d = 1 + rng.int(9), kq = 1 + rng.int(9);
      const beta = BETAS[t % BETAS.length];
      const model = t % 3 === 0 ? 'usa' : 'sa';
      const Q = ginibre(kq, d, rng);
      const K = t % 4 === 0 ? Q : ginibre(kq, d, rng);
      const V = ginibre(d, d, rng);
      check(uniformSphere(n, d, rng), { model, beta, Q, K, V }, `${model} trial ${t} n ${n} d ${d} k ${kq} beta ${beta}`);
    }
  });

  it('shiftedWeights gives the softmax rows (W_ij / rowSum_i) of the reference to 1e-13 (1 + beta max|S|)', () => {
    const rng = new Rng(23);
    for (const beta of BETAS) {
      const n = 20, d = 4;
      const X = uniformSphere(n, d, rng);
      const params = { beta, Q: ginibre(d, d, rng) };
      const { W, rowSum, shift } = shiftedWeights(X, params);
      const tol = 1e-13 * (1 + beta * maxScore(X, params));
      for (let i = 0; i < n; i++) {
        expect(Math.max(...W.subarray(i * n, i * n + n)), 'shift_i >= max_j S_ij').toBeLessThanOrEqual(1);
        expect(Number.isFinite(shift[i])).toBe(true);
      }
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const s: number[] = [];
        for (let j = 0; j < n; j++) {
          let g = 0;
          for (let a = 0; a < d; a++) {
            let qa = 0;
            for (let c = 0; c < d; c++) qa += params.Q.data[a * d + c] * X.data[i * d + c];
            g += qa * X.data[j * d + a];
          }
          s.push(g);
        }
        const m = Math.max(...s);
        const e = s.map((g) => Math.exp(beta * (g - m)));
        const z = e.reduce((p, q) => p + q, 0);
        for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(W[i * n + j] / rowSum[i] - e[j] / z));
      }
      expect(worst, `beta ${beta}: softmax err ${worst} vs tol ${tol}`).toBeLessThan(tol);
    }
  });

  it('beta |c| >= 1e9 (row maxima instead of the diagonal shift) still gives finite tangent SA velocities', () => {
    const rng = new Rng(25);
    const X = uniformSphere(30, 4, rng);
    for (const beta of [2e9, 1e15]) {
      const v = velocity(X, { beta }).data;
      for (let i = 0; i < 30; i++) {
        let s = 0;
        for (let c = 0; c < 4; c++) {
          expect(Number.isFinite(v[i * 4 + c]), `beta ${beta}: finite`).toBe(true);
          s += v[i * 4 + c] * X.data[i * 4 + c];
        }
        expect(Math.abs(s), `beta ${beta}: <v_i, x_i> vs tol 1e-15`).toBeLessThan(1e-15);
      }
    }
  });

  it('repeated calls reuse no state between inputs of different sizes (scratch buffers)', () => {
    const rng = new Rng(24);
    const A = uniformSphere(40, 3, rng), B = uniformSphere(7, 6, rng);
    const a1 = velocity(A, { beta: 2 }).data.slice();
    velocity(B, { beta: 9 });
    const a2 = velocity(A, { beta: 2 }).data;
    expect(relDiff(a2, a1), 'same input, same output').toBe(0);
  });
});
