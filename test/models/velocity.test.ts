import { describe, expect, it } from 'vitest';
import { fromRows, mat } from '../../src/linalg/mat.ts';
import { setDriftKernel } from '../../src/kernels/kernelChoice.ts';
import type { AttentionParams } from '../../src/models/params.ts';
import { velocity, velocityInto } from '../../src/models/velocity.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { AttnflowError } from '../../src/errors.ts';

describe('velocity', () => {
  it('velocity(X) is tangent to the sphere at every token, for general Q, K, V', () => {
    const rng = new Rng(1);
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + rng.int(8), d = 1 + rng.int(6);
      const X = uniformSphere(n, d, rng);
      const params = { beta: 3 * rng.uniform(), Q: ginibre(d, d, rng), K: ginibre(d, d, rng), V: ginibre(d, d, rng) };
      const v = velocity(X, params);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += v.data[i * d + k] * X.data[i * d + k];
        expect(Math.abs(s)).toBeLessThan(1e-13);
      }
    }
  });

  it('the SA field is the USA field times n / Z_{beta,i} (§1.12)', () => {
    const rng = new Rng(2);
    const n = 6, d = 3, beta = 2.5;
    const X = uniformSphere(n, d, rng);
    const sa = velocity(X, { beta, model: 'sa' });
    const usa = velocity(X, { beta, model: 'usa' });
    for (let i = 0; i < n; i++) {
      let Z = 0;
      for (let j = 0; j < n; j++) {
        let g = 0;
        for (let k = 0; k < d; k++) g += X.data[i * d + k] * X.data[j * d + k];
        Z += Math.exp(beta * g);
      }
      for (let k = 0; k < d; k++) expect(sa.data[i * d + k]).toBeCloseTo((usa.data[i * d + k] * n) / Z, 14);
    }
  });

  it('beta in the millions gives finite SA velocities (stable softmax)', () => {
    const X = fromRows([[1, 0], [0, 1], [Math.SQRT1_2, Math.SQRT1_2]]);
    const v = velocity(X, { beta: 1e6 });
    for (const x of v.data) expect(Number.isFinite(x)).toBe(true);
  });

  it('rejects negative beta, non-unit tokens and wrong shapes with an error naming the field', () => {
    const X = fromRows([[1, 0], [0, 1]]);
    expect(() => velocity(X, { beta: -1 })).toThrow(/params\.beta/);
    expect(() => velocity(fromRows([[2, 0]]), { beta: 1 })).toThrow(/X\[0\].*unit/);
    expect(() => velocity(X, { beta: 1, V: fromRows([[1, 0, 0]]) })).toThrow(AttnflowError);
    expect(() => velocity(X, { beta: NaN })).toThrow(/params\.beta/);
  });

  it('velocityInto writes exactly velocity(X) into the given array and returns it', () => {
    const rng = new Rng(7);
    for (const [n, d] of [[1, 2], [6, 3], [20, 9]]) {
      const X = uniformSphere(n, d, rng);
      const params = { beta: 2, Q: ginibre(d, d, rng), V: ginibre(d, d, rng) };
      const out = new Float64Array(n * d).fill(NaN);
      expect(velocityInto(X, params, out)).toBe(out);
      expect(Array.from(out)).toEqual(Array.from(velocity(X, params).data));
    }
  });

  it('velocityInto overwrites every entry of out on every kernel path (wasm serial and pool, TypeScript), SA and USA, identity and general Q, K, V', () => {
    const rng = new Rng(9);
    for (const kernel of ['wasm', 'ts'] as const) {
      setDriftKernel(kernel === 'ts' ? 'ts' : null);
      for (const [n, d] of [[1, 3], [7, 5], [24, 20], [96, 64], [130, 33]]) {
        const X = uniformSphere(n, d, rng);
        const s = 1 / Math.sqrt(d);
        const general = { Q: mat(d, d, ginibre(d, d, rng).data.map((v) => v * s)), K: mat(d, d, ginibre(d, d, rng).data.map((v) => v * s)), V: mat(d, d, ginibre(d, d, rng).data.map((v) => v * s)) };
        for (const params of [{ beta: 1 }, { beta: 1, ...general }, { model: 'usa' as const, beta: 0.5, ...general }] as AttentionParams[]) {
          const out = new Float64Array(n * d).fill(NaN);
          velocityInto(X, params, out);
          const where = `${kernel}, ${n} x ${d}, ${params.model ?? 'sa'}, ${'Q' in params ? 'general' : 'identity'}`;
          expect(out.every(Number.isFinite), where).toBe(true);
          expect(Array.from(velocity(X, params).data), where).toEqual(Array.from(out));
        }
      }
    }
    setDriftKernel(null);
  });

  it('velocityInto rejects an output of the wrong length or one overlapping the tokens, naming out', () => {
    const X = uniformSphere(4, 3, new Rng(8));
    expect(() => velocityInto(X, { beta: 1 }, new Float64Array(11))).toThrow(/out.*length 12/s);
    expect(() => velocityInto(X, { beta: 1 }, X.data)).toThrow(/out.*overlaps/s);
    const both = new Float64Array(24);
    both.set(X.data);
    const Y = { rows: 4, cols: 3, data: both.subarray(0, 12) };
    expect(() => velocityInto(Y, { beta: 1 }, both.subarray(6, 18))).toThrow(AttnflowError);
    expect(() => velocityInto(Y, { beta: 1 }, both.subarray(12, 24))).not.toThrow();
  });
});
