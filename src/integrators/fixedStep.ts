import { AttnflowError } from '../errors.ts';
import { DEFAULT_MAX_STEPS } from './odeTypes.ts';
import type { OdeOptions, OdeResult } from './odeTypes.ts';
import { firstEvent } from './events.ts';
import { assertPositive, validateOdeOptions, validateTimes } from './validateTimes.ts';

/** One step of a one-step method: writes the state at t + h, started from y at t, into `out`. */
export type FixedStepper = (t: number, y: Float64Array, h: number, out: Float64Array) => void;

/** Options of {@link integrateFixedStep}. */
export interface FixedStepOptions extends OdeOptions {
  /** Step size h > 0 (required). The step before each output time is shortened to land on it. */
  readonly h: number;
  /** Field evaluations one step costs, for the stats (default 1). */
  readonly evaluationsPerStep?: number;
}

/**
 * Drives a fixed-step one-step method from y0 at t0 through the output times: steps of h, the last
 * one before each output time shortened (or lengthened by at most 1%, which avoids a sliver step
 * after rounding) so that every output is a step end, not an interpolation. Events are checked at
 * each step end; the reported event time is that step end (accurate to one step).
 */
export function integrateFixedStep(step: FixedStepper, y0: Float64Array, times: readonly number[], options: FixedStepOptions): OdeResult {
  validateOdeOptions(options);
  assertPositive(options.h, 'options.h', '0.01');
  const t0 = options.t0 ?? 0;
  validateTimes(times, t0);
  const h = options.h;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const perStep = options.evaluationsPerStep ?? 1;
  const events = options.events ?? [];
  const retract = options.retraction;
  const tEnd = times.length ? times[times.length - 1] : t0;

  let y = Float64Array.from(y0);
  let ynew = new Float64Array(y.length);
  const result: OdeResult = { times: [], states: [], budgetExhausted: false, t: t0, stats: { steps: 0, rejected: 0, evaluations: 0 } };
  let t = t0;
  let k = 0;
  const emit = () => {
    while (k < times.length && times[k] <= t) {
      result.times.push(times[k++]);
      result.states.push(Float64Array.from(y));
    }
  };
  const stopIfEvent = (): boolean => {
    const e = firstEvent(events, t, y);
    if (e < 0) return false;
    result.stoppedBy = { name: events[e].name, index: e, t, state: Float64Array.from(y) };
    return true;
  };

  emit();
  if (stopIfEvent()) return result;
  while (k < times.length) {
    const target = times[k];
    while (t < target) {
      if (result.stats.steps >= maxSteps) {
        result.budgetExhausted = true;
        result.t = t;
        return result;
      }
      const last = t + 1.01 * h >= target;
      const hs = last ? target - t : h;
      step(t, y, hs, ynew);
      result.stats.evaluations += perStep;
      for (let i = 0; i < ynew.length; i++) {
        if (!Number.isFinite(ynew[i])) {
          throw new AttnflowError('options.h', `the state became non-finite at t = ${t + hs} (component ${i})`, 'use a smaller step h, or check that the solution does not blow up', 'not-finite');
        }
      }
      if (retract) retract(ynew);
      [y, ynew] = [ynew, y];
      t = last ? target : t + hs;
      result.stats.steps++;
      result.t = t;
      options.onProgress?.(t, tEnd);
      if (events.length && stopIfEvent()) {
        emit();
        return result;
      }
    }
    emit();
  }
  return result;
}
