import { describe, expect, it } from 'vitest';
import { hemisphereCertificate } from '../../src/analysis/hemisphere.ts';
import { exactHemisphereCertificate } from '../../src/certificates/exactHemisphere.ts';
import { hoeffdingSampleSize, wendelProbability } from '../../src/certificates/wendel.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';

const LONG = process.env.ATTNFLOW_LONG === '1';

describe('Wendel probability (Thm 6.7)', () => {
  it('is exact: (n = 6, d = 3) -> 1/2, (n = 4, d = 4) -> 1, (n = 5, d = 2) -> 5/16, and 1 whenever d >= n', () => {
    expect(wendelProbability(6, 3)).toMatchObject({ numerator: 16n, denominator: 32n, decimal: '0.5', value: 0.5 });
    expect(wendelProbability(4, 4).decimal).toBe('1');
    expect(wendelProbability(5, 2)).toMatchObject({ numerator: 5n, denominator: 16n, decimal: '0.3125' });
    expect(wendelProbability(3, 10).value).toBe(1);
    expect(wendelProbability(1, 1).value).toBe(1);
    // n = 2000, d = 2: 2000 / 2^1999, far below float64's normal range yet exact
    expect(wendelProbability(2000, 2).numerator).toBe(2000n);
    expect(() => wendelProbability(0, 2)).toThrow(/n/);
  });

  it('Hoeffding: N = ceil(ln(2 / delta) / (2 eps^2)), e.g. eps = 0.02, delta = 1e-6 -> 18 136', () => {
    expect(hoeffdingSampleSize(0.02, 1e-6)).toBe(Math.ceil(Math.log(2e6) / (2 * 0.0004)));
    expect(hoeffdingSampleSize(0.02, 1e-6)).toBe(18136);
  });

  // False-failure probability <= 1e-6 per cell by Hoeffding: |p_hat - p| >= eps has probability <= 2 e^{-2 N eps^2}.
  const cells: [number, number][] = [[6, 3], [5, 2], [8, 4]];
  it(`the float hemisphere detector's frequency is within eps of Wendel's formula (Hoeffding, false-failure <= 1e-6, eps = ${LONG ? 0.01 : 0.04})`, () => {
    const eps = LONG ? 0.01 : 0.04;
    const N = hoeffdingSampleSize(eps, 1e-6);
    for (const [n, d] of cells) {
      const rng = new Rng(1000 * n + d);
      let hits = 0;
      for (let s = 0; s < N; s++) if (hemisphereCertificate(uniformSphere(n, d, rng)).inHemisphere) hits++;
      const p = wendelProbability(n, d).value;
      const dev = Math.abs(hits / N - p);
      expect(dev, `n ${n} d ${d}: frequency ${hits / N} vs ${p}, N ${N}, tol ${eps}`).toBeLessThan(eps);
    }
  });

  it(`the exact solver's frequency is within eps of Wendel's formula too (n = 6, d = 3; eps = ${LONG ? 0.01 : 0.06})`, () => {
    const eps = LONG ? 0.01 : 0.06;
    const N = hoeffdingSampleSize(eps, 1e-6);
    const rng = new Rng(63);
    let hits = 0;
    for (let s = 0; s < N; s++) if (exactHemisphereCertificate(uniformSphere(6, 3, rng)).kind === 'hemisphere') hits++;
    const dev = Math.abs(hits / N - 0.5);
    expect(dev, `frequency ${hits / N} vs 0.5, N ${N}, tol ${eps}`).toBeLessThan(eps);
  });
});
