import { describe, expect, it } from 'vitest';
import { AttnflowError } from '../../src/errors.ts';
import { dopri5 } from '../../src/integrators/dopri5.ts';
import { attentionField, sphereRetraction } from '../../src/integrators/vectorField.ts';
import { mat, maxAbsDiff } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';
import { observedOrder, orderProblem } from './orderFit.ts';

const decay = (_t: number, y: Float64Array, dy: Float64Array) => { dy[0] = -y[0]; };
const oscillator = (_t: number, y: Float64Array, dy: Float64Array) => { dy[0] = y[1]; dy[1] = -y[0]; };

describe('dopri5', () => {
  it('has observed order 5 in fixed-step mode on the SA flow (n = 5, d = 3, beta = 1.5, T = 1), slope 5 +- 0.5', () => {
    const { X, params, T, reference } = orderProblem();
    const f = attentionField(X, params);
    const retraction = sphereRetraction(X.rows, X.cols);
    const hs = [1 / 2, 1 / 4, 1 / 8, 1 / 16];
    const errors = hs.map((h) => maxAbsDiff(mat(X.rows, X.cols, dopri5(f, X.data, [T], { fixedStep: h, retraction }).states[0]), reference));
    const slope = observedOrder(hs, errors);
    expect(Math.abs(slope - 5), `slope ${slope} (errors ${errors.map((e) => e.toExponential(2))}) vs 5 +- 0.5`).toBeLessThan(0.5);
  });

  it('meets its tolerance: y\' = -y at rtol 1e-10 gives e^{-t} to 1e-9 at t = 0.5, 1, 5, 10', () => {
    const times = [0.5, 1, 5, 10];
    const res = dopri5(decay, Float64Array.of(1), times, { rtol: 1e-10, atol: 1e-12 });
    res.states.forEach((s, k) => {
      const err = Math.abs(s[0] - Math.exp(-times[k]));
      expect(err, `err ${err} at t = ${times[k]} vs tol 1e-9`).toBeLessThan(1e-9);
    });
  });

  it('dense output agrees with stepping exactly to each output time to 1e-9 (harmonic oscillator and SA, n = 6, d = 3)', () => {
    const times = [0.3, 0.77, 1.9, 3.14159, 7.5];
    const tol = 1e-9;
    const oscDense = dopri5(oscillator, Float64Array.of(1, 0), times, { rtol: 1e-10 });
    const oscStep = dopri5(oscillator, Float64Array.of(1, 0), times, { rtol: 1e-10, dense: false });
    const X = uniformSphere(6, 3, new Rng(11));
    const f = attentionField(X, { beta: 2 });
    const retraction = sphereRetraction(6, 3);
    const saDense = dopri5(f, X.data, times, { retraction });
    const saStep = dopri5(f, X.data, times, { retraction, dense: false });
    for (let k = 0; k < times.length; k++) {
      for (const [a, b] of [[oscDense, oscStep], [saDense, saStep]]) {
        let diff = 0;
        for (let i = 0; i < a.states[k].length; i++) diff = Math.max(diff, Math.abs(a.states[k][i] - b.states[k][i]));
        expect(diff, `dense vs stepped at t = ${times[k]}: ${diff} vs tol ${tol}`).toBeLessThan(tol);
      }
      // A run whose last step ends at the output time, started from scratch.
      const single = dopri5(f, X.data, [times[k]], { retraction });
      const diff = maxAbsDiff(mat(6, 3, single.states[0]), mat(6, 3, saDense.states[k]));
      expect(diff, `dense vs single run to t = ${times[k]}: ${diff} vs tol ${tol}`).toBeLessThan(tol);
    }
    expect(saStep.stats.steps).toBeGreaterThanOrEqual(saDense.stats.steps);
  });

  it('the 4th-order dense output interpolates cos t to 1e-9 between steps at rtol 1e-10', () => {
    const times = Array.from({ length: 1500 }, (_, k) => 0.0013 * (k + 1));
    const res = dopri5(oscillator, Float64Array.of(1, 0), times, { rtol: 1e-10, atol: 1e-12 });
    let worst = 0;
    res.states.forEach((s, k) => { worst = Math.max(worst, Math.abs(s[0] - Math.cos(times[k]))); });
    expect(worst, `max |y - cos t| ${worst} vs tol 1e-9`).toBeLessThan(1e-9);
    expect(res.stats.steps).toBeLessThan(150); // so most outputs really were interpolated
  });

  it('counts 6 evaluations per attempted step plus 2 for the start (FSAL), and rejects a too-large first step', () => {
    const res = dopri5(decay, Float64Array.of(1), [10], { h0: 8 });
    expect(res.stats.rejected).toBeGreaterThan(0);
    expect(res.stats.evaluations).toBe(6 * (res.stats.steps + res.stats.rejected) + 1);
    const err = Math.abs(res.states[0][0] - Math.exp(-10));
    expect(err, `err ${err} vs tol 1e-12 after rejections`).toBeLessThan(1e-12);
    const auto = dopri5(decay, Float64Array.of(1), [10]);
    expect(auto.stats.evaluations).toBe(6 * (auto.stats.steps + auto.stats.rejected) + 2);
  });

  it('locates a fired event by bisection on the dense output: y\' = 1 crosses 0.5 at t = 0.5 (to 1e-9)', () => {
    const res = dopri5((_t, _y, dy) => { dy[0] = 1; }, Float64Array.of(0), [0.2, 0.5 - 1e-6, 3], {
      events: [{ name: 'never', test: () => false }, { name: 'half', test: (_t, y) => y[0] >= 0.5 }],
    });
    expect(res.stoppedBy?.name).toBe('half');
    expect(res.stoppedBy?.index).toBe(1);
    const err = Math.abs(res.stoppedBy!.t - 0.5);
    expect(err, `event time off by ${err} vs tol 1e-9`).toBeLessThan(1e-9);
    expect(res.stoppedBy!.state[0]).toBeGreaterThanOrEqual(0.5);
    expect(res.times).toEqual([0.2, 0.5 - 1e-6]);
    expect(res.t).toBe(res.stoppedBy!.t);
  });

  it('an event that holds at the start stops at t0 after emitting the outputs at t0', () => {
    const res = dopri5(decay, Float64Array.of(1), [0, 0, 1], { events: [{ name: 'always', test: () => true }] });
    expect(res.stoppedBy).toMatchObject({ name: 'always', t: 0 });
    expect(res.times).toEqual([0, 0]);
    expect(res.stats.evaluations).toBe(0);
  });

  it('returns the states reached, flagged budgetExhausted, when maxSteps runs out', () => {
    const res = dopri5(oscillator, Float64Array.of(1, 0), [0.1, 1000], { maxSteps: 30 });
    expect(res.budgetExhausted).toBe(true);
    expect(res.times).toEqual([0.1]);
    expect(res.stats.steps + res.stats.rejected).toBe(30);
    expect(res.t).toBeLessThan(1000);
  });

  it('starts from t0 and passes the stage times: y\' = cos t from t0 = 1 gives sin t - sin 1 to 1e-9', () => {
    const res = dopri5((t, _y, dy) => { dy[0] = Math.cos(t); }, Float64Array.of(0), [1, 2, 4], { t0: 1 });
    expect(res.states[0][0]).toBe(0);
    for (let k = 1; k < 3; k++) {
      const t = res.times[k];
      const err = Math.abs(res.states[k][0] - (Math.sin(t) - Math.sin(1)));
      expect(err, `err ${err} at t = ${t} vs tol 1e-9`).toBeLessThan(1e-9);
    }
  });

  it('rejects bad tolerances and times with an AttnflowError naming the field', () => {
    const y0 = Float64Array.of(1);
    expect(() => dopri5(decay, y0, [1], { rtol: 0 })).toThrow(/options\.rtol/);
    expect(() => dopri5(decay, y0, [1], { rtol: 1e-17 })).toThrow(/options\.rtol/);
    expect(() => dopri5(decay, y0, [1], { atol: -1 })).toThrow(/options\.atol/);
    expect(() => dopri5(decay, y0, [1], { atol: NaN })).toThrow(/options\.atol/);
    expect(() => dopri5(decay, y0, [-0.5])).toThrow(/times\[0\]/);
    expect(() => dopri5(decay, y0, [0.5], { t0: 1 })).toThrow(/times\[0\]/);
    expect(() => dopri5(decay, y0, [1, Infinity])).toThrow(/times\[1\]/);
    expect(() => dopri5(decay, y0, [1], { maxSteps: 1.5 })).toThrow(/options\.maxSteps/);
  });

  it('throws a not-finite AttnflowError (not NaN states) when the step size underflows at a blow-up', () => {
    const blowUp = (_t: number, y: Float64Array, dy: Float64Array) => { dy[0] = y[0] * y[0]; };
    let caught: unknown;
    try { dopri5(blowUp, Float64Array.of(1), [2]); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(AttnflowError);
    expect((caught as AttnflowError).kind).toBe('not-finite');
  });
});
