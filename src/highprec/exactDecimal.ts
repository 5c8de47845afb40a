import type { Decimal } from 'decimal.js';
import { assertFinite } from '../errors.ts';
import type { DecimalCtor } from './context.ts';

/** A float64 as an exact dyadic rational mant * 2^exp, with mant odd (or 0). */
export interface Dyadic {
  readonly mant: bigint;
  readonly exp: number;
}

const view = new DataView(new ArrayBuffer(8));

/**
 * The exact value of a float64 as mant * 2^exp, read from its IEEE-754 bits. A float64 is an exact
 * binary fraction; going through its shortest decimal string (what `new Decimal(x)` does) is not.
 */
export function dyadic(x: number, field = 'x'): Dyadic {
  assertFinite(x, field);
  if (x === 0) return { mant: 0n, exp: 0 };
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074; // subnormal: no hidden bit
  else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  while ((m & 1n) === 0n) {
    m >>= 1n;
    e++;
  }
  return { mant: hi >>> 31 ? -m : m, exp: e };
}

/** Sign of a * 2^e - b * 2^f for any integers a, b: compares two dyadic rationals exactly. */
export function compareDyadic(a: bigint, e: number, b: bigint, f: number): number {
  const m = Math.min(e, f);
  const x = a << BigInt(e - m), y = b << BigInt(f - m);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The exact decimal expansion of N * 2^E (always finite, since 2^-k = 5^k / 10^k), as a plain string
 * without exponent, e.g. `dyadicToDecimalString(1n, -1)` is "0.5".
 */
export function dyadicToDecimalString(N: bigint, E: number): string {
  if (N === 0n) return '0';
  if (E >= 0) return (N << BigInt(E)).toString();
  const neg = N < 0n;
  const k = -E;
  const digits = ((neg ? -N : N) * 5n ** BigInt(k)).toString().padStart(k + 1, '0');
  let frac = digits.slice(digits.length - k).replace(/0+$/, '');
  const int = digits.slice(0, digits.length - k);
  return (neg ? '-' : '') + int + (frac ? '.' + frac : '');
}

/** The exact decimal expansion of a float64 (up to 767 significant digits), e.g. 0.1 -> "0.1000000000000000055511151231257827021181583404541015625". */
export function exactDecimalString(x: number, field = 'x'): string {
  const { mant, exp } = dyadic(x, field);
  return dyadicToDecimalString(mant, exp);
}

/**
 * The float64 `x` as a Decimal of constructor `D` holding its exact value (decimal.js does not round
 * in the constructor; the first arithmetic operation rounds to `D.precision`).
 */
export function exactDecimal(x: number, D: DecimalCtor, field = 'x'): Decimal {
  return new D(exactDecimalString(x, field));
}
