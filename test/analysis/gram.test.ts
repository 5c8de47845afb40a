import { describe, expect, it } from 'vitest';
import { gram } from '../../src/analysis/gram.ts';
import { Rng } from '../../src/random/rng.ts';
import { orthogonalStart, uniformSphere } from '../../src/random/sphere.ts';

describe('gram', () => {
  it('gram(X) is symmetric with G_ij = <x_i, x_j> and a unit diagonal for unit tokens (tol 1e-15)', () => {
    const rng = new Rng(1);
    const n = 7, d = 5;
    const X = uniformSphere(n, d, rng);
    const G = gram(X);
    expect(G.rows).toBe(n);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(G.data[i * n + i] - 1)).toBeLessThan(1e-15);
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += X.data[i * d + k] * X.data[j * d + k];
        expect(Math.abs(G.data[i * n + j] - s)).toBeLessThan(1e-15);
        expect(G.data[i * n + j]).toBe(G.data[j * n + i]);
      }
    }
  });

  it('the Gram matrix of an orthonormal start is the identity (Thm 6.8 at t = 0)', () => {
    const G = gram(orthogonalStart(4, 6));
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(G.data[i * 4 + j]).toBe(i === j ? 1 : 0);
  });
});
