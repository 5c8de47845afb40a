import { afterEach, describe, expect, it } from 'vitest';
import { setDriftKernel } from '../../../src/kernels/kernelChoice.ts';
import { scaledDrift } from '../../../src/models/attentionDrift.ts';
import type { AttentionParams } from '../../../src/models/params.ts';
import { Rng } from '../../../src/random/rng.ts';
import { ginibre } from '../../../src/random/matrices.ts';
import { uniformSphere } from '../../../src/random/sphere.ts';
import { maxScore } from '../reference.ts';

// The WebAssembly path of scaledDrift against the TypeScript path (the tested reference) on the same
// inputs: U (projected or not), the row sums and the log-scales. Rounding of a score is amplified by
// beta in its weight, so the tolerance is 1e-13 (1 + beta max|S|) of the largest |U_i| before the
// projection, whose cancellation leaves noise of that size.

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function compare(X: ReturnType<typeof uniformSphere>, params: AttentionParams, label: string): void {
  const tol = 1e-13 * (1 + params.beta * maxScore(X, params));
  for (const project of [false, true]) {
    setDriftKernel('ts');
    const scale = maxAbs(scaledDrift(X, params).U);
    const ref = scaledDrift(X, params, false, undefined, project);
    setDriftKernel('wasm');
    const got = scaledDrift(X, params, false, undefined, project);
    let errU = 0;
    for (let t = 0; t < ref.U.length; t++) errU = Math.max(errU, Math.abs(got.U[t] - ref.U[t]));
    errU /= Math.max(scale, 1e-300);
    expect(errU, `${label} project ${project}: U err ${errU} vs tol ${tol}`).toBeLessThan(tol);
    for (let i = 0; i < X.rows; i++) {
      const rs = Math.abs(got.rowSum[i] - ref.rowSum[i]) / ref.rowSum[i];
      expect(rs, `${label}: rowSum ${i} rel err ${rs} vs tol ${tol}`).toBeLessThan(tol);
      expect(got.logScale[i], `${label}: logScale ${i}`).toBe(ref.logScale[i]);
    }
  }
}

describe('the WebAssembly drift path', () => {
  afterEach(() => setDriftKernel(null));

  it('agrees with the TypeScript kernels for Q = K = V = I at sizes off the 4-grid, from n = 1, d = 1 up, and where leading dimensions are padded', () => {
    const rng = new Rng(51);
    // 64 x 64 and 112 x 16 pad the weights' rows (a leading dimension of 68, 116); 128 x 128 too.
    for (const [n, d] of [[1, 1], [1, 5], [2, 1], [3, 3], [16, 3], [17, 6], [64, 64], [70, 9], [112, 16], [128, 128]]) {
      for (const beta of [0, 1e-8, 1, 50, 1000]) compare(uniformSphere(n, d, rng), { beta }, `SA n ${n} d ${d} beta ${beta}`);
      compare(uniformSphere(n, d, rng), { model: 'usa', beta: 20 }, `USA n ${n} d ${d}`);
    }
  });

  it('agrees for general Q != K, Q = K with k != d, and non-symmetric V (tokens then differ from the values)', () => {
    const rng = new Rng(52);
    for (let t = 0; t < 24; t++) {
      const n = 1 + rng.int(40), d = 1 + rng.int(12), k = 1 + rng.int(10);
      const Q = ginibre(k, d, rng), K = t % 3 === 0 ? Q : ginibre(k, d, rng), V = ginibre(d, d, rng);
      const model = t % 2 === 0 ? 'sa' : 'usa';
      const beta = [0, 0.5, 3, 40][t % 4];
      compare(uniformSphere(n, d, rng), { model, beta, Q, K, V }, `trial ${t} ${model} n ${n} d ${d} k ${k} beta ${beta}`);
    }
  });

  it('takes each row maximum as its shift where the common shift would lose rows (beta (c - min S_ii) >= 600), as the TS kernel does', () => {
    const rng = new Rng(53);
    const d = 4, Q = ginibre(d, d, rng); // Q = K: symmetric scores with unequal diagonal |Q x_i|^2
    const X = uniformSphere(12, d, rng);
    // The diagonal |Q x_i|^2 spreads enough that beta (c - min S_ii) >= 600: the fallback is in force.
    const diag = Array.from({ length: 12 }, (_, i) => {
      let s = 0;
      for (let a = 0; a < d; a++) {
        let q = 0;
        for (let c = 0; c < d; c++) q += Q.data[a * d + c] * X.data[i * d + c];
        s += q * q;
      }
      return s;
    });
    const spread = Math.max(...diag) - Math.min(...diag);
    for (const beta of [200, 5000]) {
      expect(beta * spread, 'the common-shift guard fails').toBeGreaterThan(600);
      compare(X, { beta, Q, K: Q }, `beta ${beta}`);
      setDriftKernel('wasm');
      expect(scaledDrift(X, { beta, Q, K: Q }).U.every(Number.isFinite), 'finite U').toBe(true);
    }
  });

  it('keeps no state between calls: growing the module memory and shrinking again leaves results unchanged', () => {
    const rng = new Rng(54);
    const small = uniformSphere(9, 5, rng), big = uniformSphere(300, 40, rng);
    const params = { beta: 2 };
    setDriftKernel('wasm');
    const a = Float64Array.from(scaledDrift(small, params).U);
    scaledDrift(big, params); // needs more than the module's first pages
    const b = scaledDrift(small, params).U;
    expect(Array.from(b)).toEqual(Array.from(a));
    compare(big, params, 'after growth');
  });
});
