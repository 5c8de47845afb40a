import { AttnflowError, assertInteger } from '../errors.ts';
import { mat } from '../linalg/mat.ts';
import { normalizeRows } from '../linalg/vec.ts';
import type { AttentionParams } from '../models/params.ts';
import { validateParams } from '../models/params.ts';
import { makeProjectionPlan } from '../models/projectionPlan.ts';
import { plannedVelocityInto } from '../models/velocity.ts';

/**
 * An autonomous or time-dependent ODE y' = f(t, y) on a flat state vector: writes f(t, y) into `dy`.
 * It must not keep `y` or `dy`: integrators reuse both buffers between calls.
 */
export type VectorField = (t: number, y: Float64Array, dy: Float64Array) => void;

/**
 * Maps a state back onto the manifold the exact flow preserves, in place (for tokens: the product of
 * spheres, invariant S1). Applied after each accepted step and to interpolated outputs.
 */
export type Retraction = (y: Float64Array) => void;

/** The shape of a token configuration: n tokens (rows) in R^d (columns). */
export interface TokenShape {
  /** Number of tokens n >= 1. */
  readonly rows: number;
  /** Dimension d >= 1. */
  readonly cols: number;
}

/**
 * The retraction onto (S^{d-1})^n: divides each of the n rows of a flat n x d state by its norm.
 * Projection is the nearest-point map, so it removes only the O(local error) drift off the sphere
 * that a Runge–Kutta step makes (S1) and keeps the order of the method.
 */
export function sphereRetraction(n: number, d: number): Retraction {
  assertInteger(n, 'n', 1);
  assertInteger(d, 'd', 1);
  return (y) => normalizeRows(y, n, d);
}

/**
 * The self-attention field (2.3) (SA or USA, any Q, K, V) as a {@link VectorField} on flat n x d
 * states. Parameters are validated once here; inside the integrator the velocity kernel runs
 * unvalidated and writes straight into `dy`.
 */
export function attentionField(shape: TokenShape, params: AttentionParams): VectorField {
  if (!shape || typeof shape !== 'object') {
    throw new AttnflowError('shape', 'expected { rows, cols }', 'pass the token matrix X or { rows: n, cols: d }');
  }
  const n = shape.rows, d = shape.cols;
  assertInteger(n, 'shape.rows', 1);
  assertInteger(d, 'shape.cols', 1);
  validateParams(params, d);
  // The matrices as validated now: later changes to the caller's arrays do not reach this field.
  const plan = makeProjectionPlan(params);
  const size = n * d;
  return (_t, y, dy) => {
    if (y.length !== size || dy.length !== size) {
      throw new AttnflowError('y', `state has length ${y.length} but the field is for ${n} x ${d} tokens`, `pass states of length ${size}`, 'internal');
    }
    plannedVelocityInto(mat(n, d, y), params, dy, plan);
  };
}
