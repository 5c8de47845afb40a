import { AttnflowError, assertFinite, assertInteger } from '../errors.ts';
import { besselI, logBesselI } from './besselI.ts';
import { gamma, logGamma } from './logGamma.ts';

function checkBeta(beta: number): void {
  assertFinite(beta, 'beta');
  if (!(beta > 0)) {
    throw new AttnflowError('beta', `the energy needs beta > 0, got ${beta}`, 'pass a positive inverse temperature');
  }
}

/**
 * log E_beta[sigma_d], the log of the energy of the uniform measure on S^{d-1} (S4, [DERIVED] closed form):
 *
 *     E_beta[sigma_d] = (1/(2 beta)) Gamma(d/2) (2/beta)^{d/2-1} I_{d/2-1}(beta),
 *
 * computed in log space so that large beta or d neither overflows nor underflows. Needs d >= 2, beta > 0.
 */
export function logUniformEnergy(beta: number, d: number): number {
  checkBeta(beta);
  assertInteger(d, 'd', 2);
  const nu = d / 2 - 1;
  const lead = -Math.log(2 * beta) + logBesselI(nu, beta);
  return nu === 0 ? lead : lead + logGamma(nu + 1) + nu * Math.log(2 / beta);
}

/**
 * E_beta[sigma_d], the interaction energy (3.5) of the uniform measure sigma_d: the unique global
 * minimiser of E_beta over P(S^{d-1}) (Prop 3.4), so every n-point configuration has a strictly larger
 * energy. For d = 2 it is I_0(beta)/(2 beta). Throws (`not-finite`) beyond float64 (use
 * {@link logUniformEnergy}).
 */
export function uniformEnergy(beta: number, d: number): number {
  const l = logUniformEnergy(beta, d);
  // Directly where every factor is a float64: exp(log E) would cost |log E| ulps.
  if (beta < 700 && d < 300) {
    const nu = d / 2 - 1;
    const direct = (gamma(nu + 1) * Math.pow(2 / beta, nu) * besselI(nu, beta)) / (2 * beta);
    if (Number.isFinite(direct) && direct > 0) return direct;
  }
  const e = Math.exp(l);
  if (!Number.isFinite(e)) {
    throw new AttnflowError('beta', `E_beta[sigma_d] is about e^${l.toFixed(1)}, beyond float64`, 'use logUniformEnergy', 'not-finite');
  }
  return e;
}

/**
 * max E_beta = e^beta / (2 beta), attained exactly by Dirac masses (Prop 3.4), i.e. by configurations
 * whose tokens all coincide. Throws (`not-finite`) for beta > ~709.
 */
export function maxEnergy(beta: number): number {
  checkBeta(beta);
  const e = beta < 709 ? Math.exp(beta) / (2 * beta) : Math.exp(beta - Math.log(2 * beta));
  if (!Number.isFinite(e)) {
    throw new AttnflowError('beta', `e^beta/(2 beta) exceeds float64 at beta = ${beta}`, 'compare in log space: log max E = beta - log(2 beta)', 'not-finite');
  }
  return e;
}
