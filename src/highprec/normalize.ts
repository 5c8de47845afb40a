import type { Decimal } from 'decimal.js';
import { AttnflowError } from '../errors.ts';
import type { DMat } from './dmat.ts';
import { rowDotD } from './dmat.ts';

/** Divides every row by its Euclidean norm (the retraction onto S^{d-1}), in high precision; a zero row is an error. */
export function normalizeRows(X: DMat, field = 'X'): DMat {
  const n = X.rows, d = X.cols, D = X.D;
  const out: Decimal[] = new Array(n * d);
  for (let i = 0; i < n; i++) {
    const s = rowDotD(X, i, X, i);
    if (s.isZero()) throw new AttnflowError(`${field}[${i}]`, 'is the zero vector and has no direction', 'use a smaller step h or a non-zero token');
    const r = s.sqrt();
    for (let k = 0; k < d; k++) out[i * d + k] = X.data[i * d + k].div(r);
  }
  return { rows: n, cols: d, data: out, D };
}
