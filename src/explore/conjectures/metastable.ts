import fc from 'fast-check';
import { clusters } from '../../analysis/clusters.ts';
import { IdentityLayer } from '../../figures/identityLayer.ts';
import { mat } from '../../linalg/mat.ts';
import type { Tokens } from '../../linalg/mat.ts';
import { Rng } from '../../random/rng.ts';
import { uniformSphere } from '../../random/sphere.ts';
import { defineConjecture } from '../conjecture.ts';
import type { Trajectory } from '../conjecture.ts';

/** Hypotheses: n tokens on the circle from `seed`, two inverse temperatures beta < beta + gap, a horizon. */
export interface MetastableHypothesis {
  readonly n: number;
  readonly beta: number;
  readonly gap: number;
  readonly tEnd: number;
  readonly seed: number;
}

function run(X: Tokens, beta: number, tEnd: number): Trajectory {
  const h = 0.05, per = 10;
  const L = new IdentityLayer(X, beta, h);
  const times = [0], states = [mat(X.rows, X.cols, Float64Array.from(L.x))];
  for (let s = per; s * h <= tEnd + 1e-9; s += per) {
    L.step(per);
    times.push(s * h);
    states.push(mat(X.rows, X.cols, Float64Array.from(L.x)));
  }
  return { times, states };
}

const count = (X: Tokens) => clusters(X, { delta: 1e-4 }).count;

/** First sample time with a single cluster, or Infinity. */
function oneClusterTime(tr: Trajectory): number {
  const k = tr.states.findIndex((X) => count(X) === 1);
  return k < 0 ? Infinity : tr.times[k];
}

/**
 * Problem 1 (THEORY §4, Fig. 4): metastable cluster counts and lifetimes grow with beta. From the same
 * start, a larger beta leaves at least as many clusters at time T and needs at least as long to reach
 * one cluster (Post-LN layer, h = 0.05, clusters of Gram > 0.9999). Monotonicity per start is not a
 * theorem: the explorer probes it.
 */
export default defineConjecture<MetastableHypothesis>({
  id: 'metastable-monotone',
  statement: 'from the same start, a larger beta leaves at least as many clusters at time T, and reaches one cluster no sooner',
  source: 'THEORY.md §4 Problem 1 and §5 Fig. 4',
  hypotheses: fc.record({
    n: fc.integer({ min: 4, max: 16 }),
    beta: fc.double({ min: 1, max: 8, noNaN: true }),
    gap: fc.double({ min: 0.5, max: 4, noNaN: true }),
    tEnd: fc.integer({ min: 5, max: 20 }),
    seed: fc.nat({ max: 1e6 }),
  }),
  simulate: (h) => run(uniformSphere(h.n, 2, new Rng(h.seed)), h.beta, h.tEnd),
  predicate: (h, low) => {
    const high = run(low!.states[0], h.beta + h.gap, h.tEnd);
    const cLow = count(low!.states[low!.states.length - 1]), cHigh = count(high.states[high.states.length - 1]);
    if (cHigh < cLow) return `beta ${h.beta.toFixed(3)}: ${cLow} clusters at T = ${h.tEnd}, but beta ${(h.beta + h.gap).toFixed(3)}: ${cHigh}`;
    const tLow = oneClusterTime(low!), tHigh = oneClusterTime(high);
    if (tHigh < tLow) return `one cluster at t = ${tHigh} for beta ${(h.beta + h.gap).toFixed(3)}, but only at t = ${tLow} for beta ${h.beta.toFixed(3)}`;
    return true;
  },
});
