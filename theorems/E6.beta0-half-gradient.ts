import fc from 'fast-check';
import { CONFIGURATIONS, configuration } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { caseOf, requestOf } from '../properties/cases.ts';
import { energyBeta0 } from '../src/energy/energy.ts';
import type { Tokens } from '../src/linalg/mat.ts';
import { clone, mat } from '../src/linalg/mat.ts';
import { projectTangentInPlace } from '../src/models/projectTangent.ts';
import { maxRowError, velocityOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/** Step of the central differences of E_0 (a quadratic form on R^{nd}, so they are exact up to rounding). */
export const E0_STEP = 1e-2;

/**
 * The Riemannian gradient of E_0(X) = (1/n) sum_{i,j} <x_i, x_j> on (S^{d-1})^n (product metric): central
 * differences of attnflow's energyBeta0 in R^{nd}, then P^perp_{x_i} row by row.
 */
export function beta0RiemannianGradient(X: Tokens): Tokens {
  const n = X.rows, d = X.cols, h = E0_STEP;
  const out = mat(n, d), Y = clone(X);
  for (let p = 0; p < n * d; p++) {
    const x0 = Y.data[p];
    Y.data[p] = x0 + h;
    const e1 = energyBeta0(Y, { validate: false });
    Y.data[p] = x0 - h;
    const e2 = energyBeta0(Y, { validate: false });
    Y.data[p] = x0;
    out.data[p] = (e1 - e2) / (2 * h);
  }
  projectTangentInPlace(X, out.data);
  return out;
}

/**
 * E6 (Appendix A, eq. 4.1): at beta = 0 SA and USA are x_i' = P^perp_{x_i}((1/n) sum_j x_j), which is exactly 1/2 times the
 * Riemannian gradient ascent of E_0(X) = (1/n) sum_{i,j} <x_i, x_j>: dE_0/dx_i = (2/n) sum_j x_j. The paper calls it
 * "gradient ascent" without the factor 1/2.
 */
export const beta0HalfGradient: Theorem<SystemCase> = {
  id: 'E6',
  title: 'at beta = 0 the velocity is exactly 1/2 the Riemannian gradient of E_0 = (1/n) sum_{i,j} <x_i, x_j>',
  source: 'Appendix A, eq. (4.1), Lemma A.2; erratum E6',
  errata: ['E6'],
  hypotheses: 'beta = 0, SA or USA (they coincide), Q = K = V = I, n in [1, 10], d in [1, 6], every configuration family',
  conclusion: 'max_i |v_i - (1/2) grad_{x_i} E_0(X)| <= tol with grad E_0 by central differences of attnflow\'s E_0 projected to the tangent spaces, v the implementation\'s velocity',
  tolerance:
    'absolute (rows compared to max(|v_i|, 1)): 1e3 eps_profile for the velocity\'s rounding, plus 8 n 2^-52 / delta for the differences of E_0 <= n (exact for a quadratic otherwise)',
  tier: 'must',
  kind: 'exact',
  cost: 'fast',
  needs: { ops: ['velocity'], models: ['sa', 'usa'] },
  runs: 100,
  arbitrary: (ctx) =>
    fc
      .record({
        model: fc.constantFrom(...ctx.models),
        n: fc.integer({ min: 1, max: 10 }),
        d: fc.integer({ min: 1, max: 6 }),
        config: fc.constantFrom(...CONFIGURATIONS),
        seed: fc.nat({ max: 0x7fffffff }),
      })
      .map(({ model, n, d, config, seed }) => caseOf(model, 0, configuration(config, n, d, seed))),
  async check(ctx, c) {
    const req = requestOf(c);
    const v = await velocityOf(ctx.impl, req);
    const g = beta0RiemannianGradient(req.X);
    for (let p = 0; p < g.data.length; p++) g.data[p] /= 2;
    const n = req.X.rows;
    return assertAtMost('max_i |v_i - (1/2) grad E_0|', maxRowError(v, g, 1), 1e3 * ctx.profile.eps + (8 * n * 2 ** -52) / E0_STEP, { expected: 'half the Riemannian gradient of E_0' });
  },
};
