import fc from 'fast-check';
import { flowInEnvelope, systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { maxAbsDiff } from '../src/linalg/mat.ts';
import { flowAmplification, flowOf, MAX_AMPLIFICATION, permuteRows, velocityOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/** A system, a permutation of its tokens and a time. */
export interface PermutationCase extends SystemCase {
  readonly perm: number[];
  readonly t: number;
}

/** S2 (Remark 2.2): the flow map commutes with permuting the tokens, f(pi X) = pi f(X), for any Q, K, V and SA or USA. */
export const permutationEquivariance: Theorem<PermutationCase> = {
  id: 'S2',
  title: 'permuting the tokens permutes the velocity and the flow: f(pi X) = pi f(X)',
  source: 'Remark 2.2; §2 S2',
  hypotheses: 'SA or USA, any Q, K, V, n in [2, 7], d in [1, 5], beta in [0, 6], a random permutation, t in (0, 2]',
  conclusion: 'velocity(pi X) = pi velocity(X) and flow_t(pi X) = pi flow_t(X)',
  tolerance:
    'velocity: 256 eps (sums are reordered, so rounding differs); flow: 10 flowRtol A, A >= 1 the amplification of an initial perturbation over [0, t] measured on the reference ' +
    '(two independently integrated trajectories, each accurate to flowRtol A: an integrator\'s errors are amplified like any perturbation). ' +
    'Cases with A > 1e5 are inconclusive (ill-conditioned: no float64 integrator can be held to them); flows outside the feasibility envelope are not generated',
  tier: 'must',
  kind: 'exact',
  cost: 'fast',
  needs: { ops: ['velocity', 'flow'], models: ['sa', 'usa'] },
  horizon: 'short',
  runs: 30,
  arbitrary: (ctx) =>
    systemArbitrary({ models: ctx.models, n: [2, 7], d: [1, 5], beta: [0, 6], matrices: ['identity', 'qk', 'general'] }).chain((c) =>
      fc
        .record({
          keys: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: c.X.length, maxLength: c.X.length }),
          t: fc.double({ min: 0.05, max: 2, noNaN: true }),
        })
        .map(({ keys, t }) => ({ ...c, t, perm: keys.map((k, i) => [k, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((p) => p[1]) })),
    ).filter((c) => flowInEnvelope(c, [c.t])),
  async check(ctx, c) {
    const req = requestOf(c);
    const pReq = { ...req, X: permuteRows(req.X, c.perm) };
    const v = await velocityOf(ctx.impl, req);
    const pv = await velocityOf(ctx.impl, pReq);
    const scale = Math.max(1, ...Array.from(v.data, Math.abs));
    assertAtMost('max |velocity(pi X) - pi velocity(X)|', maxAbsDiff(pv, permuteRows(v, c.perm)) / scale, 256 * ctx.profile.eps * Math.max(1, c.X.length));
    const A = await flowAmplification(ctx.reference, { ...req, times: [c.t] });
    if (A > MAX_AMPLIFICATION) return { status: 'inconclusive', reason: `the flow amplifies perturbations by ${A.toExponential(2)} over [0, ${c.t}]` };
    const [f] = await flowOf(ctx.impl, { ...req, times: [c.t] });
    const [pf] = await flowOf(ctx.impl, { ...pReq, times: [c.t] });
    return assertAtMost('max |flow_t(pi X) - pi flow_t(X)|', maxAbsDiff(pf, permuteRows(f, c.perm)), 10 * ctx.profile.flowRtol * A, { expected: { amplification: A } });
  },
};
