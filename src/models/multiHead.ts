import { AttnflowError } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import { applyScale, scaledDrift } from './attentionDrift.ts';
import type { ModelKind } from './params.ts';
import { validateParams, validateTokens } from './params.ts';
import { projectTangentInPlace } from './projectTangent.ts';
import type { VelocityOptions } from './velocity.ts';

/** Query, key and value matrices of one head h; a missing or `null` matrix is the identity. */
export interface HeadParams {
  /** Q_h, k_h x d (default identity). */
  readonly Q?: Mat | null;
  /** K_h, k_h x d (default identity). */
  readonly K?: Mat | null;
  /** V_h, d x d (default identity). */
  readonly V?: Mat | null;
}

/** Parameters of multi-head attention, eq. (2.7): one beta and normaliser, H >= 1 heads. */
export interface MultiHeadParams {
  /** `sa` (each head divides by its own Z_{beta,i,h}, default) or `usa` (each head divides by n). */
  readonly model?: ModelKind;
  /** Inverse temperature beta >= 0, shared by all heads. */
  readonly beta: number;
  /** The heads, at least one. */
  readonly heads: readonly HeadParams[];
}

/** Validates multi-head parameters against the token dimension d; errors name e.g. `params.heads[2].V`. */
export function validateMultiHeadParams(params: MultiHeadParams, d: number): void {
  if (params === null || typeof params !== 'object') {
    throw new AttnflowError('params', 'expected an object with beta and heads', 'pass { beta: 1, heads: [{}] }');
  }
  validateParams({ model: params.model, beta: params.beta }, d, 'params');
  if (!Array.isArray(params.heads) || params.heads.length === 0) {
    throw new AttnflowError('params.heads', 'expected a non-empty array of heads', 'pass heads: [{ Q, K, V }, ...] with at least one head ({} is the identity head)');
  }
  params.heads.forEach((head, h) => {
    if (head === null || typeof head !== 'object') {
      throw new AttnflowError(`params.heads[${h}]`, 'expected an object { Q?, K?, V? }', 'pass {} for an identity head');
    }
    validateParams({ beta: params.beta, Q: head.Q, K: head.K, V: head.V }, d, `params.heads[${h}]`);
  });
}

/**
 * Multi-head self-attention on the sphere, eq. (2.7):
 * x_i' = P^perp_{x_i}( sum_h sum_j [e^{beta <Q_h x_i, K_h x_j>} / Z_{beta,i,h}] V_h x_j ),
 * Z_{beta,i,h} built from (Q_h, K_h) as in (2.4) (or n for USA). One projection of the summed drifts.
 * Returns an n x d matrix whose row i is tangent at x_i; H = 1 is {@link velocity}.
 */
export function multiHeadVelocity(X: Tokens, params: MultiHeadParams, options: VelocityOptions = {}): Mat {
  if (options.validate ?? true) {
    validateTokens(X, true);
    validateMultiHeadParams(params, X.cols);
  }
  const n = X.rows, d = X.cols;
  const drifts = params.heads.map((head) => scaledDrift(X, { model: params.model, beta: params.beta, Q: head.Q, K: head.K, V: head.V }));
  // USA heads carry row factors e^{logScale_{i,h}} that may overflow apart; sum them relative to the
  // largest factor of the row so the total stays finite wherever the answer is.
  const U = new Float64Array(n * d);
  const logScale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let top = -Infinity;
    for (const dr of drifts) if (dr.logScale[i] > top) top = dr.logScale[i];
    logScale[i] = top;
    for (const dr of drifts) {
      const f = Math.exp(dr.logScale[i] - top);
      if (f === 0) continue;
      for (let k = 0; k < d; k++) U[i * d + k] += f * dr.U[i * d + k];
    }
  }
  projectTangentInPlace(X, U);
  applyScale(U, logScale, n, d, 'multi-head velocity', params.beta);
  return mat(n, d, U);
}
