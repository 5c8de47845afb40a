import { describe, expect, it } from 'vitest';
import type { Mat } from '../../src/linalg/mat.ts';
import { fromRows, mat } from '../../src/linalg/mat.ts';
import { argmaxSets, hardmaxVelocity } from '../../src/models/hardmax.ts';
import { rescaledVelocityAutonomous } from '../../src/models/rescaled.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { Rng } from '../../src/random/rng.ts';

/** Example 9.3's start with z_3 = (0, s). */
function example93(s = 0): Mat {
  return fromRows([[1, 1], [-1, 1], [0, s]]);
}

function maxAbsDiffData(a: Float64Array, b: Float64Array): number {
  let e = 0;
  for (let q = 0; q < a.length; q++) e = Math.max(e, Math.abs(a[q] - b[q]));
  return e;
}

describe('hardmax dynamics (eqs. 9.5-9.6)', () => {
  it('Example 9.3 start: z_1 and z_2 attend only to themselves and have zero velocity', () => {
    const C = argmaxSets(example93());
    expect(C[0]).toEqual([0]);
    expect(C[1]).toEqual([1]);
    const v = hardmaxVelocity(example93());
    expect(Array.from(v.data.subarray(0, 4))).toEqual([0, 0, 0, 0]);
  });

  it('Example 9.3 start: z_3 = 0 scores 0 against every token, itself included, so C_3 = {1, 2, 3} and z_3\' = (z_1 + z_2 + z_3)/3 - z_3 = (0, 2/3)', () => {
    expect(argmaxSets(example93())[2]).toEqual([0, 1, 2]);
    const v = hardmaxVelocity(example93());
    expect(v.data[4]).toBe(0);
    expect(v.data[5]).toBeCloseTo(2 / 3, 15);
  });

  it('just above the start, z_3 = (0, s) with 0 < s < 1: C_3 = {1, 2} and z_3\' = (z_1 + z_2)/2 - z_3 = (0, 1 - s), the midpoint branch', () => {
    for (const s of [1e-9, 0.1, 0.5, 0.9]) {
      expect(argmaxSets(example93(s))[2], `s=${s}`).toEqual([0, 1]);
      const v = hardmaxVelocity(example93(s));
      expect(v.data[4]).toBe(0);
      expect(Math.abs(v.data[5] - (1 - s)), `s=${s}`).toBeLessThan(1e-15);
    }
  });

  it('the finite-beta field (9.4) converges to the hardmax field (9.5) as beta = 10, 100, 1000, at and just above the Example 9.3 start', () => {
    for (const s of [0, 0.5]) {
      const Z = example93(s);
      const H = hardmaxVelocity(Z);
      const errs = [10, 100, 1000].map((beta) => maxAbsDiffData(rescaledVelocityAutonomous(Z, { beta }).data, H.data));
      // The gap is e^{-beta gamma} with gamma the score gap (2 at s = 0 for z_1, z_2; s - s^2 = 1/4 at s = 0.5 for z_3).
      expect(errs[0], `s=${s} errors ${errs}`).toBeLessThan(0.03);
      expect(errs[1], `s=${s} errors ${errs}`).toBeLessThan(errs[0]);
      expect(errs[2], `s=${s} errors ${errs}`).toBeLessThan(errs[1]);
      expect(errs[2], `s=${s} errors ${errs}`).toBeLessThan(1e-15);
    }
  });

  it('the beta -> infinity solutions of (9.4) from the Example 9.3 start select the midpoint branch z_3(t) = (0, 1 - e^{-t}) (RK4 to T = 2)', () => {
    const T = 2, steps = 2000, h = T / steps;
    const axpy = (A: Mat, B: Mat, c: number) => mat(A.rows, A.cols, A.data.map((a, q) => a + c * B.data[q]));
    const errs: number[] = [];
    for (const beta of [10, 100, 1000]) {
      const f = (Z: Mat) => rescaledVelocityAutonomous(Z, { beta }, { validate: false });
      let Z = example93();
      for (let k = 0; k < steps; k++) {
        const k1 = f(Z), k2 = f(axpy(Z, k1, h / 2)), k3 = f(axpy(Z, k2, h / 2)), k4 = f(axpy(Z, k3, h));
        Z = mat(3, 2, Z.data.map((z, q) => z + (h / 6) * (k1.data[q] + 2 * k2.data[q] + 2 * k3.data[q] + k4.data[q])));
      }
      const want = [1, 1, -1, 1, 0, 1 - Math.exp(-T)];
      errs.push(maxAbsDiffData(Z.data, Float64Array.from(want)));
      expect(Z.data[4], `beta=${beta}: z_3 stays on the symmetry axis`).toBe(0);
    }
    // The branch is entered after a delay of order 1/beta while z_3 still weighs itself, hence an O(1/beta) gap.
    expect(errs[1], `errors ${errs}`).toBeLessThan(errs[0]);
    expect(errs[2], `errors ${errs}`).toBeLessThan(errs[1]);
    expect(errs[2], `errors ${errs}`).toBeLessThan(5e-3);
  });

  it('with general Q, K, V the hardmax field is the average of V (z_j - z_i) over the arg-max set', () => {
    const rng = new Rng(51);
    for (let trial = 0; trial < 10; trial++) {
      const n = 1 + rng.int(6), d = 1 + rng.int(4);
      const Z = ginibre(n, d, rng), Q = ginibre(d, d, rng), K = ginibre(d, d, rng), V = ginibre(d, d, rng);
      const C = argmaxSets(Z, { Q, K });
      const v = hardmaxVelocity(Z, { Q, K, V });
      for (let i = 0; i < n; i++) {
        expect(C[i].length).toBeGreaterThan(0);
        for (let r = 0; r < d; r++) {
          let want = 0;
          for (const j of C[i]) for (let c = 0; c < d; c++) want += V.data[r * d + c] * (Z.data[j * d + c] - Z.data[i * d + c]);
          want /= C[i].length;
          const err = Math.abs(v.data[i * d + r] - want);
          expect(err, `trial ${trial} (${i},${r}): err ${err} vs tol 1e-13`).toBeLessThan(1e-13);
        }
      }
    }
  });

  it('the tie tolerance is relative: scores equal up to rounding tie at the default, and tol = 0 keeps exact maxima only', () => {
    // z_3 = (1/8, 1/8): <z_3, z_1> = 0.3/8 but <z_3, z_2> = (0.1 + 0.2)/8 rounds one ulp higher; <z_3, z_3> = 1/32 is lower.
    const Z = fromRows([[0.3, 0], [0.1, 0.2], [0.125, 0.125]]);
    expect(argmaxSets(Z)[2]).toEqual([0, 1]);
    expect(argmaxSets(Z, { tol: 0 })[2]).toEqual([1]);
  });

  it('rejects negative tol and bad shapes with an error naming the field', () => {
    const Z = fromRows([[1, 0], [0, 1]]);
    expect(() => argmaxSets(Z, { tol: -1 })).toThrow(/params\.tol/);
    expect(() => hardmaxVelocity(Z, { V: fromRows([[1, 0, 0]]) })).toThrow(/params\.V/);
    expect(() => argmaxSets(mat(1, 1, Float64Array.from([NaN])))).toThrow(/Z\[0\]\[0\]/);
  });
});
