import { AttnflowError, assertFinite } from '../errors.ts';
import { firstEvent } from './events.ts';
import { DEFAULT_MAX_STEPS } from './odeTypes.ts';
import type { OdeOptions, OdeResult } from './odeTypes.ts';
import { assertPositive, validateOdeOptions, validateTimes } from './validateTimes.ts';
import type { VectorField } from './vectorField.ts';

/** Options of {@link dopri5}. */
export interface Dopri5Options extends OdeOptions {
  /** Relative tolerance (default 1e-10, test-design note 1); must be >= 10 machine epsilons. */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-12). */
  readonly atol?: number;
  /** First step size (default: Hairer's automatic choice, one extra evaluation). */
  readonly h0?: number;
  /** Largest step size (default: the whole interval). */
  readonly hmax?: number;
  /**
   * Turns error control off and takes steps of exactly this size (the last before each stop time
   * shortened); used to measure the observed order. Default: adaptive.
   */
  readonly fixedStep?: number;
  /**
   * Outputs between steps come from the 4th-order continuous extension (default `true`). With
   * `false` the step before each output time is shortened to land on it, which costs steps.
   */
  readonly dense?: boolean;
  /** Width of the time bracket to which a fired event is located by bisection on the dense output (default 1e-10 max(1, |t|)). */
  readonly eventTolerance?: number;
}

// Dormand–Prince 5(4) tableau (Hairer, Nørsett, Wanner, Solving ODEs I, Table II.5.2), as in DOPRI5.
const C2 = 1 / 5, C3 = 3 / 10, C4 = 4 / 5, C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40, A32 = 9 / 40;
const A41 = 44 / 45, A42 = -56 / 15, A43 = 32 / 9;
const A51 = 19372 / 6561, A52 = -25360 / 2187, A53 = 64448 / 6561, A54 = -212 / 729;
const A61 = 9017 / 3168, A62 = -355 / 33, A63 = 46732 / 5247, A64 = 49 / 176, A65 = -5103 / 18656;
const A71 = 35 / 384, A73 = 500 / 1113, A74 = 125 / 192, A75 = -2187 / 6784, A76 = 11 / 84;
// Difference between the 5th- and 4th-order weights: the local error estimate.
const E1 = 71 / 57600, E3 = -71 / 16695, E4 = 71 / 1920, E5 = -17253 / 339200, E6 = 22 / 525, E7 = -1 / 40;
// Shampine's 4th-order continuous extension (DOPRI5's CONTD5).
const D1 = -12715105075 / 11282082432, D3 = 87487479700 / 32700410799, D4 = -10690763975 / 1880347072;
const D5 = 701980252875 / 199316789632, D6 = -1453857185 / 822651844, D7 = 69997945 / 29380423;

// Step-size controller constants of DOPRI5: safety 0.9, step ratio in [1/5, 10], Lund PI beta 0.04.
const SAFE = 0.9, FACC1 = 5, FACC2 = 0.1, BETA = 0.04, EXPO1 = 0.2 - BETA * 0.75;

/**
 * Adaptive Dormand–Prince 5(4) for y' = f(t, y) from y0 at t0 (first same as last: 6 evaluations per
 * step), with Hairer's error norm sqrt(mean((err_i / (atol + rtol max(|y_i|, |y1_i|)))^2)) and PI
 * step-size control. Outputs between steps come from the 4th-order dense output; a retraction, if
 * given, is applied after each accepted step and to each interpolated output. Events are checked
 * after each accepted step and, when one fires, located by bisection on the dense output.
 *
 * With a retraction the FSAL derivative is the one at the un-retracted end point; the two differ by
 * the local error, which the next error estimate absorbs, so no extra evaluation is spent.
 */
export function dopri5(f: VectorField, y0: Float64Array, times: readonly number[], options: Dopri5Options = {}): OdeResult {
  validateOdeOptions(options);
  const t0 = options.t0 ?? 0;
  validateTimes(times, t0);
  const rtol = options.rtol ?? 1e-10;
  const atol = options.atol ?? 1e-12;
  assertPositive(rtol, 'options.rtol', '1e-10');
  if (rtol < 10 * Number.EPSILON) {
    throw new AttnflowError('options.rtol', `${rtol} is below what float64 can resolve`, `pass rtol >= ${10 * Number.EPSILON}`);
  }
  assertFinite(atol, 'options.atol');
  if (atol < 0) throw new AttnflowError('options.atol', `must be >= 0, got ${atol}`, 'pass a non-negative atol such as 1e-12');
  if (options.h0 !== undefined) assertPositive(options.h0, 'options.h0', '1e-3');
  if (options.hmax !== undefined) assertPositive(options.hmax, 'options.hmax', '1');
  if (options.fixedStep !== undefined) assertPositive(options.fixedStep, 'options.fixedStep', '0.01');
  if (options.eventTolerance !== undefined) assertPositive(options.eventTolerance, 'options.eventTolerance', '1e-10');
  const dense = options.dense ?? true;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const events = options.events ?? [];
  const retract = options.retraction;
  const fixed = options.fixedStep;

  const N = y0.length;
  const tEnd = times.length ? times[times.length - 1] : t0;
  const hmax = options.hmax ?? Math.max(tEnd - t0, Number.MIN_VALUE);
  const result: OdeResult = { times: [], states: [], budgetExhausted: false, t: t0, stats: { steps: 0, rejected: 0, evaluations: 0 } };
  const stats = result.stats;

  let y = Float64Array.from(y0);
  let y1 = new Float64Array(N);
  let k1 = new Float64Array(N);
  const k2 = new Float64Array(N), k3 = new Float64Array(N), k4 = new Float64Array(N), k5 = new Float64Array(N), k6 = new Float64Array(N);
  let k7 = new Float64Array(N);
  const ys = new Float64Array(N);
  const r2 = new Float64Array(N), r3 = new Float64Array(N), r4 = new Float64Array(N), r5 = new Float64Array(N);
  const fEval = (t: number, yy: Float64Array, out: Float64Array) => {
    f(t, yy, out);
    stats.evaluations++;
  };

  let t = t0;
  let k = 0;
  while (k < times.length && times[k] <= t0) {
    result.times.push(times[k++]);
    result.states.push(Float64Array.from(y));
  }
  const e0 = firstEvent(events, t0, y);
  if (e0 >= 0) {
    result.stoppedBy = { name: events[e0].name, index: e0, t: t0, state: Float64Array.from(y) };
    return result;
  }
  if (k >= times.length) return result;

  fEval(t, y, k1);
  let h = fixed ?? options.h0 ?? initialStep(f, t, y, k1, rtol, atol, hmax, ys, k2, stats);
  h = Math.min(h, hmax);
  let facold = 1e-4;
  let reject = false;
  let hStep = 0, tOld = t;

  // The continuous extension of the last accepted step, theta = (s - tOld) / hStep in [0, 1].
  const denseAt = (s: number, out: Float64Array) => {
    const th = (s - tOld) / hStep, th1 = 1 - th;
    for (let i = 0; i < N; i++) out[i] = y[i] + th * (r2[i] + th1 * (r3[i] + th * (r4[i] + th1 * r5[i])));
    if (retract) retract(out);
  };

  for (;;) {
    if (stats.steps + stats.rejected >= maxSteps) {
      result.budgetExhausted = true;
      result.t = t;
      return result;
    }
    const target = dense ? tEnd : times[k];
    if (!fixed && 0.1 * h <= Math.abs(t) * Number.EPSILON) {
      throw new AttnflowError('options.rtol', `step size underflow (h = ${h}) at t = ${t}`, 'loosen rtol/atol, or check that the solution does not blow up or leave the domain of f', 'not-finite');
    }
    let last = false;
    const hProposed = h;
    if (t + 1.01 * h >= target) {
      h = target - t;
      last = true;
    }

    for (let i = 0; i < N; i++) y1[i] = y[i] + h * A21 * k1[i];
    fEval(t + C2 * h, y1, k2);
    for (let i = 0; i < N; i++) y1[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
    fEval(t + C3 * h, y1, k3);
    for (let i = 0; i < N; i++) y1[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
    fEval(t + C4 * h, y1, k4);
    for (let i = 0; i < N; i++) y1[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
    fEval(t + C5 * h, y1, k5);
    for (let i = 0; i < N; i++) ys[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
    const tph = last ? target : t + h;
    fEval(tph, ys, k6);
    for (let i = 0; i < N; i++) y1[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
    fEval(tph, y1, k7);

    let err = 0;
    if (!fixed) {
      for (let i = 0; i < N; i++) {
        const ei = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
        const sk = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(y1[i]));
        err += (ei / sk) * (ei / sk);
      }
      err = Math.sqrt(err / Math.max(N, 1));
      if (Number.isNaN(err)) err = Infinity;
    } else {
      for (let i = 0; i < N; i++) {
        if (!Number.isFinite(y1[i])) {
          throw new AttnflowError('options.fixedStep', `the state became non-finite at t = ${tph}`, 'use a smaller fixed step', 'not-finite');
        }
      }
    }

    const fac11 = Math.pow(err, EXPO1);
    const fac = Math.max(FACC2, Math.min(FACC1, fac11 / Math.pow(facold, BETA) / SAFE));
    let hnew = fixed ?? h / fac;

    if (err > 1) {
      hnew = h / Math.min(FACC1, fac11 / SAFE);
      reject = true;
      stats.rejected++;
      h = hnew;
      continue;
    }

    // Accepted step t -> tph.
    facold = Math.max(err, 1e-4);
    stats.steps++;
    tOld = t;
    hStep = h;
    const nextOutputInStep = k < times.length && times[k] <= tph;
    if (nextOutputInStep || events.length) {
      for (let i = 0; i < N; i++) {
        const ydiff = y1[i] - y[i];
        const bspl = h * k1[i] - ydiff;
        r2[i] = ydiff;
        r3[i] = bspl;
        r4[i] = ydiff - h * k7[i] - bspl;
        r5[i] = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
      }
    }
    if (retract) retract(y1);
    t = tph;
    result.t = t;

    let tStop = Infinity;
    let fired = -1;
    let firedState: Float64Array | undefined;
    if (events.length) {
      fired = firstEvent(events, t, y1);
      if (fired >= 0) {
        [tStop, fired, firedState] = locateEvent(events, tOld, t, y1, denseAt, options.eventTolerance, N);
      }
    }

    // Outputs in (tOld, min(t, tStop)]: exact step end when they coincide, else interpolated.
    while (k < times.length && times[k] <= t && times[k] <= tStop) {
      const s = times[k++];
      const out = new Float64Array(N);
      if (s === t) out.set(y1);
      else denseAt(s, out);
      result.times.push(s);
      result.states.push(out);
    }
    if (fired >= 0) {
      result.stoppedBy = { name: events[fired].name, index: fired, t: tStop, state: firedState! };
      result.t = tStop;
      return result;
    }

    [y, y1] = [y1, y];
    [k1, k7] = [k7, k1]; // FSAL: f at the new point is the last stage
    options.onProgress?.(t, tEnd);
    if (k >= times.length) return result;

    // A step shortened to land on an output time says little about the step size the controller wants.
    if (last && !fixed) hnew = Math.max(hnew, hProposed);
    if (hnew > hmax) hnew = hmax;
    if (reject) hnew = Math.min(hnew, hProposed);
    reject = false;
    h = hnew;
  }
}

/**
 * Finds, by bisection on the dense output of the step [tOld, t], a time where some event holds with
 * none holding `tol` earlier; returns that time, the event index and the (retracted) state.
 */
function locateEvent(
  events: OdeOptions['events'] & {},
  tOld: number,
  t: number,
  yEnd: Float64Array,
  denseAt: (s: number, out: Float64Array) => void,
  tolOption: number | undefined,
  N: number,
): [number, number, Float64Array] {
  const tol = tolOption ?? 1e-10 * Math.max(1, Math.abs(t));
  let lo = tOld, hi = t;
  let hiIndex = firstEvent(events, t, yEnd);
  let hiState = Float64Array.from(yEnd);
  const probe = new Float64Array(N);
  for (let it = 0; it < 200 && hi - lo > tol; it++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    denseAt(mid, probe);
    const e = firstEvent(events, mid, probe);
    if (e >= 0) {
      hi = mid;
      hiIndex = e;
      hiState = Float64Array.from(probe);
    } else {
      lo = mid;
    }
  }
  return [hi, hiIndex, hiState];
}

/**
 * Hairer's starting step (HINIT): an explicit Euler probe sizes h so that the first step's local
 * error is about the tolerance. Costs one evaluation.
 */
function initialStep(
  f: VectorField,
  t: number,
  y: Float64Array,
  f0: Float64Array,
  rtol: number,
  atol: number,
  hmax: number,
  scratchY: Float64Array,
  scratchF: Float64Array,
  stats: { evaluations: number },
): number {
  const N = y.length;
  let dnf = 0, dny = 0;
  for (let i = 0; i < N; i++) {
    const sk = atol + rtol * Math.abs(y[i]);
    dnf += (f0[i] / sk) ** 2;
    dny += (y[i] / sk) ** 2;
  }
  let h = dnf <= 1e-10 || dny <= 1e-10 ? 1e-6 : Math.sqrt(dny / dnf) * 0.01;
  h = Math.min(h, hmax);
  for (let i = 0; i < N; i++) scratchY[i] = y[i] + h * f0[i];
  f(t + h, scratchY, scratchF);
  stats.evaluations++;
  let der2 = 0;
  for (let i = 0; i < N; i++) {
    const sk = atol + rtol * Math.abs(y[i]);
    der2 += ((scratchF[i] - f0[i]) / sk) ** 2;
  }
  der2 = Math.sqrt(der2) / h;
  const der12 = Math.max(Math.abs(der2), Math.sqrt(dnf));
  const h1 = der12 <= 1e-15 ? Math.max(1e-6, h * 1e-3) : Math.pow(0.01 / der12, 1 / 5);
  const h0 = Math.min(100 * h, h1, hmax);
  return Number.isFinite(h0) && h0 > 0 ? h0 : 1e-6;
}
