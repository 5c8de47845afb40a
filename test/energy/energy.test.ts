import { describe, expect, it } from 'vitest';
import { energy, energyBeta0, logEnergy, metricEnergy } from '../../src/energy/energy.ts';
import { AttnflowError } from '../../src/errors.ts';
import { fromRows, mat } from '../../src/linalg/mat.ts';
import { ginibre, symmetric } from '../../src/random/matrices.ts';
import { Rng } from '../../src/random/rng.ts';
import { orthogonalStart, uniformSphere } from '../../src/random/sphere.ts';

function naiveEnergy(X: { rows: number; cols: number; data: Float64Array }, beta: number, B: Float64Array | null): number {
  const n = X.rows, d = X.cols, x = X.data;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let q = 0;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) q += x[i * d + a] * (B ? B[a * d + b] : a === b ? 1 : 0) * x[j * d + b];
    s += Math.exp(beta * q);
  }
  return s / (2 * beta * n * n);
}

describe('energy', () => {
  it('energy(X) equals the double sum (1/(2 beta n^2)) sum exp(beta <Q x_i, K x_j>) for random Q, K (rel tol 1e-13)', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + rng.int(7), d = 1 + rng.int(5), beta = 0.1 + 3 * rng.uniform();
      const X = uniformSphere(n, d, rng);
      const Q = ginibre(d, d, rng), K = ginibre(d, d, rng);
      // B = Q^T K
      const B = new Float64Array(d * d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) for (let r = 0; r < d; r++) B[a * d + b] += Q.data[r * d + a] * K.data[r * d + b];
      const ref = naiveEnergy(X, beta, B);
      const err = Math.abs(energy(X, { beta, Q, K }) - ref) / ref;
      expect(err, `rel err ${err} vs tol 1e-13`).toBeLessThan(1e-13);
    }
  });

  it('coincident tokens have the maximal energy e^beta/(2 beta) (Prop 3.4)', () => {
    const X = fromRows([[0, 1, 0], [0, 1, 0], [0, 1, 0]]);
    for (const beta of [0.01, 1, 7.5, 300]) {
      const err = Math.abs(energy(X, { beta }) / (Math.exp(beta) / (2 * beta)) - 1);
      expect(err, `beta ${beta}: rel err ${err} vs tol 1e-14`).toBeLessThan(1e-14);
    }
  });

  it('logEnergy stays finite and exact where the energy exceeds float64, and energy then throws not-finite', () => {
    const X = fromRows([[1, 0], [1, 0]]);
    const beta = 1000;
    const err = Math.abs(logEnergy(X, { beta }) - (beta - Math.log(2 * beta)));
    expect(err, `abs err ${err} vs tol 1e-12`).toBeLessThan(1e-12);
    try {
      energy(X, { beta });
      expect.unreachable('energy should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(AttnflowError);
      expect((e as AttnflowError).kind).toBe('not-finite');
      expect((e as Error).message).toMatch(/logEnergy/);
    }
  });

  it('beta = 0 is refused by energy with a pointer to energyBeta0, and E_beta - 1/(2 beta) -> E_0/(2n) (Appendix A)', () => {
    const rng = new Rng(3);
    const X = uniformSphere(5, 3, rng);
    expect(() => energy(X, { beta: 0 })).toThrow(/params\.beta.*energyBeta0/s);
    const beta = 1e-4;
    const limit = energyBeta0(X) / (2 * X.rows);
    const err = Math.abs(energy(X, { beta }) - 1 / (2 * beta) - limit);
    // The next term is (beta/(4 n^2)) sum <x_i,x_j>^2 <= beta/4.
    expect(err, `err ${err} vs tol ${beta / 4 + 1e-9}`).toBeLessThan(beta / 4 + 1e-9);
  });

  it('energyBeta0(X) = |sum x_i|^2 / n: 1 for an orthonormal start, n for coincident tokens, 0 for antipodes', () => {
    expect(energyBeta0(orthogonalStart(4, 6))).toBeCloseTo(1, 15);
    expect(energyBeta0(fromRows([[1, 0], [1, 0], [1, 0]]))).toBeCloseTo(3, 15);
    expect(energyBeta0(fromRows([[1, 0], [-1, 0]]))).toBe(0);
  });

  it('metricEnergy(X, beta, V) = (1/(2 beta)) sum exp(beta <V x_i, x_j>), without the 1/n^2 (§3.4.1)', () => {
    const rng = new Rng(5);
    const n = 6, d = 4, beta = 1.3;
    const X = uniformSphere(n, d, rng);
    const V = symmetric(d, rng);
    const ref = naiveEnergy(X, beta, V.data) * n * n;
    const err = Math.abs(metricEnergy(X, beta, V) - ref) / ref;
    expect(err, `rel err ${err} vs tol 1e-13`).toBeLessThan(1e-13);
  });

  it('rejects non-unit tokens, negative or non-finite beta and misshapen Q with an error naming the field', () => {
    const X = fromRows([[1, 0], [0, 1]]);
    expect(() => energy(fromRows([[2, 0]]), { beta: 1 })).toThrow(/X\[0\]/);
    expect(() => energy(X, { beta: -1 })).toThrow(/params\.beta/);
    expect(() => energy(X, { beta: Infinity })).toThrow(/params\.beta/);
    expect(() => energy(X, { beta: 1, Q: mat(2, 3) })).toThrow(/params\.Q/);
  });
});
