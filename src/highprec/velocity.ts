import type { Decimal } from 'decimal.js';
import type { Tokens } from '../linalg/mat.ts';
import type { AttentionParams } from '../models/params.ts';
import { validateParams, validateTokens } from '../models/params.ts';
import { attentionWeights } from './attentionWeights.ts';
import type { DMat } from './dmat.ts';
import { isDMat, toDMat } from './dmat.ts';
import type { HighPrecisionOptions } from './options.ts';
import { contextFor } from './options.ts';
import type { DAttentionParams } from './params.ts';
import { applyRowsD, toDParams } from './params.ts';
import { projectTangent } from './projectTangent.ts';

/** The un-projected drift a_i = sum_j A_ij V x_j of eq. (2.3) (SA) or §3.3 (USA), in high precision. */
export function attentionDriftD(X: DMat, p: DAttentionParams): DMat {
  const n = X.rows, d = X.cols, D = X.D;
  const { A } = attentionWeights(X, p);
  const vx = applyRowsD(X, p.V);
  const out: Decimal[] = new Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      let s = new D(0);
      for (let j = 0; j < n; j++) s = s.plus(A.data[i * n + j].times(vx.data[j * d + k]));
      out[i * d + k] = s;
    }
  }
  return { rows: n, cols: d, data: out, D };
}

/** The vector field of eq. (2.3) on already converted inputs (the integrators' inner loop). */
export function velocityD(X: DMat, p: DAttentionParams): DMat {
  return projectTangent(X, attentionDriftD(X, p));
}

/**
 * High precision mirror of `velocity` (src/models/velocity.ts): x_i' = P^perp_{x_i}(sum_j w_ij V x_j)
 * of eq. (2.3), SA (eq. 2.4) or USA (§3.3), general Q, K, V. Float64 inputs are converted exactly,
 * so the result is the velocity of exactly the float64 input, correct to about `precision` digits.
 * Float64 tokens are validated like the engine does (unit rows within 1e-6).
 */
export function velocity(X: Tokens | DMat, params: AttentionParams, options: HighPrecisionOptions = {}): DMat {
  if (!isDMat(X)) validateTokens(X, true);
  validateParams(params, X.cols);
  const D = contextFor(X, options);
  return velocityD(toDMat(X, D), toDParams(params, D));
}
