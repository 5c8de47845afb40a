import { AttnflowError, assertFinite, assertInteger } from '../errors.ts';
import type { Tokens } from '../linalg/mat.ts';
import { clone } from '../linalg/mat.ts';
import { normalizeRows } from '../linalg/vec.ts';
import { applyScale, scaledDrift } from './attentionDrift.ts';
import type { AttentionParams } from './params.ts';
import { validateParams, validateTokens } from './params.ts';

/**
 * One Post-LN residual layer, the discrete scheme of PROTOCOL.md and THEORY.md §1.7:
 * x_i <- (x_i + h a_i) / |x_i + h a_i| with a_i = sum_j w_ij V x_j and no tangent projection
 * (normalisation acts as the retraction), all tokens updated at once. A first-order integrator of (2.3).
 */
export function layerStep(X: Tokens, params: AttentionParams, h: number): Tokens {
  const { U, logScale } = scaledDrift(X, params, true);
  applyScale(U, logScale, X.rows, X.cols, 'layer update', params.beta);
  const out = clone(X);
  const y = out.data;
  for (let k = 0; k < y.length; k++) y[k] += h * U[k];
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let k = 0; k < X.cols; k++) s += y[i * X.cols + k] * y[i * X.cols + k];
    if (s === 0 || !Number.isFinite(s)) {
      throw new AttnflowError('h', `token ${i} became ${s === 0 ? 'zero' : 'non-finite'} before normalisation (x_i + h a_i = ${s === 0 ? '0' : 'inf'})`, 'use a smaller step h');
    }
  }
  normalizeRows(y, X.rows, X.cols);
  return out;
}

/** Checks a step size h > 0 (finite) and a step count in [1, maxSteps], naming the field. */
export function validateStepping(h: number, steps: number, maxSteps = 1e7): void {
  assertFinite(h, 'h');
  if (h <= 0) throw new AttnflowError('h', `step size must be > 0, got ${h}`, 'pass a positive h such as 0.1');
  assertInteger(steps, 'steps', 1, maxSteps);
}

/** `steps` Post-LN layers from X_0 = X; returns [X_1, ..., X_steps] (PROTOCOL.md op `layer`). */
export function layer(X: Tokens, params: AttentionParams, h: number, steps: number): Tokens[] {
  validateTokens(X, true);
  validateParams(params, X.cols);
  validateStepping(h, steps);
  const out: Tokens[] = [];
  let cur = X;
  for (let s = 0; s < steps; s++) {
    cur = layerStep(cur, params, h);
    out.push(cur);
  }
  return out;
}
