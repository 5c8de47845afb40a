import { AttnflowError } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import { shiftedWeights } from './attentionDrift.ts';
import type { AttentionParams } from './params.ts';
import { validateParams, validateTokens } from './params.ts';

/**
 * The self-attention matrix of eq. (2.5): A_ij = e^{beta <Q x_i, K x_j>} / Z_{beta,i} for SA
 * (row-stochastic), or e^{beta <Q x_i, K x_j>} / n for USA. Throws where a USA weight exceeds float64.
 */
export function attentionWeights(X: Tokens, params: AttentionParams): Mat {
  validateTokens(X, false);
  validateParams(params, X.cols);
  const n = X.rows;
  const { W, shift, rowSum } = shiftedWeights(X, params);
  const usa = (params.model ?? 'sa') === 'usa';
  for (let i = 0; i < n; i++) {
    const f = usa ? Math.exp(params.beta * shift[i] - Math.log(n)) : 1 / rowSum[i];
    if (!Number.isFinite(f)) {
      throw new AttnflowError('beta', `USA weights e^{beta <Qx_i,Kx_j>}/n overflow float64 at beta = ${params.beta}`, 'use model "sa" or a smaller beta', 'not-finite');
    }
    for (let j = 0; j < n; j++) W[i * n + j] *= f;
  }
  return mat(n, n, W);
}

/**
 * log Z_{beta,i} = log sum_k e^{beta <Q x_i, K x_k>} (eq. 2.4) for every token, computed as
 * log-sum-exp so it is finite for any beta.
 */
export function logPartition(X: Tokens, params: AttentionParams): Float64Array {
  const { shift, rowSum } = shiftedWeights(X, params);
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) out[i] = params.beta * shift[i] + Math.log(rowSum[i]);
  return out;
}
