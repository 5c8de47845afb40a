import type { Decimal } from 'decimal.js';
import { AttnflowError } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { validateParams, validateTokens } from '../models/params.ts';
import type { DMat } from './dmat.ts';
import { isDMat, rowDotD, toDMat } from './dmat.ts';
import type { HighPrecisionOptions } from './options.ts';
import { contextFor } from './options.ts';
import { applyRowsD, toDParams } from './params.ts';

/** Parameters of the interaction energy: inverse temperature and the score matrices (V plays no part). */
export interface EnergyParams {
  readonly beta: number;
  readonly Q?: Mat | null;
  readonly K?: Mat | null;
}

/**
 * High precision mirror of the interaction energy E_beta(X) = (1/(2 beta n^2)) sum_{i,j}
 * exp(beta <Q x_i, K x_j>) (S4, Remark 3.8; PROTOCOL.md op `energy`), for beta > 0.
 */
export function energy(X: Tokens | DMat, params: EnergyParams, options: HighPrecisionOptions = {}): Decimal {
  if (!isDMat(X)) validateTokens(X, true);
  validateParams({ beta: params.beta, Q: params.Q, K: params.K }, X.cols);
  if (params.beta === 0) {
    throw new AttnflowError('params.beta', 'the energy (1/(2 beta n^2)) sum e^{beta<Qx_i,Kx_j>} is undefined at beta = 0', 'pass beta > 0');
  }
  const D = contextFor(X, options);
  const Xd = toDMat(X, D);
  const p = toDParams({ beta: params.beta, Q: params.Q, K: params.K }, D);
  const qx = applyRowsD(Xd, p.Q);
  const kx = p.K === p.Q ? qx : applyRowsD(Xd, p.K);
  const n = Xd.rows;
  let sum = new D(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      sum = sum.plus(p.beta.times(rowDotD(qx, i, kx, j)).exp());
    }
  }
  return sum.div(p.beta.times(2 * n * n));
}
