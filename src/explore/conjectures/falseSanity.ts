import fc from 'fast-check';
import { clusters } from '../../analysis/clusters.ts';
import { Rng } from '../../random/rng.ts';
import { uniformSphere } from '../../random/sphere.ts';
import { defineConjecture } from '../conjecture.ts';
import { flowTrajectory } from '../simulate.ts';

/**
 * A planted FALSE conjecture, so a test can watch the explorer find and shrink a real counterexample:
 * "on the circle, SA (Q = K = V = I) has at most 3 clusters at t = 1 from any start". Clustering takes
 * time of order 1 and longer (Thm 4.3, Fig. 3), so 4 spread-out tokens already refute it; shrinking
 * ends at n = 4, the smallest refuting size.
 */
export default defineConjecture({
  id: 'sanity-false',
  statement: 'SA on the circle (Q = K = V = I) has at most 3 clusters (delta = 1e-3) at t = 1, for every n, beta and start',
  source: 'planted false statement (a test of the explorer); clustering needs t of order 5 or more (THEORY §6.3 t* table)',
  hypotheses: fc.record({
    n: fc.integer({ min: 2, max: 16 }),
    beta: fc.double({ min: 0, max: 10, noNaN: true }),
    seed: fc.nat({ max: 1e6 }),
  }),
  simulate: (h) => flowTrajectory(uniformSphere(h.n, 2, new Rng(h.seed)), { beta: h.beta }, [0, 0.5, 1]),
  predicate: (_h, tr) => {
    const count = clusters(tr!.states[tr!.states.length - 1], { delta: 1e-3 }).count;
    return count <= 3 || `${count} clusters at t = 1`;
  },
});
