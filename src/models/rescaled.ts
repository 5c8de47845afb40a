import { AttnflowError, assertFinite } from '../errors.ts';
import { expm } from '../linalg/expm.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { identity, mat } from '../linalg/mat.ts';
import { shiftedWeights } from './attentionDrift.ts';
import type { AttentionParams } from './params.ts';
import { validateParams, validateTokens } from './params.ts';
import { applyRows } from './scores.ts';
import type { VelocityOptions } from './velocity.ts';

function validate(Z: Tokens, params: AttentionParams, field: string): void {
  validateTokens(Z, false, undefined, field);
  validateParams(params, Z.cols);
  if ((params.model ?? 'sa') !== 'sa') {
    // (9.3) uses sum_j A_ij = 1 to turn -V z_i + sum_j A_ij V z_j into sum_j A_ij V (z_j - z_i).
    throw new AttnflowError('params.model', `the rescaled dynamics (9.3)-(9.4) are stated for the normalised model, got ${JSON.stringify(params.model)}`, 'use model "sa" (or omit model)');
  }
}

/** Rows e^{tV} z_i: the original tokens x_i = e^{tV} z_i of (9.2). */
function lift(t: number, Z: Tokens, V: Mat | null | undefined): Tokens {
  const E = expm(V ?? identity(Z.cols), t);
  const y = applyRows(Z, E);
  return mat(Z.rows, Z.cols, y.data === Z.data ? Float64Array.from(y.data) : y.data);
}

/** sum_j A_ij V (z_j - z_i) with A the SA weights of the score tokens Y (Y = e^{tV} Z, or Z for (9.4)). */
function relativeDrift(Y: Tokens, Z: Tokens, params: AttentionParams): Mat {
  const n = Z.rows, d = Z.cols;
  const { W, rowSum } = shiftedWeights(Y, { beta: params.beta, Q: params.Q, K: params.K });
  const vz = applyRows(Z, params.V).data;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const inv = 1 / rowSum[i];
    const oi = i * d;
    for (let j = 0; j < n; j++) {
      const w = W[i * n + j] * inv;
      if (w === 0 || j === i) continue;
      const oj = j * d;
      // Differences before weighting: the j = i term vanishes exactly and clusters keep their digits.
      for (let k = 0; k < d; k++) out[oi + k] += w * (vz[oj + k] - vz[oi + k]);
    }
  }
  return mat(n, d, out);
}

/**
 * Right-hand side of the rescaled pure-attention dynamics, eq. (9.3), for z_i(t) = e^{-tV} x_i(t) (9.2):
 * z_i' = (1/Z_{beta,i}) sum_j e^{beta <Q e^{tV} z_i, K e^{tV} z_j>} V (z_j - z_i), Z_{beta,i} from the same
 * exponents. If x solves (9.1) then z = e^{-tV} x solves this, with the same attention matrix.
 * SA only. Costs one d x d matrix exponential per call.
 * @param t - time, finite (enters through e^{tV}).
 * @param Z - n x d rescaled tokens in R^d.
 */
export function rescaledVelocity(t: number, Z: Tokens, params: AttentionParams, options: VelocityOptions = {}): Mat {
  if (options.validate ?? true) {
    assertFinite(t, 't');
    validate(Z, params, 'Z');
  }
  return relativeDrift(lift(t, Z, params.V), Z, params);
}

/**
 * The time-independent rescaled dynamics, eq. (9.4): (9.3) with e^{tV} replaced by I,
 * z_i' = (1/Z_{beta,i}) sum_j e^{beta <Q z_i, K z_j>} V (z_j - z_i). Its beta -> infinity limit is the
 * hardmax dynamics (9.5)-(9.6) (expected, not proved; see `hardmaxVelocity`). SA only.
 */
export function rescaledVelocityAutonomous(Z: Tokens, params: AttentionParams, options: VelocityOptions = {}): Mat {
  if (options.validate ?? true) validate(Z, params, 'Z');
  return relativeDrift(Z, Z, params);
}

/**
 * The self-attention matrix of the rescaled dynamics (9.3) at time t:
 * A_ij = e^{beta <Q e^{tV} z_i, K e^{tV} z_j>} / Z_{beta,i}, row-stochastic. It equals the matrix (2.5) of
 * the original tokens x = e^{tV} z (§9.2).
 */
export function rescaledAttentionWeights(t: number, Z: Tokens, params: AttentionParams): Mat {
  assertFinite(t, 't');
  validate(Z, params, 'Z');
  const n = Z.rows;
  const { W, rowSum } = shiftedWeights(lift(t, Z, params.V), { beta: params.beta, Q: params.Q, K: params.K });
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) W[i * n + j] /= rowSum[i];
  return mat(n, n, W);
}
