import { Decimal } from 'decimal.js';
import { assertInteger } from '../errors.ts';

/** The decimal.js constructor type; every high precision value is built by one cloned at a set precision. */
export type DecimalCtor = typeof Decimal;

/** Default working precision of the high precision mirror, in significant decimal digits. */
export const DEFAULT_PRECISION = 50;

const cache = new Map<number, DecimalCtor>();

/**
 * A decimal.js constructor cloned at `precision` significant digits (default 50), rounding half-even.
 * Never decimal.js's global default of 20 digits: every mirror value is created through one of these.
 */
export function decimalContext(precision: number = DEFAULT_PRECISION): DecimalCtor {
  assertInteger(precision, 'precision', 17, 10_000);
  let D = cache.get(precision);
  if (!D) {
    D = Decimal.clone({ precision, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -1e6, toExpPos: 1e6 });
    cache.set(precision, D);
  }
  return D;
}
