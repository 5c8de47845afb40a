import { describe, expect, it } from 'vitest';
import { decimalContext } from '../../src/highprec/context.ts';
import { toDMat, toFloat64 } from '../../src/highprec/dmat.ts';
import { energy } from '../../src/highprec/energy.ts';
import { layer } from '../../src/highprec/layer.ts';
import { attentionWeights, logPartition } from '../../src/highprec/attentionWeights.ts';
import { toDParams } from '../../src/highprec/params.ts';
import { rk4 } from '../../src/highprec/rk4.ts';
import { velocity } from '../../src/highprec/velocity.ts';
import { normalizeRows } from '../../src/highprec/normalize.ts';
import { fromRows } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { AttnflowError } from '../../src/errors.ts';

// Coordinates in {0, +-1}: exactly unit in binary, so P^perp is exactly a projection.
const UNIT = fromRows([[1, 0, 0], [0, 1, 0], [0, 0, -1], [-1, 0, 0]]);

describe('high precision mirror', () => {
  it('SA attention rows sum to 1 within 1e-45 at 50 digits, also at beta = 1e6 (log-sum-exp)', () => {
    const X = uniformSphere(5, 3, new Rng(1));
    for (const beta of [0, 1, 1e6]) {
      const D = decimalContext(50);
      const { A } = attentionWeights(toDMat(X, D), toDParams({ beta }, D));
      for (let i = 0; i < 5; i++) {
        let s = new D(0);
        for (let j = 0; j < 5; j++) s = s.plus(A.data[i * 5 + j]);
        const err = s.minus(1).abs().toNumber();
        expect(err, `row ${i} sum error ${err} vs tol 1e-45 at beta ${beta}`).toBeLessThan(1e-45);
      }
    }
  });

  it('velocity is tangent to the sphere within 1e-45 when the tokens are exactly unit', () => {
    const rng = new Rng(2);
    const v = velocity(UNIT, { beta: 2, Q: ginibre(3, 3, rng), K: ginibre(3, 3, rng), V: ginibre(3, 3, rng) });
    const D = v.D;
    const X = toDMat(UNIT, D);
    for (let i = 0; i < 4; i++) {
      let s = new D(0);
      for (let k = 0; k < 3; k++) s = s.plus(X.data[i * 3 + k].times(v.data[i * 3 + k]));
      expect(s.abs().toNumber(), `<x_${i}, v_${i}> vs tol 1e-45`).toBeLessThan(1e-45);
    }
  });

  it('the SA velocity is n / Z_{beta,i} times the USA velocity (§1.12) to 1e-45 relative', () => {
    const X = uniformSphere(4, 3, new Rng(3));
    const beta = 3;
    const sa = velocity(X, { beta });
    const usa = velocity(X, { beta, model: 'usa' });
    const D = sa.D;
    const logZ = logPartition(toDMat(X, D), toDParams({ beta }, D));
    for (let i = 0; i < 4; i++) {
      const f = new D(4).div(logZ[i].exp());
      for (let k = 0; k < 3; k++) {
        const rel = sa.data[i * 3 + k].minus(usa.data[i * 3 + k].times(f)).abs().div(sa.data[i * 3 + k].abs()).toNumber();
        expect(rel, `relative ${rel} vs tol 1e-45`).toBeLessThan(1e-45);
      }
    }
  });

  it('the energy of a Dirac configuration is e^beta / (2 beta) (S4, equality case) to 1e-45 relative', () => {
    const X = fromRows([[0, 1], [0, 1], [0, 1]]);
    const e = energy(X, { beta: 7 });
    const D = e.constructor as ReturnType<typeof decimalContext>;
    const expected = new D(7).exp().div(14);
    const rel = e.minus(expected).abs().div(expected).toNumber();
    expect(rel, `relative ${rel} vs tol 1e-45`).toBeLessThan(1e-45);
    expect(() => energy(X, { beta: 0 })).toThrow(/params\.beta/);
  });

  it('RK4 in 50 digits is fourth order: halving h divides the error at t = 1 by 16 within 10%', () => {
    const X = uniformSphere(4, 3, new Rng(4));
    const params = { beta: 1.5 };
    const ref = rk4(X, params, 1 / 32, 32).at(-1)!; // its own error is 256x below the h = 1/8 one
    const err = (h: number, steps: number) => {
      const Y = rk4(X, params, h, steps).at(-1)!;
      let m = 0;
      for (let k = 0; k < Y.data.length; k++) m = Math.max(m, Y.data[k].minus(ref.data[k]).abs().toNumber());
      return m;
    };
    const ratio = err(1 / 4, 4) / err(1 / 8, 8);
    expect(Math.abs(ratio / 16 - 1), `error ratio ${ratio} vs 16, tol 10%`).toBeLessThan(0.1);
  });

  it('layer keeps tokens unit within 1e-45 and equals normalize(x + h a) step by step', () => {
    const X = uniformSphere(3, 4, new Rng(5));
    const out = layer(X, { beta: 2 }, 0.1, 3);
    const D = out[0].D;
    for (const Y of out) {
      const N = normalizeRows(Y);
      for (let k = 0; k < Y.data.length; k++) expect(Y.data[k].minus(N.data[k]).abs().toNumber()).toBeLessThan(1e-45);
    }
    expect(D.precision).toBe(50);
  });

  it('USA at beta = 1000 is finite in the mirror (e^1000 is an ordinary Decimal) where the float64 engine refuses by name', async () => {
    const { velocity: velocityF } = await import('../../src/models/velocity.ts');
    const X = uniformSphere(3, 2, new Rng(7));
    const v = velocity(X, { beta: 1000, model: 'usa' });
    expect(v.data.every((x) => x.isFinite())).toBe(true);
    expect(v.data.some((x) => x.abs().gt(1e300))).toBe(true);
    expect(() => velocityF(X, { beta: 1000, model: 'usa' })).toThrow(/beta/);
  });

  it('the precision option is honoured, mixed precisions are refused, bad inputs name their field', () => {
    const X = uniformSphere(3, 2, new Rng(6));
    const v30 = velocity(X, { beta: 1 }, { precision: 30 });
    expect(v30.D.precision).toBe(30);
    expect(v30.data.every((x) => x.sd() <= 30)).toBe(true);
    expect(() => velocity(v30, { beta: 1 }, { precision: 50 })).toThrow(AttnflowError);
    expect(() => velocity(fromRows([[2, 0]]), { beta: 1 })).toThrow(/X\[0\]/);
    expect(() => velocity(X, { beta: -1 })).toThrow(/params\.beta/);
    expect(() => layer(X, { beta: 1 }, 0, 1)).toThrow(/h/);
    expect(toFloat64(velocity(X, { beta: 1 })).rows).toBe(3);
  });
});
