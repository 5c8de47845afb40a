import { describe, expect, it } from 'vitest';
import { energy, metricEnergy } from '../../src/energy/energy.ts';
import { energyGradient, metricEnergyGradient, riemannianEnergyGradient } from '../../src/energy/energyGradient.ts';
import { clone } from '../../src/linalg/mat.ts';
import { logPartition } from '../../src/models/attentionWeights.ts';
import { velocity } from '../../src/models/velocity.ts';
import { ginibre, symmetric } from '../../src/random/matrices.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';

describe('energyGradient', () => {
  it('the Euclidean gradient matches central finite differences for general (even non-square) Q, K (rel tol 1e-7)', () => {
    const rng = new Rng(21);
    for (let trial = 0; trial < 8; trial++) {
      const n = 2 + rng.int(5), d = 2 + rng.int(4), k = 1 + rng.int(5), beta = 0.2 + 2 * rng.uniform();
      const X = uniformSphere(n, d, rng);
      const params = { beta, Q: ginibre(k, d, rng), K: ginibre(k, d, rng) };
      const g = energyGradient(X, params);
      const h = 1e-6;
      let scale = 0, worst = 0;
      for (let i = 0; i < n * d; i++) {
        const Xp = clone(X), Xm = clone(X);
        Xp.data[i] += h;
        Xm.data[i] -= h;
        const fd = (energy(Xp, params, { validate: false }) - energy(Xm, params, { validate: false })) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - g.data[i]));
        scale = Math.max(scale, Math.abs(fd));
      }
      expect(worst / scale, `trial ${trial}: rel err ${worst / scale} vs tol 1e-7`).toBeLessThan(1e-7);
    }
  });

  it('USA with Q = K = V = I is the gradient flow X\' = n grad E_beta (eq. 3.11, Remark 3.8; rel tol 1e-13)', () => {
    const rng = new Rng(22);
    for (const beta of [0.5, 2, 9]) {
      const n = 7, d = 3;
      const X = uniformSphere(n, d, rng);
      const v = velocity(X, { beta, model: 'usa' });
      const g = riemannianEnergyGradient(X, { beta });
      let worst = 0, scale = 0;
      for (let i = 0; i < n * d; i++) {
        worst = Math.max(worst, Math.abs(v.data[i] - n * g.data[i]));
        scale = Math.max(scale, Math.abs(v.data[i]));
      }
      expect(worst / scale, `beta ${beta}: rel err ${worst / scale} vs tol 1e-13`).toBeLessThan(1e-13);
    }
  });

  it('SA with symmetric V = Q^T K satisfies Z_{beta,i} x_i\' = P^perp_{x_i} dE^V/dx_i (S7, §3.4.1; rel tol 1e-12)', () => {
    const rng = new Rng(23);
    const n = 6, d = 4, beta = 1.1;
    const X = uniformSphere(n, d, rng);
    const V = symmetric(d, rng);
    const params = { beta, K: V, V }; // Q = I, so Q^T K = V
    const v = velocity(X, params);
    const logZ = logPartition(X, params);
    const g = metricEnergyGradient(X, beta, V);
    // project g
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += g.data[i * d + k] * X.data[i * d + k];
      for (let k = 0; k < d; k++) g.data[i * d + k] -= s * X.data[i * d + k];
    }
    let worst = 0, scale = 0;
    for (let i = 0; i < n; i++) {
      const Z = Math.exp(logZ[i]);
      for (let k = 0; k < d; k++) {
        worst = Math.max(worst, Math.abs(Z * v.data[i * d + k] - g.data[i * d + k]));
        scale = Math.max(scale, Math.abs(g.data[i * d + k]));
      }
    }
    expect(worst / scale, `rel err ${worst / scale} vs tol 1e-12`).toBeLessThan(1e-12);
    // and the metric energy's gradient matches finite differences of metricEnergy
    const h = 1e-6, gm = metricEnergyGradient(X, beta, V);
    let fdWorst = 0, fdScale = 0;
    for (let i = 0; i < n * d; i++) {
      const Xp = clone(X), Xm = clone(X);
      Xp.data[i] += h;
      Xm.data[i] -= h;
      const fd = (metricEnergy(Xp, beta, V, { validate: false }) - metricEnergy(Xm, beta, V, { validate: false })) / (2 * h);
      fdWorst = Math.max(fdWorst, Math.abs(fd - gm.data[i]));
      fdScale = Math.max(fdScale, Math.abs(fd));
    }
    expect(fdWorst / fdScale, `fd rel err ${fdWorst / fdScale} vs tol 1e-7`).toBeLessThan(1e-7);
  });

  it('the Riemannian gradient is tangent: <x_i, grad_i E> = 0 (tol 1e-15 times its scale)', () => {
    const rng = new Rng(24);
    const X = uniformSphere(5, 4, rng);
    const g = riemannianEnergyGradient(X, { beta: 3, Q: ginibre(4, 4, rng), K: ginibre(4, 4, rng) });
    let scale = 0;
    for (const v of g.data) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < 5; i++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += g.data[i * 4 + k] * X.data[i * 4 + k];
      expect(Math.abs(s), `|<x_i, g_i>| = ${Math.abs(s)} vs tol ${1e-14 * scale}`).toBeLessThan(1e-14 * scale);
    }
  });

  it('beta = 0 is refused with an error naming params.beta', () => {
    const X = uniformSphere(3, 2, new Rng(1));
    expect(() => energyGradient(X, { beta: 0 })).toThrow(/params\.beta/);
  });
});
