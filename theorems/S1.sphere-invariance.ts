import fc from 'fast-check';
import { flowInEnvelope, systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import type { FlowPlan } from './support.ts';
import { flowOf, maxNormDefect } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/** A system plus the times at which the flow is sampled. */
export interface FlowCase extends SystemCase {
  readonly times: number[];
}

/**
 * S1: d/dt |x_i|^2 = 2 <x_i, P^perp_{x_i}(.)> = 0, so the flow of every projected model stays on the
 * sphere. Checked on the implementation's `flow` at several times.
 */
export const sphereInvariance: Theorem<FlowCase> = {
  id: 'S1',
  title: 'the flow keeps every token on the unit sphere: |x_i(t)| = 1',
  source: '§2 S1 (implicit in eq. 2.3); Table §6 row S1',
  hypotheses: 'SA or USA, n in [1, 6], d in [1, 5], beta in [0, 5], general Q, K, V; times up to 3',
  conclusion: 'max_{i,t} | |x_i(t)| - 1 | <= tol',
  tolerance:
    '100 flowRtol N (1e-6 for float64). An integrator with a retraction is exact to rounding; one without holds |x_i| only through its error ' +
    'estimate, which loses its grip on the normal mode where the sphere attracts strongly (rate 2 <x_i, a_i>, up to 2 |V| e^{beta s}): at the ' +
    'stability boundary scipy\'s DOP853 at rtol 1e-10 settles 3e-8 off the sphere on S1-like cases (worst of 2,924) and 6e-7 on a longer ' +
    'one-token USA flow, hence 100x (M-FLOW and the other flow comparisons read the tokens\' directions only). N >= 1 is the off-sphere ' +
    'amplification of the request measured on the reference (off the sphere u_i = |x_i|^2 - 1 obeys u_i\' = -2 <x_i, a_i> u_i, so where the ' +
    'sphere repels a norm error grows; requests are cut so that N <= 10, src/check/normalGrowth.ts)',
  tier: 'must',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa', 'usa'] },
  horizon: 'short',
  runs: 30,
  arbitrary: (ctx) =>
    fc
      .tuple(
        systemArbitrary({ models: ctx.models, n: [1, 6], d: [1, 5], beta: [0, 5], matrices: ['identity', 'qk', 'general', 'repulsive'] }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
      )
      .map(([c, T]) => ({ ...c, times: [T / 3, (2 * T) / 3, T] }))
      // A USA flow may be asked only while beta ||Q^T K|| <= 8 (the envelope); longer horizons are chained by flowOf.
      .filter((c) => flowInEnvelope(c, [0])),
  async check(ctx, c) {
    const plan: FlowPlan = { requests: 0, normalAmplification: 1 };
    const states = await flowOf(ctx.impl, { ...requestOf(c), times: c.times }, { plan, raw: true });
    let worst = 0;
    for (const s of states) worst = Math.max(worst, maxNormDefect(s));
    return assertAtMost('max_{i,t} | |x_i(t)| - 1 |', worst, 100 * ctx.profile.flowRtol * plan.normalAmplification);
  },
};
