import type { Mat } from '../linalg/mat.ts';
import type { DMat } from './dmat.ts';
import { toDMat } from './dmat.ts';

/** Per-row disagreement between a float64 result and its high precision mirror. */
export interface RowDisagreement {
  /** |approx_i - exact_i| (Euclidean, per row), rounded to float64. */
  readonly err: Float64Array;
  /** |exact_i| per row. */
  readonly norm: Float64Array;
}

/**
 * Row-wise Euclidean error of `approx` (float64, converted exactly) against `exact`, computed in the
 * precision of `exact` and only then rounded, so the reported error is not itself a float64 artefact.
 */
export function compareRows(approx: Mat, exact: DMat): RowDisagreement {
  const a = toDMat(approx, exact.D, 'approx');
  const n = exact.rows, d = exact.cols, D = exact.D;
  const err = new Float64Array(n), norm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let e = new D(0), s = new D(0);
    for (let k = 0; k < d; k++) {
      const x = exact.data[i * d + k];
      const diff = a.data[i * d + k].minus(x);
      e = e.plus(diff.times(diff));
      s = s.plus(x.times(x));
    }
    err[i] = e.sqrt().toNumber();
    norm[i] = s.sqrt().toNumber();
  }
  return { err, norm };
}
