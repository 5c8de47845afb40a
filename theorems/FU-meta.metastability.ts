import { seedArbitrary } from '../properties/arbitraries.ts';
import { clusters } from '../src/analysis/clusters.ts';
import { Rng } from '../src/random/rng.ts';
import { fromAngles } from '../src/random/sphere.ts';
import { flowOf, slope } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtLeast } from './types.ts';

/** Sizes of the metastability check: two groups of 4 tokens a quarter turn apart on the circle. */
export const META = { betas: [4, 5, 6, 8], groupSize: 4, angle: Math.PI / 2, spread: 0.05, delta: 1e-4 };

/** Geometric sampling grid 0.5 * 1.15^k, k < 80 (up to about 3e4): plateau ends are read to within 15%. */
export const META_TIMES = Array.from({ length: 80 }, (_, k) => 0.5 * 1.15 ** k);

/** The required slope of log(plateau) in beta: half the asymptotic rate 1 - cos(angle) of the pair interaction e^{beta (cos - 1)}. */
export const META_MIN_SLOPE = (1 - Math.cos(META.angle)) / 2;

/**
 * FU-meta (Problem 1, answered by Geshkovski-Koubbi-Polyanskiy-Rigollet 2024): two well-separated groups
 * collapse internally fast and then persist as two clusters for a time exponentially long in beta.
 */
export const metastability: Theorem<{ seed: number }> = {
  id: 'FU-meta',
  title: 'two well-separated clusters persist for a time whose logarithm grows linearly in beta',
  source: 'Problem 1 (§6.3); Geshkovski, Koubbi, Polyanskiy, Rigollet, arXiv 2410.06833 (log T2 ~ beta); §6 table row FU-meta',
  hypotheses:
    `SA, Q = K = V = I, d = 2, two groups of ${META.groupSize} tokens at angles 0 and pi/2 with jitter ${META.spread} rad (Rng(seed)); ` +
    `beta in {${META.betas.join(', ')}}; clusters = components of [<x_i, x_j> > 1 - ${META.delta}], read on the grid 0.5 * 1.15^k`,
  conclusion:
    `plateau(beta) = (first time with 1 cluster) - (first time with <= 2 clusters) exists for every beta, and the least-squares slope of ` +
    `log plateau against beta is >= (1 - cos(pi/2))/2 = ${META_MIN_SLOPE}`,
  tolerance:
    'slope >= half the asymptotic pair rate 1 - cos(angle) = 1 (the measured slope is about 0.7 on the reference, rising to 1 as beta grows); ' +
    'the 15% grid puts +-0.14 on each log plateau, about +-0.07 on the slope',
  tier: 'may',
  kind: 'floating',
  cost: 'slow',
  needs: { ops: ['flow'], models: ['sa'] },
  runs: 1,
  arbitrary: () => seedArbitrary(),
  async check(ctx, c) {
    const rng = new Rng(c.seed);
    const n = 2 * META.groupSize;
    const theta = Array.from({ length: n }, (_, i) => (i < META.groupSize ? 0 : META.angle) + META.spread * (rng.uniform() - 0.5));
    const logs: number[] = [];
    for (const beta of META.betas) {
      const states = await flowOf(ctx.impl, { model: 'sa', beta, Q: null, K: null, V: null, X: fromAngles(theta), times: META_TIMES });
      const counts = states.map((s) => clusters(s, { delta: META.delta }).count);
      const k1 = counts.findIndex((k) => k <= 2), k2 = counts.findIndex((k) => k <= 1);
      if (k1 < 0 || k2 < 0) return { status: 'inconclusive', reason: `beta = ${beta}: no ${k1 < 0 ? 'two-cluster' : 'single-cluster'} state by t = ${META_TIMES.at(-1)!.toFixed(0)}` };
      logs.push(Math.log(Math.max(META_TIMES[k2] - META_TIMES[k1], META_TIMES[0])));
    }
    return assertAtLeast('slope of log(plateau) in beta', slope(META.betas, logs), META_MIN_SLOPE, { actual: logs });
  },
};
