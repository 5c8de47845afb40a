import type { Mat, Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import { applyScale, scaledDrift } from './attentionDrift.ts';
import type { AttentionParams } from './params.ts';
import { validateParams, validateTokens } from './params.ts';
import { projectTangentInPlace } from './projectTangent.ts';

/** Options for {@link velocity}. */
export interface VelocityOptions {
  /**
   * Validate shapes, finiteness, beta >= 0 and unit tokens before computing (default `true`).
   * Integrators turn it off inside their loops, where the state is known to be valid.
   */
  readonly validate?: boolean;
}

/**
 * The self-attention vector field dx_i/dt = P^perp_{x_i}( sum_j w_ij V x_j ) of eq. (2.3), with
 * w_ij = e^{beta <Q x_i, K x_j>} / Z_{beta,i} for SA (eq. 2.4) or / n for USA (§3.3); the sum includes
 * j = i. Returns an n x d matrix; row i is tangent to the sphere at x_i.
 */
export function velocity(X: Tokens, params: AttentionParams, options: VelocityOptions = {}): Mat {
  if (options.validate ?? true) {
    validateTokens(X, true);
    validateParams(params, X.cols);
  }
  const { U, logScale } = scaledDrift(X, params);
  // P^perp is linear, so projecting before scaling keeps USA's huge factor e^{beta m_i} off the
  // cancellation y - <x,y> x.
  projectTangentInPlace(X, U);
  applyScale(U, logScale, X.rows, X.cols, 'velocity', params.beta);
  return mat(X.rows, X.cols, U);
}
