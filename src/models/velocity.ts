import { AttnflowError } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import { applyScale, scaledDrift } from './attentionDrift.ts';
import type { AttentionParams } from './params.ts';
import { validateParams, validateTokens } from './params.ts';
import type { ProjectionPlan } from './projectionPlan.ts';

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
  return mat(X.rows, X.cols, velocityInto(X, params, resultArray(X.rows * X.cols), options));
}

/**
 * A new Float64Array of `length` entries for a result that velocityInto overwrites entirely (every
 * kernel path writes every entry: test/models/velocity.test.ts): from 512 entries up without the zero
 * fill (8192 entries: 3.4 us zeroed, 1.0 us not; 131072: 104 us and 5 us). The first writes into
 * fresh pages still fault them in, about 5 us at 8192 entries, which is what a fresh result costs
 * beyond velocityInto.
 */
function resultArray(length: number): Float64Array {
  if (length < 512) return new Float64Array(length);
  const bytes = Buffer.allocUnsafeSlow(length * 8); // a fresh ArrayBuffer of its own, offset 0
  return new Float64Array(bytes.buffer, bytes.byteOffset, length);
}

/**
 * {@link velocity} written into `out` (flat n x d, not aliasing X.data), which it returns: the form
 * integrators use, since a fresh result array costs an allocation and later GC work that at small n
 * exceed the arithmetic.
 */
export function velocityInto(X: Tokens, params: AttentionParams, out: Float64Array, options: VelocityOptions = {}): Float64Array {
  if (options.validate ?? true) {
    validateTokens(X, true);
    validateParams(params, X.cols);
  }
  if (!(out instanceof Float64Array) || out.length !== X.rows * X.cols) {
    throw new AttnflowError('out', `expected a Float64Array of length ${X.rows * X.cols} (n x d)`, 'pass new Float64Array(n * d)');
  }
  if (out.buffer === X.data.buffer && out.byteOffset < X.data.byteOffset + X.data.byteLength && X.data.byteOffset < out.byteOffset + out.byteLength) {
    throw new AttnflowError('out', 'overlaps the tokens X', 'pass a separate output array');
  }
  return plannedVelocityInto(X, params, out);
}

/**
 * {@link velocityInto} without validation, through a given plan (src/models/projectionPlan.ts): for
 * the vector field of an integrator, which makes the plan once per flow. Not part of the public API.
 */
export function plannedVelocityInto(X: Tokens, params: AttentionParams, out: Float64Array, plan?: ProjectionPlan): Float64Array {
  // P^perp is linear, so projecting (inside scaledDrift) before scaling keeps USA's huge factor
  // e^{beta m_i} off the cancellation y - <x,y> x.
  const { U, logScale } = scaledDrift(X, params, true, out, true, plan);
  applyScale(U, logScale, X.rows, X.cols, 'velocity', params.beta);
  return U;
}
