import fc from 'fast-check';
import { requestOf } from '../properties/cases.ts';
import { stiffness } from './M-DISC.layer-first-order.ts';
import type { HardCase } from './HP-support.ts';
import { hardCaseArbitrary, highPrecisionTrajectory } from './HP-support.ts';
import { flowOf, maxRowError } from './support.ts';
import type { Theorem } from './types.ts';
import { Violation } from './types.ts';

/** A hard system and a short horizon T. */
export interface HardFlowCase extends HardCase {
  readonly T: number;
}

/** Coarse RK4 steps of the 50-digit truth per unit time (the fine run takes twice as many). */
export const HP_FLOW_STEPS_PER_UNIT = 32;

/**
 * HP-flow: over a short horizon the implementation's flow of (2.3) agrees with a 50-digit RK4
 * trajectory (Richardson extrapolated) within the profile's flow accuracy.
 */
export const hpFlow: Theorem<HardFlowCase> = {
  id: 'HP-flow',
  title: 'flow(X, [T/2, T]) for T <= 0.5 agrees with a 50-digit RK4 trajectory within flowRtol per token (plus the truth\'s error estimate)',
  source: '§2.2 eq. (2.3); PROTOCOL.md op flow; issue 5 (short-horizon flow against a high-precision trajectory)',
  hypotheses:
    'regimes basic, beta in {0, 1e-8}, n = 1, d = 1, general Q != K with non-symmetric V, nearly coincident and near-antipodal tokens, n <= 4, d <= 3, beta <= 10 (SA and USA); ' +
    'T in {0.25, 0.5}; cases whose stiffness (1 + beta |B|) |V| (e^{beta max S} for USA, as in M-DISC) exceeds 6 are left out, so that the 50-digit RK4 with step 1/64 resolves them',
  conclusion:
    'max over t in {T/2, T} and tokens i of |x_i(t) - x_i^50(t)| <= flowRtol + est, x^50 = (16 y_{h/2} - y_h) / 15 from 50-digit RK4 with retraction at h = 1/32 and 1/64. ' +
    'est = |y_h - y_{h/2}| / 15 is the truth\'s error estimate (that of the h/2 run, pessimistic for the extrapolated state); a case with est > flowRtol / 4 is inconclusive',
  tolerance:
    'absolute on unit tokens = relative: the profile\'s flowRtol (1e-8 at float64, 1e-4 at float32), the accuracy an implementation claims over horizons of order 1, ' +
    'plus est so that the truth\'s own error cannot fail a correct implementation (est <= flowRtol / 4 keeps the check within 1.25 flowRtol). ' +
    'The truth is far below it: measured (n = 4, d = 3, T = 0.5, beta in {1, 4, 10}, general V) the extrapolated state agrees with dopri5 at rtol 1e-13 to 4e-12 and its estimate reads <= 6e-10',
  tier: 'must',
  kind: 'high-prec',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa', 'usa'] },
  horizon: 'short',
  runs: 6,
  arbitrary: (ctx) =>
    fc
      .tuple(
        hardCaseArbitrary({
          models: ctx.models,
          regimes: ['basic', 'tiny beta', 'n = 1', 'd = 1', 'general Q, K, V', 'nearly coincident', 'near-antipodal'],
          nMax: 4,
          dMax: 3,
          betaMax: 10,
        }),
        fc.constantFrom(0.25, 0.5),
      )
      .map(([c, T]): HardFlowCase => ({ ...c, T }))
      .filter((c) => stiffness(c) <= 6),
  async check(ctx, c) {
    const req = requestOf(c);
    const N0 = Math.round(c.T * HP_FLOW_STEPS_PER_UNIT);
    const truth = highPrecisionTrajectory(c, c.T, N0);
    if (truth.errorEstimate > ctx.profile.flowRtol / 4) {
      return { status: 'inconclusive', reason: `50-digit RK4 error estimate ${truth.errorEstimate} is not below flowRtol / 4` };
    }
    const states = await flowOf(ctx.impl, { ...req, times: [c.T / 2, c.T] });
    const errs = [maxRowError(states[0], truth.states[N0 - 1], 1), maxRowError(states[1], truth.states[2 * N0 - 1], 1)];
    const worst = Math.max(...errs);
    const tol = ctx.profile.flowRtol + truth.errorEstimate;
    if (!(worst <= tol)) {
      throw new Violation(`flow differs from the 50-digit trajectory by ${worst} (t = T/2: ${errs[0]}, t = T: ${errs[1]}), more than flowRtol + est = ${tol}`, {
        quantity: 'max_{t,i} |x_i(t) - x_i^50(t)|', measured: worst, tolerance: tol, actual: { errors: errs, truthErrorEstimate: truth.errorEstimate, regime: c.regime },
      });
    }
    return { status: 'pass', measured: worst, tolerance: tol };
  },
};
