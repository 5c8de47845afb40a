import { AttnflowError, assertFinite } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { validateParams, validateTokens } from '../models/params.ts';
import { scoreMatrix } from '../models/scores.ts';

/** Parameters of the interaction energy: only the bilinear form B = Q^T K enters (§1.2). */
export interface EnergyParams {
  /** Inverse temperature beta > 0 (for beta = 0 use {@link energyBeta0}). */
  readonly beta: number;
  /** Query matrix, k x d (default identity). */
  readonly Q?: Mat | null;
  /** Key matrix, k x d (default identity). */
  readonly K?: Mat | null;
}

/** Options for {@link energy} and {@link logEnergy}. */
export interface EnergyOptions {
  /**
   * Check that tokens are finite unit vectors and that beta, Q, K are valid (default `true`).
   * Finite-difference code evaluates the energy off the sphere and turns it off.
   */
  readonly validate?: boolean;
}

function checkInputs(X: Tokens, params: EnergyParams, options: EnergyOptions): void {
  if (!(options.validate ?? true)) return;
  validateTokens(X, true);
  validateParams({ beta: params.beta, Q: params.Q, K: params.K }, X.cols);
  if (params.beta === 0) {
    throw new AttnflowError(
      'params.beta',
      'the energy E_beta = (1/(2 beta n^2)) sum e^{beta <Qx_i,Kx_j>} is defined for beta > 0 and blows up like 1/(2 beta) as beta -> 0',
      'pass beta > 0, or use energyBeta0(X) for the beta = 0 energy E_0 (Appendix A; E_beta - 1/(2 beta) -> E_0/(2n))',
    );
  }
}

/** sum_{ij} e^{beta S_ij} = e^{shift} * sum, with shift = beta max S_ij so that no exponential overflows. */
function shiftedSum(S: Float64Array, beta: number): { shift: number; sum: number } {
  let m = -Infinity;
  for (let i = 0; i < S.length; i++) if (S[i] > m) m = S[i];
  let s = 0;
  for (let i = 0; i < S.length; i++) s += Math.exp(beta * (S[i] - m));
  return { shift: beta * m, sum: s };
}

/**
 * log E_beta(X), finite for every beta > 0 even where E_beta itself exceeds float64.
 * E_beta(X) = (1/(2 beta n^2)) sum_{i,j} e^{beta <Q x_i, K x_j>} (eq. 3.5, Remark 3.8).
 */
export function logEnergy(X: Tokens, params: EnergyParams, options: EnergyOptions = {}): number {
  checkInputs(X, params, options);
  const { shift, sum } = shiftedSum(scoreMatrix(X, params.Q, params.K), params.beta);
  return shift + Math.log(sum / (2 * params.beta * X.rows * X.rows));
}

/**
 * The interaction energy of the particle system (eq. 3.5 in the particle form of Remark 3.8; PROTOCOL op
 * `energy`):
 *
 *     E_beta(X) = (1/(2 beta n^2)) sum_{i,j} exp(beta <Q x_i, K x_j>),   beta > 0.
 *
 * Computed with the exponent shifted by beta max <Qx_i,Kx_j> (log-sum-exp) so beta in the hundreds still gives the right float64;
 * an energy beyond float64 throws an {@link AttnflowError} of kind `not-finite` pointing at
 * {@link logEnergy}. beta = 0 throws too (the energy diverges): use {@link energyBeta0}.
 */
export function energy(X: Tokens, params: EnergyParams, options: EnergyOptions = {}): number {
  checkInputs(X, params, options);
  const { shift, sum } = shiftedSum(scoreMatrix(X, params.Q, params.K), params.beta);
  const n = X.rows;
  // exp(shift) directly where it is finite: going through the log would cost |log E| ulps.
  const direct = Math.exp(shift) * (sum / (2 * params.beta * n * n));
  if (Number.isFinite(direct)) return direct;
  const logE = shift + Math.log(sum / (2 * params.beta * n * n));
  const e = Math.exp(logE);
  if (!Number.isFinite(e)) {
    throw new AttnflowError(
      'params.beta',
      `the energy is about e^${logE.toFixed(1)} at beta = ${params.beta}, beyond float64`,
      'use logEnergy(X, params), which stays finite, or a smaller beta',
      'not-finite',
    );
  }
  return e;
}

/**
 * The beta = 0 energy of Appendix A, E_0(X) = (1/n) sum_{i,j} <x_i, x_j> = |sum_i x_i|^2 / n. The flow
 * (4.1) is 1/2 times its Riemannian gradient ascent (erratum E6). It is the limit-consistent form of
 * E_beta: E_beta(X) = 1/(2 beta) + E_0(X)/(2n) + O(beta).
 */
export function energyBeta0(X: Tokens, options: EnergyOptions = {}): number {
  if (options.validate ?? true) validateTokens(X, true);
  const n = X.rows, d = X.cols, x = X.data;
  const m = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) m[k] += x[i * d + k];
  let s = 0;
  for (let k = 0; k < d; k++) s += m[k] * m[k];
  return s / n;
}

/**
 * The energy of §3.4.1 (S7) for which SA with symmetric V = Q^T K is a gradient flow in the metric
 * (3.12): E_beta^V(X) = (1/(2 beta)) sum_{i,j} exp(beta <V x_i, x_j>). Note: no 1/n^2 factor.
 */
export function metricEnergy(X: Tokens, beta: number, V: Mat | null, options: EnergyOptions = {}): number {
  assertFinite(beta, 'beta');
  const e = energy(X, { beta, Q: V, K: null }, options) * X.rows * X.rows;
  if (!Number.isFinite(e)) {
    throw new AttnflowError('beta', `the metric energy exceeds float64 at beta = ${beta}`, 'use a smaller beta', 'not-finite');
  }
  return e;
}
