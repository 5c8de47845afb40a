import fc from 'fast-check';
import { hemisphereCertificate } from '../src/analysis/hemisphere.ts';
import { flowInEnvelope, systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf, tokensOf } from '../properties/cases.ts';
import { marginAlong } from './S15.single-cluster-certificate.ts';
import { flowAmplification, flowOf, MAX_AMPLIFICATION } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/** A hemisphere start plus the horizon of the sampled flow. */
export interface HemisphereFlowCase extends SystemCase {
  readonly T: number;
}

/**
 * S10 (proof of Lemma 6.4, Step 1): if <x_i(0), w> > 0 for all i then r(t) = min_i <x_i(t), w> is
 * non-decreasing, for SA, USA and any Q, K with V = I (the proof only uses a_ij > 0: at the minimising
 * token, <x_i', w> = sum_j a_ij (<x_j, w> - <x_i, x_j> r) >= r sum_j a_ij (1 - <x_i, x_j>) >= 0).
 */
export const hemisphereInvariance: Theorem<HemisphereFlowCase> = {
  id: 'S10',
  title: 'from an open-hemisphere start, min_i <x_i(t), w> is non-decreasing (any Q, K; V = I)',
  source: '§2 S10; proof of Lemma 6.4, Step 1',
  hypotheses:
    'SA or USA, V = I, Q = K = I or random Q, K (any family); n in [1, 8], d in [2, 5], beta in [0, 5]; tokens in an open hemisphere, w its max-margin direction; T in [0.5, 6], 12 equally spaced samples',
  conclusion: 'r(t_{k+1}) >= r(t_k) - tol for consecutive samples, r(t) = min_i <x_i(t), w>',
  tolerance: '4 flowRtol A: each sampled state is accurate to flowRtol A (A >= 1 the amplification of an initial perturbation, measured on the reference; A > 1e5 is inconclusive), and r is 1-Lipschitz in the max-row norm',
  tier: 'must',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa', 'usa'] },
  horizon: 'short',
  runs: 25,
  arbitrary: (ctx) =>
    fc
      .tuple(
        systemArbitrary({ models: ctx.models, n: [1, 8], d: [2, 5], beta: [0, 5], configurations: ['hemisphere', 'clustered', 'nearly-clustered'], matrices: ['identity', 'qk'] }),
        fc.double({ min: 0.5, max: 6, noNaN: true }),
      )
      .map(([c, T]) => ({ ...c, T }))
      // A USA flow may be asked only while beta ||Q^T K|| <= 8 (the envelope); longer horizons are chained by flowOf.
      .filter((c) => flowInEnvelope(c, [0])),
  async check(ctx, c) {
    const h = hemisphereCertificate(tokensOf(c));
    if (!h.inHemisphere) return { status: 'inconclusive', reason: 'start not in an open hemisphere to float64 accuracy' };
    const times = Array.from({ length: 12 }, (_, k) => ((k + 1) * c.T) / 12);
    const A = await flowAmplification(ctx.reference, { ...requestOf(c), times });
    if (A > MAX_AMPLIFICATION) return { status: 'inconclusive', reason: `the flow amplifies perturbations by ${A.toExponential(2)} over [0, ${c.T}]` };
    const states = await flowOf(ctx.impl, { ...requestOf(c), times });
    let prev = h.margin, worst = -Infinity;
    for (const s of states) {
      const r = marginAlong(s, h.w);
      worst = Math.max(worst, prev - r);
      prev = r;
    }
    return assertAtMost('max_k (r(t_k) - r(t_{k+1})), r(t) = min_i <x_i(t), w>', worst, 4 * ctx.profile.flowRtol * A, { expected: { amplification: A } });
  },
};
