import { AttnflowError, assertFinite, assertInteger } from '../errors.ts';
import type { OdeOptions } from './odeTypes.ts';

/**
 * Checks that output times are finite, >= t0 and non-decreasing (PROTOCOL.md op `flow`), naming the
 * offending entry `times[k]`.
 */
export function validateTimes(times: readonly number[], t0 = 0, field = 'times'): void {
  if (!Array.isArray(times)) {
    throw new AttnflowError(field, `expected an array of output times, got ${typeof times}`, `pass ${field} as [t1, t2, ...] with 0 <= t1 <= t2 <= ...`);
  }
  for (let k = 0; k < times.length; k++) {
    const t = times[k];
    assertFinite(t, `${field}[${k}]`);
    if (t < t0) {
      throw new AttnflowError(`${field}[${k}]`, `time ${t} is before the start time ${t0}`, `pass output times >= ${t0}`);
    }
    if (k > 0 && t < times[k - 1]) {
      throw new AttnflowError(`${field}[${k}]`, `time ${t} is smaller than ${field}[${k - 1}] = ${times[k - 1]}`, 'sort the output times in increasing order');
    }
  }
}

/** Validates the options every driver shares (t0, maxSteps, events, retraction, onProgress). */
export function validateOdeOptions(options: OdeOptions, field = 'options'): void {
  if (options === null || typeof options !== 'object') {
    throw new AttnflowError(field, 'expected an options object', 'pass {} or omit it');
  }
  if (options.t0 !== undefined) assertFinite(options.t0, `${field}.t0`);
  if (options.maxSteps !== undefined) assertInteger(options.maxSteps, `${field}.maxSteps`, 1);
  if (options.retraction !== undefined && typeof options.retraction !== 'function') {
    throw new AttnflowError(`${field}.retraction`, 'expected a function (y) => void', 'pass e.g. sphereRetraction(n, d) or omit it');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new AttnflowError(`${field}.onProgress`, 'expected a function (t, tEnd) => void', 'pass a function or omit it');
  }
  if (options.events !== undefined) {
    if (!Array.isArray(options.events)) throw new AttnflowError(`${field}.events`, 'expected an array', 'pass [{ name, test }]');
    options.events.forEach((e, k) => {
      if (!e || typeof e.test !== 'function' || typeof e.name !== 'string') {
        throw new AttnflowError(`${field}.events[${k}]`, 'expected { name: string, test: (t, y) => boolean }', 'give every event a name and a test function');
      }
    });
  }
}

/** Throws unless `value` is a finite number > 0. */
export function assertPositive(value: number, field: string, example: string): void {
  assertFinite(value, field);
  if (value <= 0) throw new AttnflowError(field, `must be > 0, got ${value}`, `pass a positive ${field} such as ${example}`);
}
