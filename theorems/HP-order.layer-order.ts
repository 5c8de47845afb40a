import fc from 'fast-check';
import type { Outcome } from './types.ts';
import { systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { M_DISC_STEPS, observedOrder, stiffness } from './M-DISC.layer-first-order.ts';
import { highPrecisionTrajectory } from './HP-support.ts';
import { layerOf, maxRowError } from './support.ts';
import type { Theorem } from './types.ts';
import { Violation } from './types.ts';

/** A system and the horizon T at which the layer iterates meet the 50-digit flow. */
export interface OrderCase extends SystemCase {
  readonly T: number;
}

/** One row of a DiffEqDevTools-style work-precision table. */
export interface WorkPrecisionRow {
  /** Step size. */
  readonly h: number;
  /** Work: layer applications (= drift evaluations) to reach T. */
  readonly steps: number;
  /** max_i |x_i^(T/h) - x_i^50(T)|. */
  readonly error: number;
  /** log2(e(2h) / e(h)) against the previous (coarser) row; absent on the first. */
  readonly pairwiseOrder?: number;
}

/** A work-precision report: the table, the fitted order and the truth's own error estimate. */
export interface WorkPrecisionReport {
  readonly rows: readonly WorkPrecisionRow[];
  /** Least-squares slope of log error against log h. */
  readonly order: number;
  /** Error estimate of the 50-digit truth at T. */
  readonly truthError: number;
}

/** Builds the {@link WorkPrecisionReport} of errors `errs` at steps `hs` to horizon T. */
export function workPrecision(hs: readonly number[], errs: readonly number[], T: number, truthError: number): WorkPrecisionReport {
  const rows = hs.map((h, k) => ({ h, steps: Math.round(T / h), error: errs[k], ...(k > 0 ? { pairwiseOrder: Math.log2(errs[k - 1] / errs[k]) } : {}) }));
  return { rows, order: observedOrder(hs, errs), truthError };
}

/**
 * Coarse RK4 step of the 50-digit truth (the fine run halves it). Its error estimate is ~1e-10 on these
 * systems, far below the layer's ~1e-4 at h = 0.005 (and below a second-order mutant's ~1e-7 there).
 */
export const HP_ORDER_TRUTH_STEP = 0.05;

/**
 * HP-order: the observed order of the implementation's Post-LN layer, measured against a 50-digit
 * flow, is 1 (THEORY §1.7: normalize(x + h a) = x + h P^perp a + O(h^2)). The Outcome carries the
 * work-precision table (measured = fitted order).
 */
export const hpOrder: Theorem<OrderCase> = {
  id: 'HP-order',
  title: 'the layer\'s observed order of convergence against a 50-digit flow is 1 +- 0.2 (work-precision over h = 0.04 .. 0.005)',
  source: '§1.7 [CODE]/[DERIVED]; issue 5 (observed order of a user\'s layer, DiffEqDevTools style); companion of M-DISC with a high-precision truth',
  hypotheses:
    'SA or USA, n in [2, 4], d in [2, 3], beta in [0, 2], Q = K = I or random Q, K, V = I (V with V^2 proportional to I makes the Euler error radial and the order 2, see M-DISC), ' +
    'uniform, hemisphere or clustered starts, T in {0.4, 0.6, 0.8}, 0.04 stiffness <= 0.3 (stiffness as in M-DISC) so that h = 0.04 is in the asymptotic range',
  conclusion:
    'e(h) = max_i |layer_{T/h}(X; h)_i - x_i^50(T)| for h in {0.04, 0.02, 0.01, 0.005}; the least-squares slope of log e against log h is in [0.8, 1.2]. ' +
    'x^50 is Richardson-extrapolated 50-digit RK4 (h = 0.05, 0.025). Inconclusive when e(0.005) is below the rounding floor 20 eps T / 0.005 or the truth estimate exceeds e(0.005) / 100',
  tolerance:
    'order window +-0.2: the O(h^2) term shifts a pairwise order by about C2 h / (2 ln 2 C1), measured up to 0.2 at h = 0.04 by M-DISC. ' +
    'The truth\'s error estimate is checked per case against e(0.005) / 100, so the truth moves each log-error by < 0.01 and the slope by < 0.005. Outcome: measured = fitted order, tolerance = 1.2 (upper end of the window)',
  tier: 'should',
  kind: 'high-prec',
  cost: 'fast',
  needs: { ops: ['layer'], models: ['sa', 'usa'] },
  runs: 6,
  arbitrary: (ctx) =>
    fc
      .tuple(
        systemArbitrary({ models: ctx.models, n: [2, 4], d: [2, 3], beta: [0, 2], configurations: ['uniform', 'hemisphere', 'clustered'], matrices: ['identity', 'qk'] }),
        fc.constantFrom(0.4, 0.6, 0.8),
      )
      .map(([c, T]): OrderCase => ({ ...c, T }))
      .filter((c) => M_DISC_STEPS[0] * stiffness(c) <= 0.3),
  async check(ctx, c) {
    const req = requestOf(c);
    const hs = [...M_DISC_STEPS];
    const errs: number[] = [];
    const truth = highPrecisionTrajectory(c, c.T, Math.round(c.T / HP_ORDER_TRUTH_STEP));
    const xT = truth.states[truth.states.length - 1];
    for (const h of hs) {
      const steps = Math.round(c.T / h);
      const states = await layerOf(ctx.impl, { ...req, h, steps });
      errs.push(maxRowError(states[steps - 1], xT, 1));
    }
    const finest = errs[errs.length - 1];
    const floor = (20 * ctx.profile.eps * c.T) / hs[hs.length - 1];
    if (finest < floor) return { status: 'inconclusive', reason: `layer error ${finest} at h = 0.005 is below the rounding floor ${floor}: no order to observe` };
    if (truth.errorEstimate > finest / 100) return { status: 'inconclusive', reason: `50-digit truth estimate ${truth.errorEstimate} is not below e(0.005) / 100 = ${finest / 100}` };
    const report = workPrecision(hs, errs, c.T, truth.errorEstimate);
    if (!(Math.abs(report.order - 1) <= 0.2)) {
      throw new Violation(`observed order ${report.order.toFixed(3)} (pairwise ${report.rows.slice(1).map((r) => r.pairwiseOrder!.toFixed(3)).join(', ')}) is not 1 +- 0.2`, {
        quantity: 'fitted order of the layer against the 50-digit flow', measured: report.order, tolerance: 0.2, expected: 1, actual: report,
      });
    }
    const out: Outcome & { report: WorkPrecisionReport } = { status: 'pass', measured: report.order, tolerance: 1.2, report };
    return out;
  },
};
