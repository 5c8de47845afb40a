import { seedArbitrary } from '../properties/arbitraries.ts';
import { Rng, deriveSeed } from '../src/random/rng.ts';
import { toAngles, uniformSphere } from '../src/random/sphere.ts';
import { flowOf } from './support.ts';
import type { Theorem } from './types.ts';
import { Violation } from './types.ts';

/** Sizes: USA on the circle, n = 8, beta = 2, sampled at t = 1, 4, 16; one particle per seed. */
export const BBGKY = { model: 'usa' as const, n: 8, beta: 2, times: [1, 4, 16], seeds: 400 };

/**
 * KS half-width from the Dvoretzky-Kiefer-Wolfowitz inequality (Massart's constant), P(sup |F_S - F| > eps) <= 2 exp(-2 S eps^2),
 * with a union bound over the 3 times at total 1e-6: eps = sqrt(ln(2 * 3 / 1e-6) / (2 S)) = sqrt(15.61 / 800) = 0.1397.
 */
export const BBGKY_EPS = Math.sqrt(Math.log((2 * BBGKY.times.length) / 1e-6) / (2 * BBGKY.seeds));

/** sup_x |F_S(x) - x| for a sample of points in [0, 1): the Kolmogorov-Smirnov distance to the uniform law. */
export function ksUniform(u: readonly number[]): number {
  const s = [...u].sort((a, b) => a - b);
  const m = s.length;
  let dist = 0;
  for (let k = 0; k < m; k++) dist = Math.max(dist, (k + 1) / m - s[k], s[k] - k / m);
  return dist;
}

/**
 * BBGKY (§8, Problem 4 setup; S3): from iid uniform starts on the circle, the one-particle marginal rho^(1)(t) stays
 * uniform for all t, because the dynamics commutes with rotations. Checked on particle 1's angle across seeds with a KS test.
 */
export const oneParticleUniform: Theorem<{ seed: number }> = {
  id: 'BBGKY',
  title: 'from iid uniform starts on the circle the one-particle law stays uniform at every time: rho^(1)(t) = 1/(2 pi)',
  source: '§8 (Problem 4 setup: rho^(1) = 1/(2 pi)), S3 orthogonal equivariance; §6 table row BBGKY',
  hypotheses:
    `USA, Q = K = V = I, d = 2, n = ${BBGKY.n}, beta = ${BBGKY.beta}, iid uniform starts from Rng(seed); ${BBGKY.seeds} seeds; ` +
    `the angle of particle 1 at t in {${BBGKY.times.join(', ')}} (one particle per seed, so the sample is iid)`,
  conclusion: `at each time, the Kolmogorov-Smirnov distance of the angles/(2 pi) to the uniform law is <= ${BBGKY_EPS.toFixed(4)}`,
  tolerance: `KS half-width ${BBGKY_EPS.toFixed(4)} from the DKW-Massart inequality at total false-failure 1e-6 over the 3 times`,
  tier: 'may',
  kind: 'statistical',
  cost: 'slow',
  needs: { ops: ['flow'], models: ['usa'] },
  runs: 1,
  falseFailureProbability: 1e-6,
  arbitrary: () => seedArbitrary(),
  async check(ctx, c) {
    const rng = new Rng(deriveSeed(c.seed, 'BBGKY'));
    const u: number[][] = BBGKY.times.map(() => []);
    for (let s = 0; s < BBGKY.seeds; s++) {
      const X = uniformSphere(BBGKY.n, 2, rng);
      const states = await flowOf(ctx.impl, { model: BBGKY.model, beta: BBGKY.beta, Q: null, K: null, V: null, X, times: BBGKY.times });
      states.forEach((Y, k) => {
        const a = toAngles(Y)[0];
        u[k].push((a < 0 ? a + 2 * Math.PI : a) / (2 * Math.PI));
      });
    }
    let worst = 0;
    for (let k = 0; k < BBGKY.times.length; k++) {
      const ks = ksUniform(u[k]);
      if (ks > BBGKY_EPS) {
        throw new Violation(`at t = ${BBGKY.times[k]} the one-particle angles are not uniform: KS distance ${ks.toFixed(4)} > ${BBGKY_EPS.toFixed(4)}`, {
          quantity: `KS distance to uniform (t = ${BBGKY.times[k]})`, measured: ks, tolerance: BBGKY_EPS,
        });
      }
      worst = Math.max(worst, ks);
    }
    return { status: 'pass', measured: worst, tolerance: BBGKY_EPS };
  },
};
