import { hemisphereCertificate } from '../src/analysis/hemisphere.ts';
import { deriveSeed, Rng } from '../src/random/rng.ts';
import { uniformSphere } from '../src/random/sphere.ts';
import { matrixOf, seedArbitrary } from '../properties/arbitraries.ts';
import { flowOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtLeast, fmt, Violation } from './types.ts';

/** Options of {@link makeSmallBetaProbabilityTheorem}. Defaults in brackets. */
export interface SmallBetaProbabilityOptions {
  /** Paired samples (X(0), Q, K) [121: the Hoeffding size for false-failure probability 1e-6, see below]. */
  readonly samples?: number;
  /** Tokens [8]. */
  readonly n?: number;
  /** Dimension [2]. */
  readonly d?: number;
  /** Fixed horizon at which the certificate is tested [8]. */
  readonly horizon?: number;
  /** The small and the large beta [[0.01, 10]]. */
  readonly betas?: readonly [number, number];
  /** The fraction the small beta must reach [0.7]. */
  readonly floor?: number;
}

/**
 * Thm 4.2 (statistical): for random Q, K (Ginibre / sqrt(d)) and V = I, the probability that SA reaches the
 * hemisphere certificate (S15, which implies single-cluster convergence) by a fixed horizon tends to 1 as
 * beta -> 0, and is not smaller at small beta than at large beta.
 *
 * Sample size (Hoeffding, two one-sided tests at 5e-7 each, union bound 1e-6):
 * (1) c_s in {0, 1} iid: P(mean < p - e1) <= exp(-2 N e1^2). On the reference p(0.01) measured 200/200 (n = 8,
 *     d = 2, T = 8), so p >= 0.985 at 95% (Clopper-Pearson, 1 - 0.05^{1/200}); floor 0.7 gives e1 = 0.285 and
 *     N >= ln(2e6)/(2 e1^2) = 14.51/0.162 = 89.3.
 * (2) paired differences c_s(small) - c_s(large) in [-1, 1]: P(mean < Delta - e2) <= exp(-N e2^2 / 2); with
 *     N = 121, e2 = sqrt(2 ln(2e6)/121) = 0.49, so the check is mean >= -0.49 (no reversal of the trend).
 * N = 121 satisfies both (it is fixed by (2) at e2 < 0.5).
 */
export function makeSmallBetaProbabilityTheorem(options: SmallBetaProbabilityOptions = {}): Theorem<{ seed: number }> {
  const N = options.samples ?? 121;
  const n = options.n ?? 8, d = options.d ?? 2, T = options.horizon ?? 8;
  const [bSmall, bLarge] = options.betas ?? [0.01, 10];
  const floor = options.floor ?? 0.7;
  const e2 = Math.sqrt((2 * Math.log(2e6)) / N);
  const ffp = Math.min(1, Math.exp(-2 * N * (0.985 - floor) ** 2) + Math.exp(-(N * e2 * e2) / 2));
  return {
    id: 'T4.2',
    title: 'with random Q, K and V = I, the fraction of starts certified one-cluster at a fixed horizon tends to 1 as beta -> 0',
    source: 'Thm 4.2 and its proof (alpha-clustered sets S_0^m, (4.4)); §2 S15',
    hypotheses: `SA, V = I, Q, K iid Ginibre / sqrt(d); n = ${n}, d = ${d}; X(0) iid uniform; beta in {${bSmall}, ${bLarge}}; ${N} paired samples (same X(0), Q, K for both betas) drawn from Rng(seed)`,
    conclusion: `(1) fraction certified at t = ${T} for beta = ${bSmall} >= ${floor}; (2) fraction(beta = ${bSmall}) - fraction(beta = ${bLarge}) >= -${e2.toFixed(3)}`,
    tolerance: `statistical: Hoeffding margins e1 = ${(0.985 - floor).toFixed(3)} (against p >= 0.985, the 95% lower bound from 200/200 certified on the reference) and e2 = ${e2.toFixed(3)}; certificate margin > 10 flowRtol`,
    tier: 'may',
    kind: 'statistical',
    cost: 'slow',
    needs: { ops: ['flow'], models: ['sa'] },
    runs: 1,
    falseFailureProbability: ffp,
    arbitrary: () => seedArbitrary(),
    async check(ctx, c) {
      const tol = 10 * ctx.profile.flowRtol;
      let small = 0, large = 0;
      for (let s = 0; s < N; s++) {
        const seed = deriveSeed(c.seed, 'T4.2', s);
        const X = uniformSphere(n, d, new Rng(seed));
        const Q = matrixOf('ginibre', d, seed + 1), K = matrixOf('ginibre', d, seed + 2);
        for (const [beta, inc] of [[bSmall, () => small++], [bLarge, () => large++]] as const) {
          const [XT] = await flowOf(ctx.impl, { model: 'sa', beta, Q, K, V: null, X, times: [T] });
          if (hemisphereCertificate(XT, { tol }).inHemisphere) inc();
        }
      }
      const pSmall = small / N, pLarge = large / N;
      if (pSmall - pLarge < -e2) {
        throw new Violation(`fraction certified at beta = ${bSmall} (${fmt(pSmall)}) is below that at beta = ${bLarge} (${fmt(pLarge)}) by more than ${fmt(e2)}`, {
          quantity: 'fraction(small beta) - fraction(large beta)', measured: pSmall - pLarge, tolerance: -e2,
        });
      }
      return assertAtLeast(`fraction certified at t = ${T}, beta = ${bSmall}`, pSmall, floor, { actual: { pSmall, pLarge } });
    },
  };
}

/** The default T4.2 (121 paired samples, false-failure probability <= 1e-6). */
export const smallBetaProbability: Theorem<{ seed: number }> = makeSmallBetaProbabilityTheorem();
