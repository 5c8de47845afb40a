import { describe, expect, it } from 'vitest';
import { fromRows, mat } from '../../src/linalg/mat.ts';
import { pureVelocity } from '../../src/models/pureAttention.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { Rng } from '../../src/random/rng.ts';

describe('pureVelocity (eq. 9.1)', () => {
  it('matches the direct sum (1/Z_i) sum_j e^{beta <Q x_i, K x_j>} V x_j on non-unit tokens, to 1e-14 relative', () => {
    const rng = new Rng(31);
    const tol = 1e-14;
    for (let trial = 0; trial < 10; trial++) {
      const n = 1 + rng.int(6), d = 1 + rng.int(4);
      const X = ginibre(n, d, rng); // generic points of R^d, not on the sphere
      const Q = ginibre(d, d, rng), K = ginibre(d, d, rng), V = ginibre(d, d, rng);
      const beta = 0.5 * rng.uniform();
      const v = pureVelocity(X, { beta, Q, K, V });
      const row = (M: typeof Q, i: number) => Array.from({ length: d }, (_, r) => {
        let s = 0;
        for (let c = 0; c < d; c++) s += M.data[r * d + c] * X.data[i * d + c];
        return s;
      });
      for (let i = 0; i < n; i++) {
        const qi = row(Q, i);
        const w = Array.from({ length: n }, (_, j) => Math.exp(beta * row(K, j).reduce((s, kj, r) => s + kj * qi[r], 0)));
        const Z = w.reduce((a, b) => a + b, 0);
        for (let k = 0; k < d; k++) {
          let want = 0;
          for (let j = 0; j < n; j++) want += (w[j] / Z) * row(V, j)[k];
          const err = Math.abs(v.data[i * d + k] - want) / Math.max(1, Math.abs(want));
          expect(err, `trial ${trial} (${i},${k}): err ${err} vs tol ${tol}`).toBeLessThan(tol);
        }
      }
    }
  });

  it('with V = I and one token it returns the token itself (no projection), whatever its norm', () => {
    const X = fromRows([[3, -4]]);
    const v = pureVelocity(X, { beta: 2 });
    expect(Array.from(v.data)).toEqual([3, -4]);
  });

  it('large scores on far-from-unit tokens stay finite under SA (stable softmax)', () => {
    const X = fromRows([[100, 0], [0, 100], [70, 70]]);
    const v = pureVelocity(X, { beta: 10 });
    for (const x of v.data) expect(Number.isFinite(x)).toBe(true);
    // Row 0 attends to itself only (score 1e4 vs 7e3): its velocity is x_0.
    expect(v.data[0]).toBeCloseTo(100, 12);
  });

  it('rejects non-finite tokens and bad params with an error naming the field', () => {
    const X = mat(2, 2, Float64Array.from([1, NaN, 0, 2]));
    expect(() => pureVelocity(X, { beta: 1 })).toThrow(/X\[0\]\[1\]/);
    expect(() => pureVelocity(fromRows([[1, 2]]), { beta: -1 })).toThrow(/params\.beta/);
    expect(() => pureVelocity(fromRows([[1, 2]]), { beta: 1, V: fromRows([[1]]) })).toThrow(/params\.V/);
  });
});
