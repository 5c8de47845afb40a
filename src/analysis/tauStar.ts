import { AttnflowError, assertFinite, assertInteger } from '../errors.ts';

function checkBetaD(beta: number, d: number): void {
  assertFinite(beta, 'beta');
  if (beta < 0) throw new AttnflowError('beta', `must be >= 0, got ${beta}`, 'pass a non-negative inverse temperature');
  assertInteger(d, 'd', 2);
}

/**
 * tau*_beta in [0, pi/2] of Thm 5.1 / Appendix B: the root of beta sin^2(tau) = (d-1) cos(tau), beyond which
 * g(tau) = e^{beta cos tau}((d-1) cos tau - beta sin^2 tau) < 0 (eq. B.3; d = 2 is Fig. 6's g). With
 * c = cos tau*, beta c^2 + (d-1) c - beta = 0, so c = 2 beta / ((d-1) + sqrt((d-1)^2 + 4 beta^2)) — the
 * [DERIVED] closed form, rationalised so that small beta does not cancel. tau*_0 = pi/2.
 */
export function tauStar(beta: number, d = 2): number {
  checkBetaD(beta, d);
  const a = d - 1;
  const R = Math.sqrt(a * a + 4 * beta * beta);
  const c = (2 * beta) / (a + R);
  // acos loses eps/sin(tau*) near c = 1 (large beta); 1 - c = (a + a^2/(R + 2 beta)) / (a + R) has no cancellation.
  const oneMinusC = (a + (a * a) / (R + 2 * beta)) / (a + R);
  return Math.atan2(Math.sqrt(oneMinusC * (1 + c)), c);
}

/**
 * The explicit sufficient condition of Appendix B for Thm 5.1 (a.e. initial data -> one cluster):
 * (n - 1) tau*_beta < pi/2. Per erratum E3 this, not beta >= n^2/pi^2, is what the proof gives.
 */
export function largeBetaCriterion(n: number, beta: number, d = 2): boolean {
  assertInteger(n, 'n', 2);
  return (n - 1) * tauStar(beta, d) < Math.PI / 2;
}

/**
 * The smallest beta meeting {@link largeBetaCriterion} (as an infimum: the criterion is strict). tau*_beta
 * decreases in beta, so the threshold solves tau*_beta = pi/(2(n-1)), i.e.
 * beta = (d-1) cos(tau) / sin^2(tau) at tau = pi/(2(n-1)); about 4(n-1)^2/pi^2 for d = 2 and large n (E3).
 * For n = 2 every beta > 0 qualifies and 0 is returned.
 */
export function largeBetaThreshold(n: number, d = 2): number {
  assertInteger(n, 'n', 2);
  assertInteger(d, 'd', 2);
  if (n === 2) return 0;
  const tau = Math.PI / (2 * (n - 1));
  const s = Math.sin(tau);
  return ((d - 1) * Math.cos(tau)) / (s * s);
}
