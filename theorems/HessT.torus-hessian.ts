import fc from 'fast-check';
import { betaArbitrary } from '../properties/arbitraries.ts';
import { maxEnergy } from '../src/energy/uniformEnergy.ts';
import { fromAngles } from '../src/random/sphere.ts';
import { energyOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/** Angles on T^n and beta. */
export interface TorusCase {
  readonly beta: number;
  readonly theta: number[];
}

/** g(x) = (cos x - beta sin^2 x) e^{beta cos x} (Appendix B; Fig. 6). */
export function hessianKernel(x: number, beta: number): number {
  const s = Math.sin(x);
  return (Math.cos(x) - beta * s * s) * Math.exp(beta * Math.cos(x));
}

/**
 * The Hessian of E_beta(theta) = (1/(2 beta n^2)) sum_{ij} e^{beta cos(theta_i - theta_j)} on T^n (Appendix B):
 * H_ij = g(theta_i - theta_j) / n^2 for i != j and H_ii = -(1/n^2) sum_{m != i} g(theta_i - theta_m).
 */
export function torusHessian(theta: readonly number[], beta: number): Float64Array {
  const n = theta.length, H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const g = hessianKernel(theta[i] - theta[j], beta) / (n * n);
      H[i * n + j] = g;
      H[i * n + i] -= g;
    }
  }
  return H;
}

/** Step of the second differences (Richardson pair delta, delta/2): near eps^{1/6} for an O(delta^4) scheme. */
export const HESSIAN_STEP = 4e-3;

/**
 * HessT (Appendix B, proof of Thm 5.1): at d = 2 the Hessian of the energy on T^n is given by the kernel g.
 * Checked against second finite differences of the implementation's energy at x_i = (cos theta_i, sin theta_i).
 */
export const torusHessianTheorem: Theorem<TorusCase> = {
  id: 'HessT',
  title: 'on T^n the Hessian of E_beta is H_ij = g(theta_i - theta_j)/n^2, H_ii = -(1/n^2) sum_{m != i} g(theta_i - theta_m), g(x) = (cos x - beta sin^2 x) e^{beta cos x}',
  source: 'Appendix B (proof of Thm 5.1), eq. (B.2); THEORY §3 Thm 5.1 key objects [VERIFIED-NUM 2e-7]; Fig. 6',
  hypotheses: 'd = 2, Q = K = I, n in [2, 6], angles in [-pi, pi], beta in [0.1, 8]',
  conclusion:
    'max_ij |H^fd_ij - H_ij| <= tol, H^fd from Richardson-extrapolated central second differences (delta = 4e-3, 2e-3) of the implementation\'s energy at fromAngles(theta +- ...)',
  tolerance:
    'absolute, E_max (80 eps / delta^2 + delta^4 (beta + 2)^6 / 100) with E_max = e^beta/(2 beta): rounding of second differences of E (5 evaluations, amplified by the Richardson weights) ' +
    'plus the O(delta^4) remainder (sixth angular derivative of e^{beta cos} <= (beta + 2)^6 e^beta); about 1e-8 relative to the Hessian for beta <= 4 (THEORY achieved 2e-7)',
  tier: 'must',
  kind: 'exact',
  cost: 'fast',
  needs: { ops: ['energy'], models: [] },
  runs: 20,
  arbitrary: () =>
    fc.record({
      beta: betaArbitrary([0.1, 8]).filter((b) => b >= 0.1),
      theta: fc.array(fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), { minLength: 2, maxLength: 6 }),
    }),
  async check(ctx, c) {
    const n = c.theta.length;
    const E = (shift: (i: number) => number) =>
      energyOf(ctx.impl, { beta: c.beta, Q: null, K: null, X: fromAngles(c.theta.map((t, i) => t + shift(i))) });
    const second = async (i: number, j: number, h: number) => {
      if (i === j) {
        const [p, z, m] = await Promise.all([E((k) => (k === i ? h : 0)), E(() => 0), E((k) => (k === i ? -h : 0))]);
        return (p - 2 * z + m) / (h * h);
      }
      const at = (a: number, b: number) => E((k) => (k === i ? a : k === j ? b : 0));
      const [pp, pm, mp, mm] = await Promise.all([at(h, h), at(h, -h), at(-h, h), at(-h, -h)]);
      return (pp - pm - mp + mm) / (4 * h * h);
    };
    const H = torusHessian(c.theta, c.beta);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const d1 = await second(i, j, HESSIAN_STEP), d2 = await second(i, j, HESSIAN_STEP / 2);
        worst = Math.max(worst, Math.abs((4 * d2 - d1) / 3 - H[i * n + j]));
      }
    }
    const h = HESSIAN_STEP;
    const tol = maxEnergy(c.beta) * (80 * ctx.profile.eps / (h * h / 4) + h ** 4 * (c.beta + 2) ** 6 / 100);
    return assertAtMost('max_ij |H^fd_ij - H_ij|', worst, tol);
  },
};
