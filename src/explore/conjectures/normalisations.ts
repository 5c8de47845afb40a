import fc from 'fast-check';
import { diameter } from '../../analysis/diameter.ts';
import { hemisphereCertificate } from '../../analysis/hemisphere.ts';
import { mat } from '../../linalg/mat.ts';
import { velocity } from '../../models/velocity.ts';
import { Rng, deriveSeed } from '../../random/rng.ts';
import { uniformSphere } from '../../random/sphere.ts';
import { defineConjecture } from '../conjecture.ts';
import { fieldTrajectory, sampleTimes } from '../simulate.ts';

/** Hypotheses: sizes, beta, the start's seed and the spread of the per-token speed factors. */
export interface SpeedHypothesis {
  readonly n: number;
  readonly d: number;
  readonly beta: number;
  /** Speed factors s_i are drawn log-uniformly in [1/spread, spread]. */
  readonly spread: number;
  readonly seed: number;
}

/**
 * Other normalisations (THEORY §4 Problem 2, Karagodin et al.): every normalisation scheme is a
 * per-token speed factor, theta_i' = (1/s_i) P^perp_{x_i} A_i. Conjecture: for d >= 3 the tokens
 * still cluster (an open hemisphere by t = 40 max s_i, then cone collapse) for any fixed factors s_i > 0, as Thm 6.1
 * says for s_i = 1.
 */
export default defineConjecture<SpeedHypothesis>({
  id: 'speed-factor-clustering',
  statement: 'with fixed per-token speed factors s_i > 0 (other normalisations), SA tokens in d >= 3 lie in an open hemisphere by t = 40 max_i s_i',
  source: 'THEORY.md §4 Problem 2 (Karagodin, Ge, Polyanskiy, Rigollet 2025) and Thm 6.1',
  hypotheses: fc.record({
    n: fc.integer({ min: 3, max: 10 }),
    d: fc.integer({ min: 3, max: 5 }),
    beta: fc.double({ min: 0, max: 5, noNaN: true }),
    spread: fc.double({ min: 1, max: 10, noNaN: true }),
    seed: fc.nat({ max: 1e6 }),
  }),
  simulate: (h) => {
    const rng = new Rng(deriveSeed(h.seed, 'speeds'));
    const inv = Array.from({ length: h.n }, () => Math.exp(-Math.log(h.spread) * (2 * rng.uniform() - 1)));
    const f = (_t: number, y: Float64Array, dy: Float64Array) => {
      const v = velocity(mat(h.n, h.d, y), { beta: h.beta }, { validate: false }).data;
      for (let i = 0; i < h.n; i++) for (let k = 0; k < h.d; k++) dy[i * h.d + k] = inv[i] * v[i * h.d + k];
    };
    // The slowest token runs at 1/spread, so the horizon is scaled to give it time 40 of its own.
    return fieldTrajectory(f, uniformSphere(h.n, h.d, new Rng(h.seed)), sampleTimes(40 * h.spread, 40));
  },
  predicate: (_h, tr) => {
    // Collapse can take very long (metastability), so the claim is the hemisphere, after which the
    // cone-collapse argument (Lemma 6.4, S10) finishes the job; the diameter is reported for context.
    const last = tr!.states[tr!.states.length - 1];
    return hemisphereCertificate(last).inHemisphere || `not in any open hemisphere at t = ${tr!.times[tr!.times.length - 1].toFixed(1)} (diameter ${diameter(last).toExponential(3)})`;
  },
});
