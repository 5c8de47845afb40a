import type { Decimal } from 'decimal.js';
import type { Mat } from '../linalg/mat.ts';
import { isIdentity } from '../linalg/mat.ts';
import type { AttentionParams, ModelKind } from '../models/params.ts';
import type { DecimalCtor } from './context.ts';
import type { DMat } from './dmat.ts';
import { rowDotD, toDMat } from './dmat.ts';
import { exactDecimal } from './exactDecimal.ts';

/** {@link AttentionParams} converted exactly to Decimals; `null` stands for the identity. */
export interface DAttentionParams {
  readonly model: ModelKind;
  readonly beta: Decimal;
  readonly Q: DMat | null;
  readonly K: DMat | null;
  readonly V: DMat | null;
}

function conv(m: Mat | null | undefined, D: DecimalCtor, field: string): DMat | null {
  // The identity is exact in any precision, so it is skipped like the float64 engine skips it.
  return !m || isIdentity(m) ? null : toDMat(m, D, field);
}

/** Converts float64 attention parameters exactly (each float64 is an exact binary fraction). Does not validate. */
export function toDParams(params: AttentionParams, D: DecimalCtor): DAttentionParams {
  return {
    model: params.model ?? 'sa',
    beta: exactDecimal(params.beta, D, 'params.beta'),
    Q: conv(params.Q, D, 'params.Q'),
    K: conv(params.K, D, 'params.K'),
    V: conv(params.V, D, 'params.V'),
  };
}

/** Row i of the result is M x_i (column-vector convention); `null` returns X itself. */
export function applyRowsD(X: DMat, M: DMat | null): DMat {
  if (!M) return X;
  const n = X.rows, d = X.cols, k = M.rows, D = X.D;
  const out: Decimal[] = new Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      out[i * k + r] = rowDotD(M, r, X, i);
    }
  }
  return { rows: n, cols: k, data: out, D };
}
