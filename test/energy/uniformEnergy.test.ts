import { describe, expect, it } from 'vitest';
import { energy } from '../../src/energy/energy.ts';
import { besselI } from '../../src/energy/besselI.ts';
import { logUniformEnergy, maxEnergy, uniformEnergy } from '../../src/energy/uniformEnergy.ts';
import { mat } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/random/rng.ts';
import { fromAngles, uniformSphere } from '../../src/random/sphere.ts';

describe('uniformEnergy', () => {
  it('reduces to I_0(beta)/(2 beta) for d = 2 and to sinh(beta)/(2 beta^2) for d = 3 (rel tol 2e-15)', () => {
    for (const beta of [0.01, 0.5, 1.7, 10, 40]) {
      const e2 = Math.abs(uniformEnergy(beta, 2) / (besselI(0, beta) / (2 * beta)) - 1);
      const e3 = Math.abs(uniformEnergy(beta, 3) / (Math.sinh(beta) / (2 * beta * beta)) - 1);
      expect(e2, `d=2 beta=${beta}: rel err ${e2} vs tol 2e-15`).toBeLessThan(2e-15);
      expect(e3, `d=3 beta=${beta}: rel err ${e3} vs tol 2e-15`).toBeLessThan(2e-15);
    }
  });

  it('agrees with Monte Carlo E[e^{beta <x,y>}]/(2 beta) over 2e5 uniform samples within 5 standard errors (d = 2, 3, 5; beta = 1.7)', () => {
    const beta = 1.7, N = 200_000;
    for (const d of [2, 3, 5]) {
      const rng = new Rng(100 + d);
      // By rotation invariance <x, y> has the law of y_1 for a single uniform y.
      const Y = uniformSphere(N, d, rng);
      let s = 0, s2 = 0;
      for (let i = 0; i < N; i++) {
        const v = Math.exp(beta * Y.data[i * d]) / (2 * beta);
        s += v;
        s2 += v * v;
      }
      const mean = s / N, se = Math.sqrt((s2 / N - mean * mean) / N);
      const z = Math.abs(mean - uniformEnergy(beta, d)) / se;
      expect(z, `d=${d}: MC ${mean} vs closed form ${uniformEnergy(beta, d)}, |z| = ${z} vs tol 5`).toBeLessThan(5);
    }
  });

  it('every random n-point configuration has E[sigma_d] < E_beta(X) <= e^beta/(2 beta) (Prop 3.4)', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const d = 2 + rng.int(6), n = 1 + rng.int(40), beta = [0.1, 1.7, 5][trial % 3];
      const X = uniformSphere(n, d, rng);
      const e = energy(X, { beta });
      expect(e, `d=${d} n=${n} beta=${beta}`).toBeGreaterThan(uniformEnergy(beta, d));
      expect(e).toBeLessThanOrEqual(maxEnergy(beta) * (1 + 1e-14));
    }
  });

  it('a regular n-gon has energy (I_0(beta) + 2 sum_m I_{mn}(beta)) / (2 beta) (Fourier series of e^{beta cos}, §1.9; rel tol 1e-14)', () => {
    const beta = 1.7;
    for (const n of [1, 2, 3, 5, 8, 13]) {
      const X = fromAngles(Array.from({ length: n }, (_, i) => (2 * Math.PI * i) / n));
      let s = besselI(0, beta);
      for (let m = 1; m * n < 200; m++) s += 2 * besselI(m * n, beta);
      const err = Math.abs(energy(X, { beta }) / (s / (2 * beta)) - 1);
      expect(err, `n=${n}: rel err ${err} vs tol 1e-14`).toBeLessThan(1e-14);
      if (n <= 8) expect(energy(X, { beta })).toBeGreaterThan(uniformEnergy(beta, 2));
    }
  });

  it('logUniformEnergy is finite and exact at large beta and d (d = 3, beta = 1000: abs tol 1e-12)', () => {
    const beta = 1000;
    const ref = beta - Math.log(2) + Math.log1p(-Math.exp(-2 * beta)) - Math.log(2 * beta * beta);
    const err = Math.abs(logUniformEnergy(beta, 3) - ref);
    expect(err, `abs err ${err} vs tol 1e-12`).toBeLessThan(1e-12);
    const l = logUniformEnergy(10, 512);
    expect(Number.isFinite(l)).toBe(true);
    expect(l).toBeLessThan(10 - Math.log(20));
    expect(() => uniformEnergy(1000, 3)).toThrow(/logUniformEnergy/);
  });

  it('maxEnergy(beta) is attained by coincident tokens and refuses beta <= 0; uniformEnergy refuses d < 2', () => {
    const X = mat(4, 3);
    for (let i = 0; i < 4; i++) X.data[i * 3 + 2] = 1;
    expect(energy(X, { beta: 2 })).toBeCloseTo(maxEnergy(2), 14);
    expect(() => maxEnergy(0)).toThrow(/beta/);
    expect(() => uniformEnergy(1, 1)).toThrow(/\bd\b/);
    expect(() => uniformEnergy(-1, 3)).toThrow(/beta/);
  });
});
