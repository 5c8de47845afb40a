import type { Decimal } from 'decimal.js';
import { AttnflowError } from '../errors.ts';
import type { Mat } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import type { DecimalCtor } from './context.ts';
import { exactDecimal } from './exactDecimal.ts';

/**
 * The high precision mirror of {@link Mat}: rows x cols Decimals, flat row-major, all built by the
 * same cloned constructor `D` (so all share one precision).
 */
export interface DMat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Decimal[];
  readonly D: DecimalCtor;
}

/** High precision tokens (n rows, d columns), mirroring `Tokens`. */
export type DTokens = DMat;

/** True if `m` is a {@link DMat} rather than a float64 {@link Mat}. */
export function isDMat(m: Mat | DMat): m is DMat {
  return Array.isArray(m.data);
}

/**
 * Converts a float64 matrix to Decimals exactly (each entry's binary value, see `exactDecimal`).
 * A {@link DMat} built by the same `D` is returned as is; one at another precision is an error.
 */
export function toDMat(m: Mat | DMat, D: DecimalCtor, field = 'X'): DMat {
  if (isDMat(m)) {
    if (m.D !== D) {
      throw new AttnflowError(field, `is a Decimal matrix at precision ${m.D.precision}, but ${D.precision} digits were requested`, 'pass the same precision throughout, or convert with toFloat64 first');
    }
    return m;
  }
  const data: Decimal[] = new Array(m.data.length);
  for (let k = 0; k < m.data.length; k++) data[k] = exactDecimal(m.data[k], D, `${field}[${Math.floor(k / m.cols)}][${k % m.cols}]`);
  return { rows: m.rows, cols: m.cols, data, D };
}

/** Rounds a {@link DMat} to the nearest float64 entrywise (a Decimal too large for float64 becomes +-Infinity). */
export function toFloat64(m: DMat): Mat {
  const out = mat(m.rows, m.cols);
  for (let k = 0; k < m.data.length; k++) out.data[k] = m.data[k].toNumber();
  return out;
}

/** A rows x cols {@link DMat} of zeros. */
export function dzeros(rows: number, cols: number, D: DecimalCtor): DMat {
  const zero = new D(0);
  return { rows, cols, data: new Array(rows * cols).fill(zero), D };
}

/** <A_i, B_j>: row i of `A` dotted with row j of `B` (same column count), summed in column order at A's precision. */
export function rowDotD(A: DMat, i: number, B: DMat, j: number): Decimal {
  const d = A.cols;
  let s = new A.D(0);
  for (let k = 0; k < d; k++) s = s.plus(A.data[i * d + k].times(B.data[j * d + k]));
  return s;
}
