import { describe, expect, it } from 'vitest';
import { certifyOneCluster } from '../../src/certificates/certifyOneCluster.ts';
import { verifyCertificate } from '../../src/certificates/verifyCertificate.ts';
import { fromRows, identity } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { AttnflowError } from '../../src/errors.ts';

describe('certifyOneCluster', () => {
  it('tokens already in a hemisphere are certified at t = 0, rigorously, without integration', () => {
    const X = uniformSphere(3, 4, new Rng(1)); // n <= d: in a hemisphere almost surely (Thm 6.3)
    const v = certifyOneCluster(X, { beta: 1 });
    expect(v.certified).toBe(true);
    expect(v.steps).toBe(0);
    expect(v.errorBound).toBeNull();
    expect(v.rigour).toMatch(/^rigorous/);
    expect(verifyCertificate(X, v.certificate!).valid).toBe(true);
  });

  it('tokens spread around the circle (no hemisphere at t = 0) are certified later, with the margin above the integration error bound', () => {
    // Four tokens whose hull contains 0 (Gordan at t = 0), but not symmetric, so SA collapses them (Thm 4.3, d = 2, beta <= 1).
    const a = [0, 1.9, 3.3, 4.6];
    const X = fromRows(a.map((t) => [Math.cos(t), Math.sin(t)]));
    const v = certifyOneCluster(X, { beta: 1 }, { h: 0.25, maxTime: 20, precision: 30 }); // 30 digits keep the test fast; the bound allows 1e-25 per step for them
    expect(v.certified, v.reason).toBe(true);
    expect(v.steps).toBeGreaterThan(0);
    const loss = Number(v.errorBound!.marginLoss), margin = Number(v.certificate!.minMargin);
    expect(loss, `margin loss ${loss} vs min margin ${margin}`).toBeLessThan(margin);
    expect(Number(v.errorBound!.rounding), 'float-vs-50-digit distance below 1e-12').toBeLessThan(1e-12);
    expect(v.theorem).toMatch(/Lemma 6\.4/);
  });

  it('random Q, K with V = I (S10 needs only a_ij > 0), USA, d = 3: certified, hypotheses listed', () => {
    const rng = new Rng(5);
    const X = uniformSphere(6, 3, rng);
    const v = certifyOneCluster(X, { beta: 0.5, model: 'usa', Q: ginibre(3, 3, rng), K: ginibre(3, 3, rng), V: identity(3) }, { h: 0.1, maxTime: 20 });
    expect(v.certified, v.reason).toBe(true);
    expect(v.hypotheses.join(' ')).toMatch(/V = I/);
  });

  it('beta = 0 names Thm 4.1; a symmetric antipodal pair (an equilibrium) is never certified', () => {
    const X = fromRows([[1, 0], [-1, 0]]);
    const v = certifyOneCluster(X, { beta: 0 }, { h: 0.5, maxTime: 2 });
    expect(v.certified).toBe(false);
    expect(v.theorem).toMatch(/Thm 4\.1/);
    expect(v.reason).toMatch(/never held/);
  });

  it('refuses V != I and bad options with errors naming the field', () => {
    const X = uniformSphere(3, 2, new Rng(2));
    expect(() => certifyOneCluster(X, { beta: 1, V: fromRows([[1, 0], [0, 2]]) })).toThrow(/params\.V/);
    expect(() => certifyOneCluster(X, { beta: 1 }, { h: -1 })).toThrow(AttnflowError);
    expect(() => certifyOneCluster(X, { beta: 1 }, { safety: 0.5 })).toThrow(/safety/);
  });
});
