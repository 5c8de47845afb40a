import fc from 'fast-check';
import { diameter } from '../../analysis/diameter.ts';
import { hemisphereCertificate } from '../../analysis/hemisphere.ts';
import { ginibre } from '../../random/matrices.ts';
import { Rng, deriveSeed } from '../../random/rng.ts';
import { uniformSphere } from '../../random/sphere.ts';
import { defineConjecture } from '../conjecture.ts';
import { flowTrajectory, sampleTimes } from '../simulate.ts';

/** Hypotheses: sizes, beta, and the seed of the start and of Q, K (Ginibre / sqrt d). */
export interface RandomQKHypothesis {
  readonly n: number;
  readonly d: number;
  readonly beta: number;
  readonly seed: number;
}

/**
 * Problem 2 (THEORY §4): with random Q, K (Ginibre scaled by 1/sqrt d) and V = I, SA from an iid
 * uniform start still clusters: the tokens lie in an open hemisphere by t = 40 (then Lemma 6.4 collapses them). Thm 4.2 proves it for
 * small beta only; the explorer probes larger beta.
 */
export default defineConjecture<RandomQKHypothesis>({
  id: 'random-qk-clustering',
  statement: 'SA with random Ginibre Q, K (scaled 1/sqrt d) and V = I lie in an open hemisphere by t = 40 from an iid uniform start (then they collapse, Lemma 6.4)',
  source: 'THEORY.md §4 Problem 2; Thm 4.2 for small beta',
  hypotheses: fc.record({
    n: fc.integer({ min: 3, max: 10 }),
    d: fc.integer({ min: 3, max: 5 }),
    beta: fc.double({ min: 0.1, max: 4, noNaN: true }),
    seed: fc.nat({ max: 1e6 }),
  }),
  simulate: (h) => {
    const rng = new Rng(deriveSeed(h.seed, 'QK'));
    const scale = (m: ReturnType<typeof ginibre>) => ({ ...m, data: m.data.map((v) => v / Math.sqrt(h.d)) });
    const Q = scale(ginibre(h.d, h.d, rng)), K = scale(ginibre(h.d, h.d, rng));
    return flowTrajectory(uniformSphere(h.n, h.d, new Rng(h.seed)), { beta: h.beta, Q, K }, sampleTimes(40, 40));
  },
  predicate: (_h, tr) => {
    // Collapse can take very long (metastability), so the claim is the hemisphere, after which the
    // cone-collapse argument (Lemma 6.4, S10) finishes the job; the diameter is reported for context.
    const last = tr!.states[tr!.states.length - 1];
    return hemisphereCertificate(last).inHemisphere || `not in any open hemisphere at t = 40 (diameter ${diameter(last).toExponential(3)})`;
  },
});
