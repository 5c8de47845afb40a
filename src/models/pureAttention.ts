import type { Mat, Tokens } from '../linalg/mat.ts';
import { attentionDrift } from './attentionDrift.ts';
import type { AttentionParams } from './params.ts';
import { validateParams, validateTokens } from './params.ts';
import type { VelocityOptions } from './velocity.ts';

/**
 * Self-attention without layer normalisation, eq. (9.1):
 * x_i' = (1/Z_{beta,i}) sum_j e^{beta <Q x_i, K x_j>} V x_j in R^d (or 1/n for `usa`), with no tangent
 * projection. Tokens live in R^d and need not be unit (they generally blow up like e^{tV}, §9.2); only
 * finiteness is checked. Returns an n x d matrix.
 */
export function pureVelocity(X: Tokens, params: AttentionParams, options: VelocityOptions = {}): Mat {
  if (options.validate ?? true) {
    validateTokens(X, false);
    validateParams(params, X.cols);
  }
  return attentionDrift(X, params);
}
