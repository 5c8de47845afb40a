import type { Mat } from '../linalg/mat.ts';
import type { DecimalCtor } from './context.ts';
import { decimalContext } from './context.ts';
import type { DMat } from './dmat.ts';
import { isDMat } from './dmat.ts';

/** Options shared by the high precision mirror. */
export interface HighPrecisionOptions {
  /**
   * Significant decimal digits (default 50, or the precision of a Decimal input). Never decimal.js's
   * global default of 20.
   */
  readonly precision?: number;
}

/** The constructor to compute with: the requested precision, else that of a Decimal input, else 50 digits. */
export function contextFor(X: Mat | DMat, options: HighPrecisionOptions = {}): DecimalCtor {
  if (options.precision !== undefined) return decimalContext(options.precision);
  return isDMat(X) ? X.D : decimalContext();
}
