import type { Decimal } from 'decimal.js';
import type { DMat } from './dmat.ts';
import { rowDotD } from './dmat.ts';

/** P^perp_{x_i} y_i = y_i - <x_i, y_i> x_i for every row (§0.3), in high precision; returns a new matrix. */
export function projectTangent(X: DMat, Y: DMat): DMat {
  const n = X.rows, d = X.cols, D = X.D;
  const out: Decimal[] = new Array(n * d);
  for (let i = 0; i < n; i++) {
    const s = rowDotD(X, i, Y, i);
    for (let k = 0; k < d; k++) out[i * d + k] = Y.data[i * d + k].minus(s.times(X.data[i * d + k]));
  }
  return { rows: n, cols: d, data: out, D };
}
