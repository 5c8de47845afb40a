import { AttnflowError, assertFinite } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { isIdentity, mat } from '../linalg/mat.ts';
import { applyRows, scoreMatrix } from '../models/scores.ts';
import { projectTangentInPlace } from '../models/projectTangent.ts';
import type { EnergyOptions, EnergyParams } from './energy.ts';
import { validateParams, validateTokens } from '../models/params.ts';

/** Row i of the result is M^T y_i, for the n x k rows `y` and a k x d matrix M (null = identity). */
function applyTransposeRows(y: Float64Array, n: number, M: Mat | null | undefined, d: number): Float64Array {
  if (!M || isIdentity(M)) return y;
  const k = M.rows, m = M.data;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      const yr = y[i * k + r];
      if (yr === 0) continue;
      for (let c = 0; c < d; c++) out[i * d + c] += m[r * d + c] * yr;
    }
  }
  return out;
}

/**
 * Euclidean partial derivatives dE_beta/dx_i of the energy of {@link energy} (eq. 3.5, Remark 3.8), taken in
 * R^{n x d} before any projection. With B = Q^T K, d<Qx_i,Kx_j>/dx_i = B x_j and d<Qx_j,Kx_i>/dx_i = B^T x_j, so
 *
 *     dE/dx_i = (1/(2 n^2)) sum_j ( e^{beta <Qx_i,Kx_j>} Q^T K x_j + e^{beta <Qx_j,Kx_i>} K^T Q x_j ).
 *
 * Exponentials share the shift max_ij <Qx_i,Kx_j>; an answer beyond float64 throws (`not-finite`).
 */
export function energyGradient(X: Tokens, params: EnergyParams, options: EnergyOptions = {}): Mat {
  if (options.validate ?? true) {
    validateTokens(X, true);
    validateParams({ beta: params.beta, Q: params.Q, K: params.K }, X.cols);
    if (params.beta === 0) {
      throw new AttnflowError('params.beta', 'the energy gradient is defined for beta > 0', 'pass beta > 0 (for beta = 0 the gradient of E_0 is (2/n) sum_j x_j)');
    }
  }
  const n = X.rows, d = X.cols, beta = params.beta;
  const S = scoreMatrix(X, params.Q, params.K);
  let c = -Infinity;
  for (let i = 0; i < S.length; i++) if (S[i] > c) c = S[i];
  const W = S;
  for (let i = 0; i < W.length; i++) W[i] = Math.exp(beta * (S[i] - c));
  const qx = applyRows(X, params.Q), kx = applyRows(X, params.K);
  const k = qx.cols;
  // a_i = sum_j W_ij K x_j, b_i = sum_j W_ji Q x_j, both k-dimensional.
  const a = new Float64Array(n * k), b = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const wij = W[i * n + j], wji = W[j * n + i];
      for (let r = 0; r < k; r++) {
        a[i * k + r] += wij * kx.data[j * k + r];
        b[i * k + r] += wji * qx.data[j * k + r];
      }
    }
  }
  const ga = applyTransposeRows(a, n, params.Q, d);
  const gb = applyTransposeRows(b, n, params.K, d);
  const logScale = beta * c - Math.log(2 * n * n);
  const f = Math.exp(logScale);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) out[i] = f * (ga[i] + gb[i]);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new AttnflowError('params.beta', `the energy gradient is about e^${logScale.toFixed(1)} at beta = ${beta}, beyond float64`, 'use a smaller beta', 'not-finite');
    }
  }
  return mat(n, d, out);
}

/**
 * The Riemannian gradient of E_beta on (S^{d-1})^n with the product metric: row i is
 * P^perp_{x_i} dE/dx_i. For USA with Q = K = V = I, X' = n times this (eq. 3.11, Remark 3.8).
 */
export function riemannianEnergyGradient(X: Tokens, params: EnergyParams, options: EnergyOptions = {}): Mat {
  const g = energyGradient(X, params, options);
  projectTangentInPlace(X, g.data);
  return g;
}

/**
 * Euclidean partial derivatives of the §3.4.1 energy E^V = (1/(2 beta)) sum_{ij} e^{beta <V x_i, x_j>}
 * (see {@link metricEnergy}). For symmetric V this is sum_j e^{beta <V x_i,x_j>} V x_j, and S7 states
 * Z_{beta,i} x_i' = P^perp_{x_i} dE^V/dx_i for SA with V = Q^T K.
 */
export function metricEnergyGradient(X: Tokens, beta: number, V: Mat | null, options: EnergyOptions = {}): Mat {
  assertFinite(beta, 'beta');
  const g = energyGradient(X, { beta, Q: V, K: null }, options);
  const n2 = X.rows * X.rows;
  for (let i = 0; i < g.data.length; i++) g.data[i] *= n2;
  return g;
}
