import fc from 'fast-check';
import { systemArbitrary } from '../properties/arbitraries.ts';
import type { EnergyFlowCase } from './S5.energy-monotone-sa.ts';
import { energyRateCheck, energyTimes, saWeights, usaWeights } from './S5.energy-monotone-sa.ts';
import type { Theorem } from './types.ts';

/**
 * S5r (§2 S5, repulsive case; §9.1): with Q = K = I and V = -I the same identities hold with a minus sign:
 * dE/dt = -(1/n^2) sum_i Z_i |x_i'|^2 (SA) or -(1/n) sum_i |x_i'|^2 (USA), so E_beta never increases.
 */
export const energyDecreasingRepulsive: Theorem<EnergyFlowCase> = {
  id: 'S5r',
  title: 'with V = -I the energy rate is -(1/n^2) sum Z_i |x_i\'|^2 (SA) or -(1/n) sum |x_i\'|^2 (USA) and the energy never increases',
  source: '§2 S5 (repulsive case V = -I), S8 table; §9.1',
  hypotheses: 'SA or USA, Q = K = I, V = -I, n in [1, 7], d in [1, 5], beta in [0.1, 4], every configuration family, times T/4..T with T in [0.2, 3]',
  conclusion:
    '(a) the Richardson finite-difference rate of the implementation\'s energy along normalize(X + s v) equals -sum_i w_i |v_i|^2, w_i = Z_i/n^2 (SA) or 1/n (USA); ' +
    '(b) E(flow_{t_{k+1}}) <= E(flow_{t_k}) + tol',
  tolerance: 'as S5: (a) E_max (50 eps / delta + delta^4 ((beta + 2) speed)^5); (b) 20 flowRtol beta n E_max',
  tier: 'must',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['velocity', 'flow', 'energy'], models: ['sa', 'usa'] },
  horizon: 'short',
  runs: 20,
  arbitrary: (ctx) =>
    fc
      .tuple(systemArbitrary({ models: ctx.models, n: [1, 7], d: [1, 5], beta: [0.1, 4], matrices: ['repulsive'] }).filter((c) => c.beta >= 0.1), energyTimes())
      .map(([c, times]) => ({ ...c, times })),
  check: (ctx, c) => energyRateCheck(ctx, c, c.model === 'sa' ? saWeights : usaWeights, -1, c.model === 'sa' ? '-(1/n^2) sum Z_i |v_i|^2' : '-(1/n) sum |v_i|^2'),
};
