import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { AttnflowError } from '../../src/errors.ts';
import { expm } from '../../src/linalg/expm.ts';
import { fromRows, identity, mat, matmul, maxAbsDiff, scaledIdentity } from '../../src/linalg/mat.ts';
import { ginibre, symmetric } from '../../src/random/matrices.ts';
import { Rng } from '../../src/random/rng.ts';

/** Scaled 1-norm of a matrix, the scale for relative comparisons. */
function maxAbs(m: { data: Float64Array }): number {
  let s = 0;
  for (const v of m.data) s = Math.max(s, Math.abs(v));
  return s;
}

describe('expm', () => {
  it('e^{0} is exactly the identity, for every d', () => {
    for (const d of [1, 2, 5, 17]) {
      const E = expm(mat(d, d));
      expect(maxAbsDiff(E, identity(d))).toBe(0);
    }
  });

  it('e^{tD} of a diagonal D is diag(e^{t D_kk}) to 2e-15 max(1, |tD|) relative, across every Padé degree', () => {
    // Scaling and squaring has backward error about u |tD| (Higham 2005), hence the norm-proportional tolerance.
    // Norms from 1e-3 (degree 3) to 40 (degree 13 with squaring).
    for (const t of [1e-3, 0.1, 0.5, 1, 2, 5, 40]) {
      const diag = [1, -0.5, 0.25, -1];
      const D = fromRows(diag.map((v, i) => diag.map((_, j) => (i === j ? v : 0))));
      const E = expm(D, t);
      const tol = 2e-15 * Math.max(1, t);
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          const want = i === j ? Math.exp(t * diag[i]) : 0;
          const err = Math.abs(E.data[i * 4 + j] - want) / Math.max(1, Math.abs(want));
          expect(err, `t=${t} (${i},${j}): err ${err} vs tol ${tol}`).toBeLessThan(tol);
        }
      }
    }
  });

  it('e^{t J} with J the 2x2 skew generator is the rotation by angle t, to 1e-14', () => {
    const tol = 1e-14;
    const J = fromRows([[0, -1], [1, 0]]);
    for (const t of [0.01, 0.3, 1, Math.PI / 2, Math.PI, 3, 10]) {
      const E = expm(J, t);
      const R = fromRows([[Math.cos(t), -Math.sin(t)], [Math.sin(t), Math.cos(t)]]);
      const err = maxAbsDiff(E, R);
      expect(err, `t=${t}: err ${err} vs tol ${tol}`).toBeLessThan(tol);
    }
  });

  it('e^{A} e^{-A} = I to 1e-13 for Ginibre A with d up to 64', () => {
    const rng = new Rng(11);
    const tol = 1e-13;
    for (const d of [1, 2, 3, 8, 20, 64]) {
      const A = ginibre(d, d, rng);
      for (let k = 0; k < A.data.length; k++) A.data[k] /= Math.sqrt(d); // spectral radius about 1
      const err = maxAbsDiff(matmul(expm(A), expm(A, -1)), identity(d));
      expect(err, `d=${d}: err ${err} vs tol ${tol}`).toBeLessThan(tol);
    }
  });

  it('e^{S} of a symmetric S equals U diag(e^{lambda}) U^T from ml-matrix eigen-decomposition, to 1e-13 relative', () => {
    const rng = new Rng(12);
    const tol = 1e-13;
    for (const [d, t] of [[2, 1], [5, 0.7], [10, 3], [32, 1.5], [64, 0.2]] as const) {
      const S = symmetric(d, rng);
      const E = expm(S, t);
      const eig = new EigenvalueDecomposition(new Matrix(Array.from({ length: d }, (_, i) => Array.from(S.data.subarray(i * d, (i + 1) * d)))), { assumeSymmetric: true });
      const U = eig.eigenvectorMatrix;
      const lam = eig.realEigenvalues;
      const ref = U.mmul(Matrix.diag(lam.map((l) => Math.exp(t * l)))).mmul(U.transpose());
      const R = fromRows(ref.to2DArray());
      const err = maxAbsDiff(E, R) / maxAbs(R);
      expect(err, `d=${d} t=${t}: err ${err} vs tol ${tol}`).toBeLessThan(tol);
    }
  });

  it('e^{tI} = e^t I and e^{sA} e^{tA} = e^{(s+t)A} (one-parameter group), to 1e-13 relative', () => {
    const tol = 1e-13;
    const E = expm(identity(6), 2.5);
    expect(maxAbsDiff(E, scaledIdentity(6, Math.exp(2.5))) / Math.exp(2.5)).toBeLessThan(tol);
    const rng = new Rng(13);
    const A = ginibre(7, 7, rng);
    const lhs = matmul(expm(A, 0.8), expm(A, 1.7));
    const rhs = expm(A, 2.5);
    const err = maxAbsDiff(lhs, rhs) / maxAbs(rhs);
    expect(err, `err ${err} vs tol ${tol}`).toBeLessThan(tol);
  });

  it('rejects non-square, non-finite and overflowing input with an AttnflowError naming the field', () => {
    expect(() => expm(mat(2, 3))).toThrow(/^A:/);
    expect(() => expm(identity(2), NaN)).toThrow(/^t:/);
    expect(() => expm(fromRows([[1, 0], [0, 1]]), 1e6)).toThrow(AttnflowError);
    const bad = identity(2);
    bad.data[1] = Infinity;
    expect(() => expm(bad)).toThrow(/A\[0\]\[1\]/);
  });
});
