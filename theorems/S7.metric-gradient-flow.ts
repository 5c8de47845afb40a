import fc from 'fast-check';
import { systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { metricEnergyGradient } from '../src/energy/energyGradient.ts';
import { projectTangent } from '../src/models/projectTangent.ts';
import { energyDirectionalDerivative, maxAbsEntry, partition, scaleRows, weightedInner } from './sphereCalculus.ts';
import { ENERGY_FD_STEP, fdTolerance } from './S5.energy-monotone-sa.ts';
import { energyOf, entryScale, maxRowError, velocityOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/**
 * S7 (§3.4.1): for SA with Q^T K = V symmetric, (2.3) is the gradient ascent of
 * E^V(X) = (1/(2 beta)) sum_{i,j} e^{beta <V x_i, x_j>} (no 1/n^2) in the metric (3.12)
 * <a, b>_X = sum_i Z_{beta,i} <a_i, b_i>; checkable as Z_{beta,i} x_i' = P^perp_{x_i} dE^V/dx_i, hence
 * dE^V/dt = sum_i Z_{beta,i} |x_i'|^2 >= 0.
 */
export const metricGradientFlow: Theorem<SystemCase> = {
  id: 'S7',
  title: 'SA with Q^T K = V symmetric is a gradient flow for the metric (3.12): Z_i x_i\' = P^perp dE^V/dx_i and dE^V/dt = sum Z_i |x_i\'|^2',
  source: '§3.4.1 eq. (3.12); §2 S7 [DERIVED checkable form, VERIFIED-NUM 2e-10]',
  hypotheses:
    'SA, Q = I and K = V = B with B symmetric (identity, scaled identity, symmetrised orthogonal, symmetric, PSD, GOE), n in [1, 7], d in [1, 5], beta in [0.1, 3], every configuration family. ' +
    'E^V is read from the implementation\'s energy op as n^2 E(beta, Q = V, K = I), since <V x_i, x_j> is the score with Q = V',
  conclusion:
    '(a) max_i |Z_i v_i - P^perp_{x_i} sum_j e^{beta <V x_i, x_j>} V x_j| relative to the row <= tol (v the implementation\'s velocity, Z_i and the gradient by attnflow); ' +
    '(b) the Richardson finite-difference derivative of n^2 E along normalize(X + s v) equals sum_i Z_i |v_i|^2',
  tolerance:
    '(a) eps (4e3 + 40 beta max|<Bx,x>|) d relative to max(|row|, 1e-3 max_i Z_i |B|): rounding of two weighted sums as in M-SA; ' +
    '(b) |E^V| (50 eps / delta + delta^4 ((beta |B| + 2) speed)^5) e^{2 beta |B|}: the S5 finite-difference budget with beta |B| in place of beta',
  tier: 'must',
  kind: 'exact',
  cost: 'fast',
  needs: { ops: ['velocity', 'energy'], models: ['sa'] },
  runs: 50,
  arbitrary: () => systemArbitrary({ models: ['sa'], n: [1, 7], d: [1, 5], beta: [0.1, 3], matrices: ['symmetric-v'] }).filter((c) => c.beta >= 0.1),
  async check(ctx, c) {
    const req = requestOf(c);
    const n = req.X.rows, d = req.X.cols;
    const B = req.V;
    const v = await velocityOf(ctx.impl, req);
    const Z = partition(req.X, c.beta, req.Q, req.K);
    const lhs = scaleRows(v, Z);
    const rhs = projectTangent(req.X, metricEnergyGradient(req.X, c.beta, B));
    const bNorm = entryScale(B, d);
    let maxZ = 0;
    for (const z of Z) maxZ = Math.max(maxZ, z);
    const maxS = Math.max(1, bNorm);
    const tolA = ctx.profile.eps * (4e3 + 40 * c.beta * maxS) * Math.max(1, d);
    assertAtMost('max_i |Z_i v_i - P^perp dE^V/dx_i| / max(|.|, scale)', maxRowError(lhs, rhs, 1e-3 * maxZ * bNorm), tolA);
    const ereq = { beta: c.beta, Q: B, K: null, X: req.X };
    const EV = n * n * (await energyOf(ctx.impl, ereq));
    const rate = n * n * (await energyDirectionalDerivative(ctx.impl, ereq, v, ENERGY_FD_STEP));
    const predicted = weightedInner(v, v, Z);
    const tolB = Math.abs(EV) * fdTolerance(ctx.profile.eps, c.beta * bNorm, maxAbsEntry(v) * Math.sqrt(n)) * Math.exp(2 * c.beta * bNorm);
    return assertAtMost('|dE^V/dt - sum_i Z_i |v_i|^2| (finite differences along the velocity)', Math.abs(rate - predicted), tolB, { expected: predicted, actual: rate });
  },
};
