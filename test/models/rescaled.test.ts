import { describe, expect, it } from 'vitest';
import { expm } from '../../src/linalg/expm.ts';
import type { Mat } from '../../src/linalg/mat.ts';
import { fromRows, mat, maxAbsDiff } from '../../src/linalg/mat.ts';
import type { AttentionParams } from '../../src/models/params.ts';
import { attentionWeights } from '../../src/models/attentionWeights.ts';
import { pureVelocity } from '../../src/models/pureAttention.ts';
import { rescaledAttentionWeights, rescaledVelocity, rescaledVelocityAutonomous } from '../../src/models/rescaled.ts';
import { applyRows } from '../../src/models/scores.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { Rng } from '../../src/random/rng.ts';

/** Rows M y_i of Y. */
function rows(Y: Mat, M: Mat): Mat {
  return mat(Y.rows, Y.cols, Float64Array.from(applyRows(Y, M).data));
}

function maxAbs(a: Float64Array): number {
  let s = 0;
  for (const v of a) s = Math.max(s, Math.abs(v));
  return s;
}

/** Ginibre scaled by 1/sqrt(d), so that the operator norm is O(1). */
function unitGinibre(r: number, c: number, rng: Rng): Mat {
  const g = ginibre(r, c, rng);
  for (let k = 0; k < g.data.length; k++) g.data[k] /= Math.sqrt(c);
  return g;
}

/** Classical RK4 for an autonomous or time-dependent field on n x d states (test-local reference). */
function rk4(f: (t: number, Y: Mat) => Mat, Y0: Mat, T: number, steps: number): Mat {
  const h = T / steps;
  let Y = Y0;
  const axpy = (A: Mat, B: Mat, s: number) => mat(A.rows, A.cols, A.data.map((a, q) => a + s * B.data[q]));
  for (let s = 0; s < steps; s++) {
    const t = s * h;
    const k1 = f(t, Y), k2 = f(t + h / 2, axpy(Y, k1, h / 2)), k3 = f(t + h / 2, axpy(Y, k2, h / 2)), k4 = f(t + h, axpy(Y, k3, h));
    Y = mat(Y.rows, Y.cols, Y.data.map((y, q) => y + (h / 6) * (k1.data[q] + 2 * k2.data[q] + 2 * k3.data[q] + k4.data[q])));
  }
  return Y;
}

describe('rescaled pure attention (eqs. 9.2-9.4)', () => {
  it('z = e^{-tV} x turns the (9.1) velocity into the (9.3) velocity: -V z + e^{-tV} x\' = rescaledVelocity(t, z), to 1e-12 relative', () => {
    const rng = new Rng(41);
    const tol = 1e-12;
    let worst = 0;
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + rng.int(7), d = 1 + rng.int(6), k = 1 + rng.int(4);
      const X = unitGinibre(n, d, rng);
      for (let q = 0; q < X.data.length; q++) X.data[q] *= 3; // tokens of norm about 3: no sphere
      const params: AttentionParams = { beta: 2 * rng.uniform(), Q: unitGinibre(k, d, rng), K: unitGinibre(k, d, rng), V: unitGinibre(d, d, rng) };
      const V = params.V as Mat;
      const t = 2 * rng.uniform();
      const Einv = expm(V, -t);
      const Z = rows(X, Einv);
      const xdot = pureVelocity(X, params);
      const vz = rows(Z, V), ex = rows(xdot, Einv);
      const want = mat(n, d, vz.data.map((v, q) => ex.data[q] - v));
      const got = rescaledVelocity(t, Z, params);
      const err = maxAbsDiff(got, want) / Math.max(1e-300, maxAbs(want.data), maxAbs(vz.data));
      worst = Math.max(worst, err);
      expect(err, `trial ${trial} (n=${n}, d=${d}, t=${t}): err ${err} vs tol ${tol}`).toBeLessThan(tol);
    }
    expect(worst).toBeLessThan(tol);
  });

  it('the attention matrix of z under (9.3) equals that of x = e^{tV} z (eq. 2.5), to 1e-13', () => {
    const rng = new Rng(42);
    const tol = 1e-13;
    for (let trial = 0; trial < 10; trial++) {
      const n = 2 + rng.int(6), d = 1 + rng.int(5);
      const X = unitGinibre(n, d, rng);
      const params = { beta: 3 * rng.uniform(), Q: unitGinibre(d, d, rng), K: unitGinibre(d, d, rng), V: unitGinibre(d, d, rng) };
      const t = 3 * rng.uniform();
      const Z = rows(X, expm(params.V, -t));
      const err = maxAbsDiff(rescaledAttentionWeights(t, Z, params), attentionWeights(X, params));
      expect(err, `trial ${trial}: err ${err} vs tol ${tol}`).toBeLessThan(tol);
    }
  });

  it('along RK4 trajectories, z(T) from (9.3) equals e^{-TV} x(T) from (9.1), to 1e-9 relative', () => {
    const rng = new Rng(43);
    const tol = 1e-9;
    const n = 5, d = 3, T = 1.5, steps = 600;
    const X0 = unitGinibre(n, d, rng);
    const params = { beta: 1.5, Q: unitGinibre(d, d, rng), K: unitGinibre(d, d, rng), V: unitGinibre(d, d, rng) };
    const XT = rk4((_t, X) => pureVelocity(X, params, { validate: false }), X0, T, steps);
    const ZT = rk4((t, Z) => rescaledVelocity(t, Z, params, { validate: false }), X0, T, steps);
    const want = rows(XT, expm(params.V, -T));
    const err = maxAbsDiff(ZT, want) / maxAbs(want.data);
    expect(err, `err ${err} vs tol ${tol}`).toBeLessThan(tol);
  });

  it('at t = 0 (9.3) coincides with (9.4), and for V = Q = K = I, z_i + z_i\' = sum_j A_ij z_j stays in the tokens\' bounding box', () => {
    const rng = new Rng(44);
    const Z = unitGinibre(6, 3, rng);
    const params = { beta: 2, V: unitGinibre(3, 3, rng) };
    expect(maxAbsDiff(rescaledVelocity(0, Z, params), rescaledVelocityAutonomous(Z, params))).toBe(0);
    // Table 1, V = I: z_i + z_i' is a convex combination of the z_j, so it lies in their hull (checked coordinate-wise).
    const v = rescaledVelocityAutonomous(Z, { beta: 2 });
    for (let i = 0; i < 6; i++) {
      for (let k = 0; k < 3; k++) {
        let lo = Infinity, hi = -Infinity;
        for (let j = 0; j < 6; j++) { lo = Math.min(lo, Z.data[j * 3 + k]); hi = Math.max(hi, Z.data[j * 3 + k]); }
        const target = Z.data[i * 3 + k] + v.data[i * 3 + k];
        expect(target).toBeGreaterThanOrEqual(lo - 1e-15);
        expect(target).toBeLessThanOrEqual(hi + 1e-15);
      }
    }
  });

  it('rejects the USA model, non-finite t and bad shapes with an error naming the field', () => {
    const Z = fromRows([[1, 2], [3, 4]]);
    expect(() => rescaledVelocity(0.5, Z, { beta: 1, model: 'usa' })).toThrow(/params\.model/);
    expect(() => rescaledVelocity(NaN, Z, { beta: 1 })).toThrow(/^t:/);
    expect(() => rescaledVelocityAutonomous(Z, { beta: 1, V: fromRows([[1]]) })).toThrow(/params\.V/);
    expect(() => rescaledVelocityAutonomous(mat(1, 2, Float64Array.from([Infinity, 0])), { beta: 1 })).toThrow(/Z\[0\]\[0\]/);
  });
});
