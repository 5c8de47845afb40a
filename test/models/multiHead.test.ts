import { describe, expect, it } from 'vitest';
import { AttnflowError } from '../../src/errors.ts';
import { fromRows, maxAbsDiff } from '../../src/linalg/mat.ts';
import { attentionDrift } from '../../src/models/attentionDrift.ts';
import { multiHeadVelocity } from '../../src/models/multiHead.ts';
import { velocity } from '../../src/models/velocity.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';

function maxAbs(a: Float64Array): number {
  let s = 0;
  for (const v of a) s = Math.max(s, Math.abs(v));
  return s;
}

describe('multiHeadVelocity (eq. 2.7)', () => {
  it('with one head it equals velocity (eq. 2.3) to 1e-14 of the drift, for SA and USA and general Q, K, V', () => {
    // Not bitwise: velocity projects inside the WebAssembly kernel, the multi-head sum in TypeScript;
    // both round y - <x, y> x at the scale of the un-projected drift y.
    const rng = new Rng(21);
    const tol = 1e-14;
    for (let trial = 0; trial < 10; trial++) {
      const n = 1 + rng.int(7), d = 1 + rng.int(5), k = 1 + rng.int(4);
      const X = uniformSphere(n, d, rng);
      const head = { Q: ginibre(k, d, rng), K: ginibre(k, d, rng), V: ginibre(d, d, rng) };
      for (const model of ['sa', 'usa'] as const) {
        const beta = 4 * rng.uniform();
        const a = multiHeadVelocity(X, { model, beta, heads: [head] });
        const b = velocity(X, { model, beta, ...head });
        const err = maxAbsDiff(a, b) / Math.max(1e-300, maxAbs(attentionDrift(X, { model, beta, ...head }).data));
        expect(err, `${model} trial ${trial}: err ${err} vs tol ${tol}`).toBeLessThan(tol);
      }
    }
  });

  it('H identical heads give H times the one-head velocity, to 1e-15 relative', () => {
    const rng = new Rng(22);
    const tol = 1e-15;
    const n = 6, d = 4;
    const X = uniformSphere(n, d, rng);
    const head = { Q: ginibre(d, d, rng), K: ginibre(d, d, rng), V: ginibre(d, d, rng) };
    for (const model of ['sa', 'usa'] as const) {
      const one = velocity(X, { model, beta: 1.5, ...head });
      for (const H of [2, 3, 8]) {
        const many = multiHeadVelocity(X, { model, beta: 1.5, heads: Array(H).fill(head) });
        let err = 0;
        for (let q = 0; q < one.data.length; q++) err = Math.max(err, Math.abs(many.data[q] - H * one.data[q]));
        err /= H * maxAbs(one.data);
        expect(err, `${model} H=${H}: err ${err} vs tol ${tol}`).toBeLessThan(tol);
      }
    }
  });

  it('the multi-head velocity is the sum of the single-head velocities (P^perp is linear), to 1e-14 relative', () => {
    const rng = new Rng(23);
    const tol = 1e-14;
    const n = 7, d = 6, H = 3;
    const X = uniformSphere(n, d, rng);
    // Footnote 4: heads of width d/H.
    const heads = Array.from({ length: H }, () => ({ Q: ginibre(d / H, d, rng), K: ginibre(d / H, d, rng), V: ginibre(d, d, rng) }));
    const total = multiHeadVelocity(X, { beta: 2, heads });
    const sum = new Float64Array(n * d);
    for (const h of heads) velocity(X, { beta: 2, ...h }).data.forEach((v, q) => (sum[q] += v));
    let err = 0;
    for (let q = 0; q < sum.length; q++) err = Math.max(err, Math.abs(total.data[q] - sum[q]));
    err /= maxAbs(sum);
    expect(err, `err ${err} vs tol ${tol}`).toBeLessThan(tol);
  });

  it('multiHeadVelocity(X) is tangent to the sphere at every token, to 1e-13 relative', () => {
    const rng = new Rng(24);
    const tol = 1e-13;
    for (let trial = 0; trial < 15; trial++) {
      const n = 1 + rng.int(8), d = 2 + rng.int(5), H = 1 + rng.int(4);
      const X = uniformSphere(n, d, rng);
      const heads = Array.from({ length: H }, () => ({ Q: ginibre(d, d, rng), K: ginibre(d, d, rng), V: ginibre(d, d, rng) }));
      const model = trial % 2 ? 'usa' : 'sa';
      const v = multiHeadVelocity(X, { model, beta: 3 * rng.uniform(), heads });
      const scale = Math.max(1, maxAbs(v.data));
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += v.data[i * d + k] * X.data[i * d + k];
        expect(Math.abs(s) / scale, `trial ${trial} token ${i}: |<v_i,x_i>| ${Math.abs(s)} vs tol ${tol * scale}`).toBeLessThan(tol);
      }
    }
  });

  it('USA heads with very different score ranges at large beta give a finite velocity', () => {
    const X = fromRows([[1, 0], [0, 1], [Math.SQRT1_2, Math.SQRT1_2]]);
    const small = fromRows([[0.01, 0], [0, 0.01]]);
    // e^{beta} overflows on its own at beta = 800, but e^{beta - log n} times a tangent drift of size < 1 may not.
    const v = multiHeadVelocity(X, { model: 'usa', beta: 700, heads: [{}, { Q: small, K: small }] });
    for (const x of v.data) expect(Number.isFinite(x)).toBe(true);
    expect(() => multiHeadVelocity(X, { model: 'usa', beta: 800, heads: [{}, { Q: small, K: small }] })).toThrow(/beta/);
  });

  it('rejects an empty head list, a bad head shape and bad beta with an error naming the field', () => {
    const X = fromRows([[1, 0], [0, 1]]);
    expect(() => multiHeadVelocity(X, { beta: 1, heads: [] })).toThrow(/params\.heads/);
    expect(() => multiHeadVelocity(X, { beta: 1, heads: [{}, { V: fromRows([[1, 0, 0]]) }] })).toThrow(/params\.heads\[1\]\.V/);
    expect(() => multiHeadVelocity(X, { beta: 1, heads: [{ Q: fromRows([[1, 0]]) }] })).toThrow(/params\.heads\[0\]\.K/);
    expect(() => multiHeadVelocity(X, { beta: -2, heads: [{}] })).toThrow(/params\.beta/);
    expect(() => multiHeadVelocity(fromRows([[2, 0]]), { beta: 1, heads: [{}] })).toThrow(AttnflowError);
  });
});
