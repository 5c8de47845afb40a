import { seedArbitrary } from '../properties/arbitraries.ts';
import { hemisphereCertificate } from '../src/analysis/hemisphere.ts';
import { wendelProbability } from '../src/certificates/wendel.ts';
import type { Tokens } from '../src/linalg/mat.ts';
import { Rng, deriveSeed } from '../src/random/rng.ts';
import { uniformSphere } from '../src/random/sphere.ts';
import type { Theorem } from './types.ts';
import { Violation } from './types.ts';

/** A float hemisphere detector: true when the tokens lie in an open hemisphere. */
export type HemisphereDetector = (X: Tokens) => boolean;

/** attnflow's detector (src/analysis/hemisphere.ts), the default of {@link makeWendelTheorem}. */
export const attnflowDetector: HemisphereDetector = (X) => hemisphereCertificate(X).inHemisphere;

/** The (n, d) cells sampled, d <= n (Thm 6.7); (4, 4) is the d >= n case where the probability is 1. */
export const WENDEL_CELLS: readonly (readonly [number, number])[] = [[6, 3], [5, 2], [8, 4], [7, 5], [4, 4]];

/** Half-width of the acceptance band around Wendel's probability in each cell. */
export const WENDEL_EPS = 0.025;

/** Total false-failure probability of one run (all cells together). */
export const WENDEL_FALSE_FAILURE = 1e-6;

/**
 * Draws per cell: Hoeffding, P(|p_hat - p| >= eps) <= 2 exp(-2 N eps^2), with a union bound over the
 * 5 cells, each allowed 1e-6 / 5: N = ceil(ln(2 * 5 / 1e-6) / (2 eps^2)) = ceil(16.118 / 0.00125) = 12895.
 */
export const WENDEL_DRAWS = Math.ceil(Math.log((2 * WENDEL_CELLS.length) / WENDEL_FALSE_FAILURE) / (2 * WENDEL_EPS * WENDEL_EPS));

/**
 * T6.7 with an injectable detector: the Monte Carlo fraction of iid uniform configurations that the
 * detector places in an open hemisphere matches Wendel's formula in every cell.
 */
export function makeWendelTheorem(detector: HemisphereDetector = attnflowDetector): Theorem<{ seed: number }> {
  return {
    id: 'T6.7',
    title: "the fraction of iid uniform configurations in an open hemisphere equals Wendel's 2^{-(n-1)} sum_{k<d} binom(n-1, k)",
    source: 'Thm 6.7 (Wendel 1962); §6 table row T6.7',
    hypotheses:
      `pure mathematics, no dynamics (needs no ops): x_1..x_n iid uniform on S^{d-1} for (n, d) in ${WENDEL_CELLS.map(([n, d]) => `(${n}, ${d})`).join(', ')}; ` +
      `${WENDEL_DRAWS} draws per cell from Rng(seed); checks attnflow's float hemisphere detector (src/analysis/hemisphere.ts)`,
    conclusion: `|fraction detected in an open hemisphere - Wendel probability| < ${WENDEL_EPS} in every cell`,
    tolerance:
      `absolute ${WENDEL_EPS} on a probability: the Hoeffding half-width for ${WENDEL_DRAWS} draws at per-cell error 2e-7; ` +
      'boundary cases the float detector may misjudge (margin < 1e-12) have probability 0 under the uniform law',
    tier: 'must',
    kind: 'statistical',
    cost: 'fast',
    needs: { ops: [], models: [] },
    runs: 1,
    falseFailureProbability: WENDEL_FALSE_FAILURE,
    arbitrary: () => seedArbitrary(),
    async check(_ctx, c) {
      let worst = 0;
      for (const [n, d] of WENDEL_CELLS) {
        const rng = new Rng(deriveSeed(c.seed, 'wendel', n, d));
        let hits = 0;
        for (let s = 0; s < WENDEL_DRAWS; s++) if (detector(uniformSphere(n, d, rng))) hits++;
        const p = wendelProbability(n, d).value;
        const err = Math.abs(hits / WENDEL_DRAWS - p);
        if (err >= WENDEL_EPS) {
          throw new Violation(`n = ${n}, d = ${d}: detected fraction ${hits / WENDEL_DRAWS} vs Wendel ${p} (|diff| ${err.toFixed(4)} >= ${WENDEL_EPS})`, {
            quantity: `|p_hat - p| (n = ${n}, d = ${d})`, measured: err, tolerance: WENDEL_EPS, expected: p, actual: hits / WENDEL_DRAWS,
          });
        }
        worst = Math.max(worst, err);
      }
      return { status: 'pass', measured: worst, tolerance: WENDEL_EPS };
    },
  };
}

/** T6.7 with attnflow's detector. */
export const wendel: Theorem<{ seed: number }> = makeWendelTheorem();
