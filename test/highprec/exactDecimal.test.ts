import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalContext, DEFAULT_PRECISION } from '../../src/highprec/context.ts';
import { dyadic, dyadicToDecimalString, exactDecimal, exactDecimalString } from '../../src/highprec/exactDecimal.ts';
import { AttnflowError } from '../../src/errors.ts';

/** Independent exact reading of a float64: V8 prints radix 2 exactly. Returns num / 2^k. */
function viaRadix2(x: number): { num: bigint; k: number } {
  let s = x.toString(2);
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  const [int, frac = ''] = s.split('.');
  const num = BigInt('0b' + (int + frac));
  return { num: neg ? -num : num, k: frac.length };
}

describe('exactDecimal', () => {
  it('0.1 converts to its exact binary value, not to the shortest decimal "0.1"', () => {
    expect(exactDecimalString(0.1)).toBe('0.1000000000000000055511151231257827021181583404541015625');
    const D = decimalContext(50);
    expect(exactDecimal(0.1, D).eq(new D('0.1'))).toBe(false);
  });

  it('integers, powers of two, subnormals, extremes and signed zero convert exactly', () => {
    expect(exactDecimalString(0)).toBe('0');
    expect(exactDecimalString(-0)).toBe('0');
    expect(exactDecimalString(-3)).toBe('-3');
    expect(exactDecimalString(0.5)).toBe('0.5');
    expect(exactDecimalString(2 ** 60)).toBe('1152921504606846976');
    expect(exactDecimalString(Number.MAX_VALUE)).toBe((BigInt(2 ** 53 - 1) << 971n).toString());
    const tiny = exactDecimalString(5e-324); // 2^-1074
    expect(tiny.length).toBe(2 + 1074); // "0." + 1074 digits, the last a 5
    expect(tiny.endsWith('5')).toBe(true);
    expect(dyadic(5e-324)).toEqual({ mant: 1n, exp: -1074 });
  });

  it('the exact string equals the radix-2 expansion for random float64 bit patterns (fast-check, 300 runs)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const { num, k } = viaRadix2(x);
        const { mant, exp } = dyadic(x);
        // mant 2^exp == num 2^-k  <=>  mant 2^(exp+k) == num
        const lhs = exp + k >= 0 ? mant << BigInt(exp + k) : mant;
        const rhs = exp + k >= 0 ? num : num << BigInt(-(exp + k));
        expect(lhs).toBe(rhs);
        expect(Number(exactDecimalString(x))).toBe(x === 0 ? 0 : x); // decimal parses back to the same float
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('dyadicToDecimalString writes N 2^E without trailing zeros', () => {
    expect(dyadicToDecimalString(3n, -2)).toBe('0.75');
    expect(dyadicToDecimalString(-5n, 3)).toBe('-40');
    expect(dyadicToDecimalString(10n, -1)).toBe('5');
  });

  it('the Decimal holds all digits: at 50 digits, exactDecimal(x) - x rounded to 17 digits is exactly 0 in 1100-digit arithmetic', () => {
    const Big = decimalContext(1100);
    const x = 1 / 3;
    const e = exactDecimal(x, Big);
    expect(e.times(2 ** 54).isInteger()).toBe(true);
    expect(e.sd()).toBeGreaterThan(50); // exact value has 54 significant digits, not rounded at construction
  });

  it('the default precision is 50 digits and the context is a clone, never the global 20-digit default', () => {
    expect(DEFAULT_PRECISION).toBe(50);
    const D = decimalContext();
    expect(D.precision).toBe(50);
    expect(new D(1).div(3).sd()).toBe(50);
    expect(() => decimalContext(5)).toThrow(AttnflowError);
    expect(() => exactDecimalString(NaN)).toThrow(/x/);
  });
});
