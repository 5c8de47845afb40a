import { describe, expect, it } from 'vitest';
import { AttnflowError } from '../../src/errors.ts';
import { rk4 } from '../../src/integrators/rk4.ts';
import { flow } from '../../src/integrators/flow.ts';
import { maxAbsDiff } from '../../src/linalg/mat.ts';
import { observedOrder, orderProblem } from './orderFit.ts';

describe('rk4', () => {
  it('has observed order 4 on the SA flow (n = 5, d = 3, beta = 1.5, T = 1), slope 4 +- 0.3', () => {
    const { X, params, T, reference } = orderProblem();
    const hs = [1 / 4, 1 / 8, 1 / 16, 1 / 32];
    const errors = hs.map((h) => maxAbsDiff(flow(X, params, [T], { integrator: 'rk4', h }).states[0], reference));
    const slope = observedOrder(hs, errors);
    expect(Math.abs(slope - 4), `slope ${slope} (errors ${errors.map((e) => e.toExponential(2))}) vs 4 +- 0.3`).toBeLessThan(0.3);
  });

  it('lands exactly on every output time by shortening the step before it', () => {
    const times = [0.25, 1 / 3, 1, 1, 2.05];
    const res = rk4((_t, _y, dy) => { dy[0] = 1; }, Float64Array.of(0), times, { h: 0.1 });
    expect(res.times).toEqual(times);
    const tol = 1e-14;
    res.states.forEach((s, k) => expect(Math.abs(s[0] - times[k]), `y(${times[k]}) off by ${Math.abs(s[0] - times[k])} vs tol ${tol}`).toBeLessThan(tol));
    // 0.25 -> 3 steps, 1/3 -> 1, 1 -> 7 (0.4333.. ,..., 0.9333.., then 1), 2.05 -> 11 (the 1% rule absorbs the sliver).
    expect(res.stats.steps).toBe(3 + 1 + 7 + 11);
    expect(res.stats.evaluations).toBe(4 * res.stats.steps);
  });

  it('passes the stage times to a time-dependent field: y\' = cos t gives sin t to 1e-10 at h = 0.01', () => {
    const res = rk4((t, _y, dy) => { dy[0] = Math.cos(t); }, Float64Array.of(0), [3], { h: 0.01 });
    const err = Math.abs(res.states[0][0] - Math.sin(3));
    expect(err, `err ${err} vs tol 1e-10`).toBeLessThan(1e-10);
  });

  it('reports an event at the first step end where it holds', () => {
    const res = rk4((_t, _y, dy) => { dy[0] = 1; }, Float64Array.of(0), [0.3, 2], { h: 0.1, events: [{ name: 'half', test: (_t, y) => y[0] >= 0.55 }] });
    expect(res.stoppedBy?.name).toBe('half');
    expect(Math.abs(res.stoppedBy!.t - 0.6)).toBeLessThan(1e-12);
    expect(res.times).toEqual([0.3]);
  });

  it('returns a partial result flagged budgetExhausted when maxSteps runs out', () => {
    const res = rk4((_t, _y, dy) => { dy[0] = 1; }, Float64Array.of(0), [0.5, 5], { h: 0.1, maxSteps: 20 });
    expect(res.budgetExhausted).toBe(true);
    expect(res.times).toEqual([0.5]);
    expect(res.stats.steps).toBe(20);
  });

  it('rejects a non-positive or NaN step and bad times with an AttnflowError naming the field', () => {
    const f = (_t: number, _y: Float64Array, dy: Float64Array) => { dy[0] = 1; };
    expect(() => rk4(f, Float64Array.of(0), [1], { h: 0 })).toThrow(/options\.h/);
    expect(() => rk4(f, Float64Array.of(0), [1], { h: NaN })).toThrow(/options\.h/);
    expect(() => rk4(f, Float64Array.of(0), [1, 0.5], { h: 0.1 })).toThrow(/times\[1\]/);
    expect(() => rk4(f, Float64Array.of(0), [1], { h: 0.1, maxSteps: 0 })).toThrow(AttnflowError);
  });

  it('throws a not-finite AttnflowError instead of returning NaN when the solution blows up', () => {
    const blowUp = (_t: number, y: Float64Array, dy: Float64Array) => { dy[0] = y[0] * y[0]; };
    let caught: unknown;
    try { rk4(blowUp, Float64Array.of(1), [2], { h: 0.1 }); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(AttnflowError);
    expect((caught as AttnflowError).kind).toBe('not-finite');
  });
});
