import { afterEach, describe, expect, it } from 'vitest';
import { attentionField } from '../../src/integrators/vectorField.ts';
import type { Mat } from '../../src/linalg/mat.ts';
import { identity, mat } from '../../src/linalg/mat.ts';
import { scaledDrift } from '../../src/models/attentionDrift.ts';
import type { AttentionParams } from '../../src/models/params.ts';
import { BILINEAR_MIN_DIM, clearProjectionPlans, makeProjectionPlan, projectionPlan } from '../../src/models/projectionPlan.ts';
import { velocity } from '../../src/models/velocity.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';

// The plan that fixes how eq. (2.3) gets its scores and values: the bilinear form B = K^T Q in place
// of two projections, the cache keyed by the caller's arrays and checked against their contents, and
// the snapshot an integrator's field takes.

const scaled = (m: Mat, s: number): Mat => mat(m.rows, m.cols, m.data.map((v) => v * s));

function general(d: number, rng: Rng, k = d): { Q: Mat; K: Mat; V: Mat } {
  const s = 1 / Math.sqrt(d);
  return { Q: scaled(ginibre(k, d, rng), s), K: scaled(ginibre(k, d, rng), s), V: scaled(ginibre(d, d, rng), s) };
}

/** The velocity of eq. (2.3) by plain loops: scores <Q x_i, K x_j>, stable softmax, values V x_j, projection. */
function loopVelocity(X: Mat, p: AttentionParams): Float64Array {
  const n = X.rows, d = X.cols;
  const apply = (M: Mat | null | undefined, i: number) => {
    const x = X.data.subarray(i * d, (i + 1) * d);
    if (!M) return Array.from(x);
    return Array.from({ length: M.rows }, (_, r) => { let s = 0; for (let c = 0; c < d; c++) s += M.data[r * d + c] * x[c]; return s; });
  };
  const q = Array.from({ length: n }, (_, i) => apply(p.Q, i)), k = Array.from({ length: n }, (_, i) => apply(p.K, i));
  const v = Array.from({ length: n }, (_, i) => apply(p.V, i));
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const s = k.map((kj) => p.beta * kj.reduce((a, kjc, c) => a + q[i][c] * kjc, 0));
    const m = Math.max(...s);
    const w = s.map((x) => Math.exp(x - m));
    const z = w.reduce((a, b) => a + b, 0);
    const a = Array.from({ length: d }, (_, c) => w.reduce((acc, wj, j) => acc + wj * v[j][c], 0) / z);
    const xa = a.reduce((acc, ac, c) => acc + ac * X.data[i * d + c], 0);
    for (let c = 0; c < d; c++) out[i * d + c] = a[c] - xa * X.data[i * d + c];
  }
  return out;
}

function maxRelative(got: Float64Array, want: Float64Array): number {
  let scale = 0, err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    err = Math.max(err, Math.abs(got[i] - want[i]));
  }
  return err / scale;
}

describe('projectionPlan', () => {
  afterEach(() => clearProjectionPlans());

  it('plans distinct square Q and K as B = K^T Q, and the velocity through it agrees with the loop-by-loop (2.3) to 1e-12 relative', () => {
    const rng = new Rng(81);
    for (const [n, d] of [[5, 16], [16, 64], [40, 130]]) {
      const X = uniformSphere(n, d, rng);
      const params = { beta: 1, ...general(d, rng) };
      const plan = projectionPlan(params);
      expect(plan.bilinear, `${n} x ${d}`).not.toBeNull();
      expect(plan.bilinearBetaMax).toBeGreaterThanOrEqual(1);
      const tol = 1e-12;
      const err = maxRelative(velocity(X, params).data, loopVelocity(X, params));
      expect(err, `${n} x ${d}: relative error ${err.toExponential(2)} against ${tol}`).toBeLessThanOrEqual(tol);
    }
  });

  it('keeps the two projections where B cannot pay (k < d / 2, d < BILINEAR_MIN_DIM) or its rounding could show (beta above bilinearBetaMax)', () => {
    const rng = new Rng(82);
    const d = 24;
    expect(projectionPlan({ beta: 1, ...general(d, rng, 8) }).bilinear, 'k = 8, d = 24').toBeNull();
    expect(projectionPlan({ beta: 1, ...general(BILINEAR_MIN_DIM - 1, rng) }).bilinear, `d = ${BILINEAR_MIN_DIM - 1}`).toBeNull();
    const params = { beta: 1, ...general(d, rng) };
    const plan = projectionPlan(params);
    expect(plan.bilinear).not.toBeNull();
    const X = uniformSphere(12, d, rng);
    // Above bilinearBetaMax the drift is bitwise that of a plan without B; below it, not.
    const noB = { ...plan, bilinear: null };
    for (const [beta, same] of [[2 * plan.bilinearBetaMax, true], [0.5 * plan.bilinearBetaMax, false]] as const) {
      const p = { ...params, beta };
      const a = Array.from(scaledDrift(X, p, false, undefined, true, plan).U);
      const b = Array.from(scaledDrift(X, p, false, undefined, true, noB).U);
      if (same) expect(a, `beta ${beta}`).toEqual(b);
      else expect(a, `beta ${beta}`).not.toEqual(b);
    }
  });

  it('plans Q = K (the same matrix, or equal numbers in two arrays) as symmetric scores, and explicit identities as null', () => {
    const rng = new Rng(83);
    const { Q } = general(10, rng);
    expect(projectionPlan({ beta: 1, Q, K: Q }).symmetric).toBe(true);
    expect(projectionPlan({ beta: 1, Q, K: mat(10, 10, Q.data.slice()) }).symmetric).toBe(true);
    // The symmetric path found by value computes the same velocity as the loop-by-loop (2.3).
    const X = uniformSphere(7, 10, rng);
    const byValue = { beta: 3, Q, K: mat(10, 10, Q.data.slice()), V: general(10, rng).V };
    const err = maxRelative(velocity(X, byValue).data, loopVelocity(X, byValue));
    expect(err, `relative error ${err.toExponential(2)} against 1e-12`).toBeLessThanOrEqual(1e-12);
    const I = projectionPlan({ beta: 1, Q: identity(10), K: identity(10), V: identity(10) });
    expect([I.query, I.key, I.value, I.symmetric]).toEqual([null, null, null, true]);
  });

  it('serves a cached plan only while Q, K and V hold the numbers it was made from: a change in place is seen at the next call', () => {
    const rng = new Rng(84);
    const d = 70; // above the size where contents are compared through Buffer
    const X = uniformSphere(9, d, rng);
    for (const which of ['Q', 'K', 'V'] as const) {
      const params = { beta: 2, ...general(d, rng) };
      const before = velocity(X, params).data;
      expect(projectionPlan(params)).toBe(projectionPlan(params));
      params[which].data[3 * d + 5] += 0.5;
      const copy = { beta: 2, Q: mat(d, d, params.Q.data.slice()), K: mat(d, d, params.K.data.slice()), V: mat(d, d, params.V.data.slice()) };
      const after = velocity(X, params).data;
      expect(Array.from(after), `${which} changed in place`).toEqual(Array.from(velocity(X, copy).data));
      expect(Array.from(after)).not.toEqual(Array.from(before));
    }
  });

  it('keeps the plans of several parameter sets used in turn (the heads of a multi-head layer)', () => {
    const rng = new Rng(86);
    const heads = Array.from({ length: 5 }, () => ({ beta: 1, ...general(20, rng) }));
    const first = heads.map((h) => projectionPlan(h));
    for (let round = 0; round < 3; round++) heads.forEach((h, i) => expect(projectionPlan({ ...h, beta: 2 }), `round ${round}, head ${i}`).toBe(first[i]));
  });

  it('gives an integrator\'s field the matrices as they were when it was made', () => {
    const rng = new Rng(85);
    const d = 6, X = uniformSphere(5, d, rng);
    const params = { beta: 1.5, ...general(d, rng) };
    const frozen = { beta: 1.5, Q: mat(d, d, params.Q.data.slice()), K: mat(d, d, params.K.data.slice()), V: mat(d, d, params.V.data.slice()) };
    const field = attentionField(X, params);
    params.V.data.fill(0);
    const dy = new Float64Array(X.data.length);
    field(0, X.data, dy);
    expect(Array.from(dy)).toEqual(Array.from(velocity(X, frozen).data));
    expect(makeProjectionPlan(params).value!.data.every((v) => v === 0)).toBe(true);
  });
});
