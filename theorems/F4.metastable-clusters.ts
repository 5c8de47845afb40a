import { seedArbitrary } from '../properties/arbitraries.ts';
import { clusters } from '../src/analysis/clusters.ts';
import { Rng, deriveSeed } from '../src/random/rng.ts';
import { uniformSphere } from '../src/random/sphere.ts';
import { layerOf } from './support.ts';
import type { Theorem } from './types.ts';
import { Violation } from './types.ts';

/** One cell of the Fig. 4 check: inverse temperature, expected median cluster count, seeds. */
export interface F4Cell {
  readonly beta: number;
  readonly median: number;
  /** Assumed upper bounds on P(count < median) and P(count > median) at t = 30 (measured, see below). */
  readonly pBelow: number;
  readonly pAbove: number;
  readonly seeds: number;
}

/** KL(a || q) for Bernoulli laws: the Chernoff exponent of P(Bin(S, q) >= a S), a > q. */
export function bernoulliKL(a: number, q: number): number {
  return a * Math.log(a / q) + (1 - a) * Math.log((1 - a) / (1 - q));
}

/**
 * Seeds for which the empirical median misses the true one with probability at most `budget` on each tail:
 * the median leaves m only if at least S/2 seeds fall on one side, P <= exp(-S KL(1/2 || p)) (Chernoff).
 */
export function medianSeeds(pBelow: number, pAbove: number, budget: number): number {
  const worst = Math.max(pBelow, pAbove);
  return Math.ceil(Math.log(1 / budget) / bernoulliKL(0.5, worst));
}

/**
 * The cells. Measured on the reference (100 seeds, t = 30): beta = 4 gives 2 clusters 94%, 3 clusters 6%;
 * beta = 9 gives 2: 10%, 3: 68%, 4: 22%. The assumed bounds are the one-sided 95% Clopper-Pearson upper limits
 * rounded up (0.15 and 0.30). Each of the 4 tails gets 2.5e-7 of the 1e-6 budget:
 * beta = 4: S = ceil(ln(4e6) / KL(0.5 || 0.15)) = ceil(15.20 / 0.337) = 46; beta = 9: ceil(15.20 / 0.0872) = 175.
 */
export const F4_CELLS: readonly F4Cell[] = [
  { beta: 4, median: 2, pBelow: 0.03, pAbove: 0.15, seeds: medianSeeds(0.03, 0.15, 2.5e-7) },
  { beta: 9, median: 3, pBelow: 0.2, pAbove: 0.3, seeds: medianSeeds(0.2, 0.3, 2.5e-7) },
];

/** Layer steps for t = 30 at h = 0.01 (the authors' Fig. 4 scheme normalize(x + 0.01 A x)). */
export const F4_STEPS = 3000;

/**
 * F4 (Fig. 4, metastability on the circle): with n = 32 tokens on the circle, the Post-LN layer with
 * h = 0.01 sits in 2 clusters at beta = 4 and 3 clusters at beta = 9 at t = 30.
 */
export const metastableClusters: Theorem<{ seed: number }> = {
  id: 'F4',
  title: 'on the circle with n = 32, the median cluster count at t = 30 is 2 for beta = 4 and 3 for beta = 9 (Fig. 4 metastability)',
  source: 'Fig. 4 and §6.3 (E4: panels at t = 0, 18, 30); THEORY §5 Fig. 4 table [VERIFIED-NUM]; §6 table row F4',
  errata: ['E4'],
  hypotheses:
    'SA, Q = K = V = I, d = 2, n = 32, iid uniform starts from Rng(seed); the implementation\'s layer op with h = 0.01 for 3000 steps (t = 30); ' +
    `clusters = connected components of [<x_i, x_j> > 1 - 1e-4]; ${F4_CELLS.map((c) => `beta = ${c.beta}: ${c.seeds} seeds`).join(', ')}. ` +
    'Checked at t = 30 only: at t = 18, beta = 9 has P(4 clusters) about 0.4, too close to 1/2 for a 1e-6 median test within the budget',
  conclusion: 'the median over seeds of the cluster count at t = 30 is 2 (beta = 4) and 3 (beta = 9)',
  tolerance: 'exact integer medians; the seed counts make a wrong median at most 2.5e-7 per tail under the stated bounds on the per-seed probabilities (Chernoff, see F4_CELLS)',
  tier: 'may',
  kind: 'statistical',
  cost: 'slow',
  needs: { ops: ['layer'], models: ['sa'] },
  runs: 1,
  falseFailureProbability: 1e-6,
  arbitrary: () => seedArbitrary(),
  async check(ctx, c) {
    for (const cell of F4_CELLS) {
      const rng = new Rng(deriveSeed(c.seed, 'F4', cell.beta));
      const counts: number[] = [];
      for (let s = 0; s < cell.seeds; s++) {
        const X = uniformSphere(32, 2, rng);
        const states = await layerOf(ctx.impl, { model: 'sa', beta: cell.beta, Q: null, K: null, V: null, X, h: 0.01, steps: F4_STEPS });
        counts.push(clusters(states[F4_STEPS - 1], { delta: 1e-4 }).count);
      }
      const below = counts.filter((k) => k < cell.median).length, above = counts.filter((k) => k > cell.median).length;
      if (2 * below >= cell.seeds || 2 * above >= cell.seeds) {
        const sorted = [...counts].sort((a, b) => a - b);
        const med = sorted[Math.floor((sorted.length - 1) / 2)];
        throw new Violation(`beta = ${cell.beta}: median cluster count ${med} at t = 30, expected ${cell.median} (${below} seeds below, ${above} above, of ${cell.seeds})`, {
          quantity: `median cluster count (beta = ${cell.beta})`, measured: med, tolerance: 0, expected: cell.median, actual: counts,
        });
      }
    }
    return { status: 'pass' };
  },
};
