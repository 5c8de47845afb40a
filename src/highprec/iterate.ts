import type { Tokens } from '../linalg/mat.ts';
import type { AttentionParams } from '../models/params.ts';
import { validateParams, validateTokens } from '../models/params.ts';
import { validateStepping } from '../models/layer.ts';
import type { DMat } from './dmat.ts';
import { isDMat, toDMat } from './dmat.ts';
import type { HighPrecisionOptions } from './options.ts';
import { contextFor } from './options.ts';
import type { DAttentionParams } from './params.ts';
import { toDParams } from './params.ts';

/**
 * The mirror's stepping driver, shared by `layer` and `rk4`: validates the request as the float64
 * engine does, converts the inputs exactly at the caller's precision, and returns [X_1, ..., X_steps].
 */
export function iterateD(
  X: Tokens | DMat,
  params: AttentionParams,
  h: number,
  steps: number,
  options: HighPrecisionOptions,
  step: (cur: DMat, p: DAttentionParams) => DMat,
): DMat[] {
  if (!isDMat(X)) validateTokens(X, true);
  validateParams(params, X.cols);
  validateStepping(h, steps, 1e6);
  const D = contextFor(X, options);
  const p = toDParams(params, D);
  let cur = toDMat(X, D);
  const out: DMat[] = [];
  for (let s = 0; s < steps; s++) {
    cur = step(cur, p);
    out.push(cur);
  }
  return out;
}
