import fc from 'fast-check';
import { systemArbitrary } from '../properties/arbitraries.ts';
import { requestOf } from '../properties/cases.ts';
import { maxEnergy } from '../src/energy/uniformEnergy.ts';
import { energyDirectionalDerivative, maxAbsEntry, randomTangent, weightedInner } from './sphereCalculus.ts';
import type { EnergyFlowCase } from './S5.energy-monotone-sa.ts';
import { ENERGY_FD_STEP, energyRateCheck, energyTimes, fdTolerance, usaWeights } from './S5.energy-monotone-sa.ts';
import { velocityOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/** An S6 case: a USA system, flow times and a seed for the random tangent test directions. */
export interface GradientCase extends EnergyFlowCase {
  readonly directionSeed: number;
}

/**
 * S6 (Lemma 3.6, Lemma 3.7, Remark 3.8 eq. 3.11): USA with Q = K = V = I is the gradient ascent X' = n grad E_beta(X)
 * for the product metric on (S^{d-1})^n, so d/dt E_beta = (1/n) sum_i |x_i'|^2 and E_beta never decreases.
 */
export const usaGradientFlow: Theorem<GradientCase> = {
  id: 'S6',
  title: 'USA is the gradient ascent X\' = n grad E: <grad E, u> = (1/n) <X\', u> for tangent u, and dE/dt = (1/n) sum |x_i\'|^2 >= 0',
  source: 'Lemma 3.6, Lemma 3.7, Remark 3.8 eq. (3.11); §2 S6',
  hypotheses: 'USA, Q = K = V = I, n in [1, 7], d in [1, 5], beta in [0.1, 4], every configuration family; two Gaussian tangent directions u per case; times T/4..T with T in [0.2, 3]',
  conclusion:
    'for u = each random tangent field: the Richardson finite-difference derivative of the implementation\'s energy along normalize(X + s u) equals (1/n) sum_i <v_i, u_i> ' +
    '(v the implementation\'s velocity; all tangent directions together pin grad E = v / n); along u = v it equals (1/n) sum |v_i|^2; E is non-decreasing along the flow',
  tolerance: 'as S5: finite differences E_max (50 eps / delta + delta^4 ((beta + 2) speed)^5), flow monotonicity 20 flowRtol beta n E_max',
  tier: 'must',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['velocity', 'flow', 'energy'], models: ['usa'] },
  horizon: 'short',
  runs: 20,
  arbitrary: () =>
    fc
      .tuple(systemArbitrary({ models: ['usa'], n: [1, 7], d: [1, 5], beta: [0.1, 4] }).filter((c) => c.beta >= 0.1), energyTimes(), fc.nat({ max: 0x7fffffff }))
      .map(([c, times, directionSeed]) => ({ ...c, times, directionSeed })),
  async check(ctx, c) {
    const req = requestOf(c);
    const n = req.X.rows;
    const v = await velocityOf(ctx.impl, req);
    const Emax = maxEnergy(c.beta);
    for (let k = 0; k < 2; k++) {
      const u = randomTangent(req.X, c.directionSeed + k);
      const rate = await energyDirectionalDerivative(ctx.impl, { beta: c.beta, Q: null, K: null, X: req.X }, u, ENERGY_FD_STEP);
      const predicted = weightedInner(v, u) / n;
      assertAtMost('|<grad E, u> - (1/n) <v, u>| (finite differences along a random tangent u)', Math.abs(rate - predicted), fdTolerance(ctx.profile.eps, c.beta, maxAbsEntry(u) * Math.sqrt(n)) * Emax, {
        expected: predicted,
        actual: rate,
      });
    }
    return energyRateCheck(ctx, c, usaWeights, 1, '(1/n) sum |v_i|^2');
  },
};
