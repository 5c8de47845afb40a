import { describe, expect, it } from 'vitest';
import { diameter, minPairwiseInner } from '../../src/analysis/diameter.ts';
import { fromRows } from '../../src/linalg/mat.ts';
import { fromAngles, orthogonalStart } from '../../src/random/sphere.ts';

describe('diameter', () => {
  it('antipodal tokens have diameter 2 and minimum inner product -1', () => {
    const X = fromRows([[1, 0, 0], [0, 1, 0], [-1, 0, 0]]);
    expect(diameter(X)).toBe(2);
    expect(minPairwiseInner(X)).toBe(-1);
  });

  it('keeps its relative accuracy for nearly coincident tokens: angle 1e-10 gives diameter 1e-10 (rel tol 1e-6)', () => {
    const X = fromAngles([0.3, 0.3 + 1e-10, 0.3 + 0.5e-10]);
    const err = Math.abs(diameter(X) / 1e-10 - 1);
    expect(err, `rel err ${err} vs tol 1e-6`).toBeLessThan(1e-6);
  });

  it('an orthonormal start has diameter sqrt 2 and minimum inner product 0; a single token has diameter 0', () => {
    expect(diameter(orthogonalStart(3, 3))).toBeCloseTo(Math.SQRT2, 15);
    expect(minPairwiseInner(orthogonalStart(3, 3))).toBe(0);
    expect(diameter(fromRows([[0, 1]]))).toBe(0);
    expect(minPairwiseInner(fromRows([[0, 1]]))).toBe(1);
  });
});
