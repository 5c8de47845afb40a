import { describe, expect, it } from 'vitest';
import { attentionField, sphereRetraction } from '../../src/integrators/vectorField.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';
import { velocity } from '../../src/models/velocity.ts';
import { rowNorm } from '../../src/linalg/vec.ts';

describe('vector fields', () => {
  it('attentionField writes velocity(X) (eq. 2.3) into dy, bit for bit, for SA and USA with random Q, K, V', () => {
    const rng = new Rng(21);
    const n = 7, d = 3;
    const X = uniformSphere(n, d, rng);
    for (const model of ['sa', 'usa'] as const) {
      const params = { model, beta: 1.3, Q: ginibre(d, d, rng), K: ginibre(d, d, rng), V: ginibre(d, d, rng) };
      const dy = new Float64Array(n * d);
      attentionField(X, params)(0, X.data, dy);
      expect(Array.from(dy)).toEqual(Array.from(velocity(X, params).data));
    }
  });

  it('attentionField validates params once and rejects a state of the wrong length', () => {
    expect(() => attentionField({ rows: 2, cols: 3 }, { beta: -1 })).toThrow(/params\.beta/);
    expect(() => attentionField({ rows: 0, cols: 3 }, { beta: 1 })).toThrow(/shape\.rows/);
    const f = attentionField({ rows: 2, cols: 3 }, { beta: 1 });
    expect(() => f(0, new Float64Array(5), new Float64Array(5))).toThrow(/\by\b/);
  });

  it('sphereRetraction normalises every row to norm 1 within 1e-15 and leaves unit rows unchanged', () => {
    const y = Float64Array.of(3, 4, 0, 0.6, 0.8, 0, 0, 0, 2);
    sphereRetraction(3, 3)(y);
    for (let i = 0; i < 3; i++) expect(Math.abs(rowNorm(y, i, 3) - 1)).toBeLessThan(1e-15);
    expect(Array.from(y.subarray(3, 6))).toEqual([0.6, 0.8, 0]);
    expect(() => sphereRetraction(0, 3)).toThrow(/\bn\b/);
  });
});
