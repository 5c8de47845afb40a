import { describe, expect, it } from 'vitest';
import { largeBetaCriterion, largeBetaThreshold, tauStar } from '../../src/analysis/tauStar.ts';

/** Bisection on h(tau) = (d-1) cos tau - beta sin^2 tau, decreasing on [0, pi/2]. */
function rootByBisection(beta: number, d: number): number {
  let lo = 0, hi = Math.PI / 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if ((d - 1) * Math.cos(mid) - beta * Math.sin(mid) ** 2 > 0) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

describe('tauStar', () => {
  it('the closed form arccos(c) agrees with a bisection root of beta sin^2 tau = (d-1) cos tau (abs tol 1e-14)', () => {
    for (const d of [2, 3, 8]) {
      for (const beta of [1e-6, 0.3, 1, 4, 25, 1e4]) {
        const err = Math.abs(tauStar(beta, d) - rootByBisection(beta, d));
        expect(err, `d=${d} beta=${beta}: err ${err} vs tol 1e-14`).toBeLessThan(1e-14);
      }
    }
    expect(tauStar(0)).toBe(Math.PI / 2);
  });

  it('g(tau) = (cos tau - beta sin^2 tau) e^{beta cos tau} changes sign at tau* (Fig. 6, d = 2)', () => {
    for (const beta of [2, 6]) {
      const t = tauStar(beta);
      const g = (x: number) => (Math.cos(x) - beta * Math.sin(x) ** 2) * Math.exp(beta * Math.cos(x));
      expect(g(t - 1e-6)).toBeGreaterThan(0);
      expect(g(t + 1e-6)).toBeLessThan(0);
    }
  });

  it('tau*_beta = sqrt((d-1)/beta)(1 + o(1)) as beta -> infinity (rel tol 1e-3 at beta = 1e6)', () => {
    for (const d of [2, 5]) {
      const err = Math.abs(tauStar(1e6, d) / Math.sqrt((d - 1) / 1e6) - 1);
      expect(err, `d=${d}: rel err ${err} vs tol 1e-3`).toBeLessThan(1e-3);
    }
  });

  it('the smallest beta with (n-1) tau* < pi/2 reproduces erratum E3: 1.414, 6.311, 32.67 for n = 3, 5, 10 (rel tol 1e-3)', () => {
    // The closed form gives 1.41421, 6.30864, 32.6596; the printed 6.311 and 32.67 sit 4e-4 above (see report).
    for (const [n, ref] of [[3, 1.414], [5, 6.311], [10, 32.67]]) {
      const b = largeBetaThreshold(n);
      const err = Math.abs(b / ref - 1);
      expect(err, `n=${n}: threshold ${b} vs ${ref}, rel err ${err} vs tol 1e-3`).toBeLessThan(1e-3);
      expect(largeBetaCriterion(n, b * (1 + 1e-9))).toBe(true);
      expect(largeBetaCriterion(n, b * (1 - 1e-9))).toBe(false);
      // E3: about 4(n-1)^2/pi^2 for large n, not n^2/pi^2
      expect(b).toBeGreaterThan((n * n) / Math.PI ** 2);
    }
    expect(largeBetaThreshold(2)).toBe(0);
  });

  it('rejects negative beta, d < 2 and n < 2, naming the field', () => {
    expect(() => tauStar(-1)).toThrow(/beta/);
    expect(() => tauStar(1, 1)).toThrow(/\bd\b/);
    expect(() => largeBetaCriterion(1, 1)).toThrow(/\bn\b/);
  });
});
