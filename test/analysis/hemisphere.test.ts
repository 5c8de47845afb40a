import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HemisphereResult } from '../../src/analysis/hemisphere.ts';
import { hemisphereCertificate, hemisphereStop } from '../../src/analysis/hemisphere.ts';
import type { Tokens } from '../../src/linalg/mat.ts';
import { fromRows, mat } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';

/** Checks the certificate itself, whatever the answer: a unit w with the stated positive margin, or convex weights with small residual. */
function checkCertificate(X: Tokens, r: HemisphereResult, residualTol = 1e-10): void {
  const n = X.rows, d = X.cols;
  if (r.inHemisphere) {
    let w2 = 0;
    for (const v of r.w) w2 += v * v;
    expect(Math.abs(w2 - 1), '|w| = 1').toBeLessThan(1e-14);
    let m = Infinity;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += X.data[i * d + k] * r.w[k];
      m = Math.min(m, s);
    }
    expect(Math.abs(m - r.margin), 'margin recomputed (tol 1e-15)').toBeLessThan(1e-15);
    expect(r.margin).toBeGreaterThan(0);
  } else {
    let tot = 0;
    for (const l of r.lambda) {
      expect(l).toBeGreaterThanOrEqual(0);
      tot += l;
    }
    expect(Math.abs(tot - 1), 'sum lambda = 1').toBeLessThan(1e-12);
    const p = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) p[k] += r.lambda[i] * X.data[i * d + k];
    const res = Math.hypot(...p);
    expect(res, `|sum lambda_i x_i| = ${res} vs tol ${residualTol}`).toBeLessThan(residualTol);
  }
}

function unitRows(rows: number[][]): Tokens {
  return fromRows(rows.map((r) => {
    const s = Math.hypot(...r);
    return r.map((v) => v / s);
  }));
}

describe('hemisphereCertificate', () => {
  it('points inside a hemisphere get a unit w with positive margin', () => {
    const rng = new Rng(1);
    const X = mat(20, 4);
    for (let i = 0; i < 20; i++) {
      let s = 0;
      for (let k = 0; k < 4; k++) { X.data[i * 4 + k] = rng.normal(); s += X.data[i * 4 + k] ** 2; }
      X.data[i * 4 + 3] = Math.abs(X.data[i * 4 + 3]) + 0.05; // upper half-space
      s = Math.hypot(...X.data.subarray(i * 4, i * 4 + 4));
      for (let k = 0; k < 4; k++) X.data[i * 4 + k] /= s;
    }
    const r = hemisphereCertificate(X);
    expect(r.inHemisphere).toBe(true);
    checkCertificate(X, r);
  });

  it('exact antipodes lie in no open hemisphere: lambda = (1/2, 1/2), residual 0', () => {
    const X = fromRows([[0, 0, 1], [0, 0, -1]]);
    const r = hemisphereCertificate(X);
    expect(r.inHemisphere).toBe(false);
    if (!r.inHemisphere) {
      expect(Array.from(r.lambda)).toEqual([0.5, 0.5]);
      expect(r.residual).toBe(0);
    }
  });

  it('a regular polygon on a great circle of S^2 lies in no open hemisphere (residual < 1e-14)', () => {
    for (const n of [3, 4, 7, 12, 101]) {
      const rows = Array.from({ length: n }, (_, i) => [Math.cos((2 * Math.PI * i) / n), 0, Math.sin((2 * Math.PI * i) / n)]);
      const X = fromRows(rows);
      const r = hemisphereCertificate(X);
      expect(r.inHemisphere, `n = ${n}`).toBe(false);
      checkCertificate(X, r, 1e-14);
    }
  });

  it('random points with n <= d lie in an open hemisphere (Thm 6.3: almost surely)', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 30; trial++) {
      const d = 2 + rng.int(30), n = 1 + rng.int(d);
      const X = uniformSphere(n, d, rng);
      const r = hemisphereCertificate(X);
      expect(r.inHemisphere, `n = ${n}, d = ${d}`).toBe(true);
      checkCertificate(X, r);
    }
  });

  it('near-boundary cases: a polygon lifted by eps is in a hemisphere with largest margin eps; adding the south pole breaks it', () => {
    for (const eps of [1e-3, 1e-6, 1e-9]) {
      const n = 9, c = Math.sqrt(1 - eps * eps);
      const rows = Array.from({ length: n }, (_, i) => [c * Math.cos((2 * Math.PI * i) / n), c * Math.sin((2 * Math.PI * i) / n), eps]);
      const X = fromRows(rows);
      checkCertificate(X, hemisphereCertificate(X));
      const r = hemisphereCertificate(X, { maximizeMargin: true });
      expect(r.inHemisphere, `eps = ${eps}`).toBe(true);
      checkCertificate(X, r);
      if (r.inHemisphere) {
        const err = Math.abs(r.margin / eps - 1);
        expect(err, `eps ${eps}: margin ${r.margin}, rel err ${err} vs tol 1e-6 (the optimal margin is eps)`).toBeLessThan(1e-6);
      }
      const Y = fromRows([...rows, [0, 0, -1]]);
      const s = hemisphereCertificate(Y);
      expect(s.inHemisphere, `eps = ${eps} with the south pole`).toBe(false);
      checkCertificate(Y, s, 1e-12);
    }
  });

  it('matches Wendel\'s probability (Thm 6.7) for n = 6, d = 3: P = 1/2, over 2000 draws within 4 standard errors', () => {
    const rng = new Rng(67);
    const N = 2000;
    let hits = 0;
    for (let t = 0; t < N; t++) if (hemisphereCertificate(uniformSphere(6, 3, rng)).inHemisphere) hits++;
    const p = hits / N, se = Math.sqrt(0.25 / N);
    expect(Math.abs(p - 0.5) / se, `fraction ${p}, |z| vs tol 4`).toBeLessThan(4);
  });

  it('every answer carries a valid certificate (fast-check over random configurations, fixed seed)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 1e9 }), (n, d, seed) => {
        const X = uniformSphere(n, d, new Rng(seed));
        checkCertificate(X, hemisphereCertificate(X));
      }),
      { seed: 2024, numRuns: 300 },
    );
  });

  it('handles n = 300 points in d = 100 (no hemisphere, since n >> d) with a certificate', () => {
    const X = uniformSphere(300, 100, new Rng(5));
    const r = hemisphereCertificate(X);
    expect(r.inHemisphere).toBe(false);
    checkCertificate(X, r, 1e-10);
  });

  it('normalises non-unit tokens, and refuses zero tokens and a negative tol naming the field', () => {
    const r = hemisphereCertificate(fromRows([[3, 0], [0, 0.5]]));
    expect(r.inHemisphere).toBe(true);
    expect(() => hemisphereCertificate(fromRows([[0, 0], [1, 0]]))).toThrow(/X\[0\]/);
    expect(() => hemisphereCertificate(unitRows([[1, 0]]), { tol: -1 })).toThrow(/options\.tol/);
  });
});

describe('hemisphereStop', () => {
  it('is a StopCondition named "hemisphere" that fires exactly when a certificate exists', () => {
    const stop = hemisphereStop();
    expect(stop.name).toBe('hemisphere');
    expect(stop.test(0, fromRows([[1, 0], [0, 1]]))).toBe(true);
    expect(stop.test(1.5, fromRows([[1, 0], [-1, 0]]))).toBe(false);
  });
});
