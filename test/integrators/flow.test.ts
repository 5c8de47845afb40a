import { describe, expect, it } from 'vitest';
import { AttnflowError } from '../../src/errors.ts';
import { flow, flowGeneric } from '../../src/integrators/flow.ts';
import { diameterBelow } from '../../src/integrators/stopConditions.ts';
import { fromRows, maxAbsDiff, scaledIdentity } from '../../src/linalg/mat.ts';
import type { Tokens } from '../../src/linalg/mat.ts';
import { rowNorm } from '../../src/linalg/vec.ts';
import { layer } from '../../src/models/layer.ts';
import type { AttentionParams } from '../../src/models/params.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';
import { observedOrder, orderProblem } from './orderFit.ts';

/** Two unit tokens in R^3 at angle phi0. */
function pair(phi0: number): Tokens {
  return fromRows([[1, 0, 0], [Math.cos(phi0), Math.sin(phi0), 0]]);
}

/** The angle between the two tokens, via atan2 (accurate near 0 and pi). */
function angle(X: Tokens): number {
  const a = X.data.subarray(0, 3), b = X.data.subarray(3, 6);
  const dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const cx = a[1] * b[2] - a[2] * b[1], cy = a[2] * b[0] - a[0] * b[2], cz = a[0] * b[1] - a[1] * b[0];
  return Math.atan2(Math.hypot(cx, cy, cz), dot);
}

describe('flow', () => {
  it('two tokens follow the scalar angle ODE: phi\' = -sin(phi) e^{beta cos phi} (USA) and -2 sin(phi) e^{beta cos phi} / (e^beta + e^{beta cos phi}) (SA), to 1e-9', () => {
    const times = [0.25, 1, 3, 8];
    const tol = 1e-9;
    for (const beta of [0.7, 2.5]) {
      for (const model of ['usa', 'sa'] as const) {
        const phi0 = 2.4;
        const rhs = model === 'usa'
          ? (p: number) => -Math.sin(p) * Math.exp(beta * Math.cos(p))
          : (p: number) => (-2 * Math.sin(p) * Math.exp(beta * Math.cos(p))) / (Math.exp(beta) + Math.exp(beta * Math.cos(p)));
        const scalar = flowGeneric((_t, y, dy) => { dy[0] = rhs(y[0]); }, Float64Array.of(phi0), times, { rtol: 1e-12, atol: 1e-14 });
        const vector = flow(pair(phi0), { beta, model }, times, { rtol: 1e-12, atol: 1e-14 });
        times.forEach((t, k) => {
          const err = Math.abs(angle(vector.states[k]) - scalar.states[k][0]);
          expect(err, `${model} beta ${beta} t ${t}: angle error ${err} vs tol ${tol}`).toBeLessThan(tol);
        });
      }
    }
  });

  it('at beta = 0 the angle obeys tan(phi/2) = tan(phi0/2) e^{-t} (SA and USA, and the scalar ODE), to 1e-9', () => {
    const phi0 = 2.9, times = [0.1, 1, 4, 12];
    const tol = 1e-9;
    const exact = (t: number) => 2 * Math.atan(Math.tan(phi0 / 2) * Math.exp(-t));
    for (const model of ['sa', 'usa'] as const) {
      const res = flow(pair(phi0), { beta: 0, model }, times);
      times.forEach((t, k) => {
        const err = Math.abs(angle(res.states[k]) - exact(t));
        expect(err, `${model} t ${t}: ${err} vs tol ${tol}`).toBeLessThan(tol);
      });
    }
    const scalar = flowGeneric((_t, y, dy) => { dy[0] = -Math.sin(y[0]); }, Float64Array.of(phi0), times);
    times.forEach((t, k) => {
      const err = Math.abs(scalar.states[k][0] - exact(t));
      expect(err, `scalar t ${t}: ${err} vs tol ${tol}`).toBeLessThan(tol);
    });
  });

  it('Q = K = V = lambda I is SA with beta lambda^2 at time lambda t (§1.12), to 1e-9', () => {
    const X = uniformSphere(7, 3, new Rng(5));
    const lambda = 1.7, beta = 0.8, times = [0.5, 1.5, 4];
    const I = scaledIdentity(3, lambda);
    const scaled = flow(X, { beta, Q: I, K: I, V: I }, times, { rtol: 1e-12, atol: 1e-14 });
    const plain = flow(X, { beta: beta * lambda * lambda }, times.map((t) => lambda * t), { rtol: 1e-12, atol: 1e-14 });
    times.forEach((t, k) => {
      const err = maxAbsDiff(scaled.states[k], plain.states[k]);
      expect(err, `t ${t}: ${err} vs tol 1e-9`).toBeLessThan(1e-9);
    });
  });

  it('keeps |x_i(t)| = 1 to 1e-12 with every integrator (S1), for SA and USA with random Q, K, V', () => {
    const rng = new Rng(9);
    const n = 12, d = 4;
    const X = uniformSphere(n, d, rng);
    const general = { beta: 1.2, Q: ginibre(d, d, rng), K: ginibre(d, d, rng), V: ginibre(d, d, rng) };
    const cases: AttentionParams[] = [{ beta: 2 }, { ...general, model: 'usa' }, general];
    for (const params of cases) {
      for (const integrator of ['dopri5', 'rk4', 'layer'] as const) {
        const res = flow(X, params, [0.5, 2, 5], { integrator, h: integrator === 'layer' ? 0.05 : 0.01 });
        let worst = 0;
        for (const S of res.states) for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(rowNorm(S.data, i, d) - 1));
        expect(worst, `${integrator} ${params.model ?? 'sa'}: max ||x_i| - 1| ${worst} vs tol 1e-12`).toBeLessThan(1e-12);
      }
    }
  });

  it('the Post-LN layer integrator has observed order 1 (slope 1 +- 0.15) and matches layer() step for step', () => {
    const { X, params, T, reference } = orderProblem();
    const hs = [1 / 10, 1 / 20, 1 / 40, 1 / 80];
    const errors = hs.map((h) => maxAbsDiff(flow(X, params, [T], { integrator: 'layer', h }).states[0], reference));
    const slope = observedOrder(hs, errors);
    expect(Math.abs(slope - 1), `slope ${slope} (errors ${errors.map((e) => e.toExponential(2))}) vs 1 +- 0.15`).toBeLessThan(0.15);
    const viaFlow = flow(X, params, [0.1, 0.2, 0.3], { integrator: 'layer', h: 0.1 });
    const viaLayer = layer(X, params, 0.1, 3);
    for (let k = 0; k < 3; k++) expect(maxAbsDiff(viaFlow.states[k], viaLayer[k])).toBeLessThan(1e-14);
  });

  it('time 0 returns an exact copy of X, and repeated times repeat the state', () => {
    const X = uniformSphere(4, 3, new Rng(2));
    const res = flow(X, { beta: 1 }, [0, 0, 1, 1]);
    expect(Array.from(res.states[0].data)).toEqual(Array.from(X.data));
    expect(res.states[0].data).not.toBe(X.data);
    expect(Array.from(res.states[3].data)).toEqual(Array.from(res.states[2].data));
    expect(flow(X, { beta: 1 }, []).states).toEqual([]);
  });

  it('diameterBelow stops the flow when the tokens cluster; states hold only the times reached', () => {
    // A cap of half-angle ~0.6 rad: one cluster forms exponentially (S10, S15).
    const rng = new Rng(4);
    const X = uniformSphere(8, 3, rng);
    for (let i = 0; i < 8; i++) X.data[i * 3 + 2] = Math.abs(X.data[i * 3 + 2]) + 2;
    for (let i = 0; i < 8; i++) {
      const r = rowNorm(X.data, i, 3);
      for (let k = 0; k < 3; k++) X.data[i * 3 + k] /= r;
    }
    const eps = 1e-3;
    const times = Array.from({ length: 60 }, (_, k) => k + 1);
    const res = flow(X, { beta: 1 }, times, { stop: [diameterBelow(eps)] });
    expect(res.stoppedBy?.name).toBe(`diameterBelow(${eps})`);
    const tStop = res.stoppedBy!.t;
    expect(res.times.every((t) => t <= tStop)).toBe(true);
    expect(res.times.length).toBe(Math.floor(tStop));
    expect(res.tReached).toBe(tStop);
    // The state handed back is the flow at tStop, and just before it the diameter was still >= eps.
    const direct = flow(X, { beta: 1 }, [tStop - 1e-6, tStop]);
    expect(maxAbsDiff(direct.states[1], res.stoppedBy!.state)).toBeLessThan(1e-9);
    expect(diameterBelow(eps).test(0, res.stoppedBy!.state)).toBe(true);
    expect(diameterBelow(eps).test(0, direct.states[0])).toBe(false);
    // The same stop with rk4 fires within one step of it.
    const viaRk4 = flow(X, { beta: 1 }, times, { integrator: 'rk4', h: 0.01, stop: [diameterBelow(eps)] });
    expect(Math.abs(viaRk4.stoppedBy!.t - tStop)).toBeLessThan(0.0101);
  });

  it('a generic StopCondition (e.g. a hemisphere certificate) is called with (t, tokens) and can fire at time 0', () => {
    const X = uniformSphere(5, 3, new Rng(8));
    const seen: number[] = [];
    const res = flow(X, { beta: 1 }, [0, 1, 2], { stop: [{ name: 'inHemisphere', test: (t, Y) => { seen.push(t); return Y.rows === 5; } }] });
    expect(res.stoppedBy).toMatchObject({ name: 'inHemisphere', t: 0 });
    expect(res.times).toEqual([0]);
    expect(seen).toEqual([0]);
  });

  it('a step budget gives a flagged partial result instead of throwing (dopri5, rk4, layer)', () => {
    const X = uniformSphere(6, 3, new Rng(3));
    for (const integrator of ['dopri5', 'rk4', 'layer'] as const) {
      const res = flow(X, { beta: 1 }, [0.01, 50], { integrator, maxSteps: 5 });
      expect(res.budgetExhausted, integrator).toBe(true);
      expect(res.times).toEqual([0.01]);
      expect(res.states.length).toBe(1);
      expect(res.tReached).toBeLessThan(50);
    }
    expect(flow(X, { beta: 1 }, [1]).budgetExhausted).toBe(false);
  });

  it('reports progress after each accepted step, ending at the last requested time', () => {
    const X = uniformSphere(6, 3, new Rng(3));
    const ts: number[] = [];
    const res = flow(X, { beta: 1 }, [2], { onProgress: (t, tEnd) => { ts.push(t); expect(tEnd).toBe(2); } });
    expect(ts.length).toBe(res.stats.steps);
    expect(ts[ts.length - 1]).toBe(2);
    expect(ts.every((t, k) => k === 0 || t > ts[k - 1])).toBe(true);
  });

  it('rejects negative, decreasing or NaN times, bad options and bad tokens with an AttnflowError naming the field', () => {
    const X = uniformSphere(3, 2, new Rng(1));
    const p = { beta: 1 };
    expect(() => flow(X, p, [-1])).toThrow(/times\[0\]/);
    expect(() => flow(X, p, [1, 2, 1.5])).toThrow(/times\[2\]/);
    expect(() => flow(X, p, [0.5, NaN])).toThrow(/times\[1\]/);
    expect(() => flow(X, p, 'soon' as unknown as number[])).toThrow(/times/);
    expect(() => flow(X, p, [1], { rtol: NaN })).toThrow(/options\.rtol/);
    expect(() => flow(X, p, [1], { integrator: 'rk4', h: -0.1 })).toThrow(/options\.h/);
    expect(() => flow(X, p, [1], { integrator: 'euler' as 'rk4' })).toThrow(/options\.integrator/);
    expect(() => flow(X, p, [1], { maxSteps: 0 })).toThrow(/options\.maxSteps/);
    expect(() => flow(X, p, [1], { stop: [{ name: 'x' } as never] })).toThrow(/options\.stop\[0\]/);
    expect(() => flow(fromRows([[2, 0]]), p, [1])).toThrow(/X\[0\]/);
    expect(() => flow(X, { beta: -1 }, [1])).toThrow(/params\.beta/);
    expect(() => flowGeneric((_t, _y, dy) => { dy[0] = 0; }, Float64Array.of(NaN), [1])).toThrow(/y0\[0\]/);
    let caught: unknown;
    try { flow(X, p, [-1]); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(AttnflowError);
  });
});
