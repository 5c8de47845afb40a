import fc from 'fast-check';
import type { Tokens } from '../src/linalg/mat.ts';
import { mat } from '../src/linalg/mat.ts';
import { rowDot } from '../src/linalg/vec.ts';
import { layerOf } from './support.ts';
import type { Theorem } from './types.ts';
import { Violation, assertAtMost, fmt } from './types.ts';

/** Context lengths of the check; tokens live in d = n + 1. */
export const LC_NS = [32, 128, 512];

/** The layer step standing in for h = infinity: normalize(x + h a) is a/|a| up to O(1/h). */
export const LC_H = 1e8;

/** x_i = sqrt(1 - rho) e_i + sqrt(rho) e_{n+1}: n unit tokens in R^{n+1} with all <x_i, x_j> = rho. */
export function equiangularTokens(n: number, rho: number): Tokens {
  const d = n + 1, X = mat(n, d);
  for (let i = 0; i < n; i++) {
    X.data[i * d + i] = Math.sqrt(1 - rho);
    X.data[i * d + n] = Math.sqrt(rho);
  }
  return X;
}

/**
 * Cosine between two outputs a_i = sum_j A_ij x_j of one SA attention step on an equiangular input (exact, finite n):
 * a_i = (s - w) x_i + w S with s, w the self and cross weights and S = sum_j x_j.
 */
export function oneLayerCosine(n: number, rho: number, beta: number): number {
  // Weights relative to the self term: s = 1 / (1 + (n - 1) r), w = r s, r = e^{-beta (1 - rho)}.
  const r = Math.exp(-beta * (1 - rho));
  const s = 1 / (1 + (n - 1) * r), w = r * s, a = s - w;
  const xs = 1 + (n - 1) * rho, ss = n + n * (n - 1) * rho;
  const cross = a * a * rho + 2 * a * w * xs + w * w * ss;
  const norm2 = a * a + 2 * a * w * xs + w * w * ss;
  return cross / norm2;
}

/** The n -> infinity limit with beta = gamma log n: 1, 4 rho / (1 + 3 rho), or rho as gamma (1 - rho) <, =, > 1. */
export function longContextLimit(rho: number, gamma: number): number {
  const g = gamma * (1 - rho);
  return Math.abs(g - 1) < 1e-12 ? (4 * rho) / (1 + 3 * rho) : g < 1 ? 1 : rho;
}

/** A case: the input inner product rho and gamma (beta = gamma log n). */
export interface LongContextCase {
  readonly rho: number;
  readonly gamma: number;
}

/**
 * FU-LC (Chen-Lin-Polyanskiy-Rigollet 2025, long-context result): one attention layer with beta = gamma log n on an
 * equiangular input of inner product rho sends the output directions to inner products 1, 4 rho / (1 + 3 rho) or rho
 * as gamma (1 - rho) <, =, > 1.
 */
export const longContext: Theorem<LongContextCase> = {
  id: 'FU-LC',
  title: 'one layer with beta = gamma log n on equiangular input rho gives output inner products -> 1, 4 rho/(1 + 3 rho), rho as gamma (1 - rho) <, =, > 1',
  source: 'Chen, Lin, Polyanskiy, Rigollet, arXiv 2504.14697 (as quoted in the Rigollet survey); THEORY §4 "Other follow-ups"; §6 table row FU-LC',
  hypotheses:
    `SA, Q = K = V = I; x_i = sqrt(1 - rho) e_i + sqrt(rho) e_{n+1} in R^{n+1}; n in {${LC_NS.join(', ')}}; beta = gamma log n; rho in [0.2, 0.8]; ` +
    `gamma (1 - rho) in {0.5, 1, 1.5} (below, at, above the threshold); the output direction a_i/|a_i| read from one layer op step with h = ${LC_H}`,
  conclusion:
    '(a) the implementation\'s output cosine equals the exact finite-n value oneLayerCosine(n, rho, beta); (b) its distance to the limit decreases along n; ' +
    '(c) the exact finite-n value at n = 1e12 is within 1e-3 of the limit (the n -> infinity extrapolation)',
  tolerance:
    '(a) absolute 10 / h + 1e3 n eps (normalize(x + h a) differs from a/|a| by O(|x|/(h |a|)), |a| >= sqrt(rho) here; the sums have n terms); ' +
    '(c) 1e-3: the finite-n error decays like n^{-|gamma (1 - rho) - 1|} = 1e-6 at n = 1e12 away from the threshold and like 1/n at it',
  tier: 'may',
  kind: 'floating',
  cost: 'slow',
  needs: { ops: ['layer'], models: ['sa'] },
  runs: 3,
  arbitrary: () =>
    fc.record({ rho: fc.oneof(fc.constant(0.5), fc.double({ min: 0.2, max: 0.8, noNaN: true })), g: fc.constantFrom(0.5, 1, 1.5) }).map(({ rho, g }) => ({ rho, gamma: g / (1 - rho) })),
  async check(ctx, c) {
    const limit = longContextLimit(c.rho, c.gamma);
    const dists: number[] = [];
    let worst = 0, tolWorst = 0;
    for (const n of LC_NS) {
      const beta = c.gamma * Math.log(n);
      const X = equiangularTokens(n, c.rho);
      const [Y] = await layerOf(ctx.impl, { model: 'sa', beta, Q: null, K: null, V: null, X, h: LC_H, steps: 1 });
      const cos = rowDot(Y.data, 0, Y.data, 1, Y.cols);
      const exact = oneLayerCosine(n, c.rho, beta);
      const tol = 10 / LC_H + 1e3 * n * ctx.profile.eps;
      if (Math.abs(cos - exact) > tol) {
        throw new Violation(`n = ${n}: output cosine ${fmt(cos)} differs from the exact one-layer value ${fmt(exact)}`, {
          quantity: `|cos - exact| (n = ${n})`, measured: Math.abs(cos - exact), tolerance: tol, expected: exact, actual: cos,
        });
      }
      worst = Math.max(worst, Math.abs(cos - exact));
      tolWorst = Math.max(tolWorst, tol);
      dists.push(Math.abs(cos - limit));
    }
    for (let k = 1; k < dists.length; k++) {
      if (!(dists[k] < dists[k - 1])) {
        throw new Violation(`the distance to the limit ${fmt(limit)} did not decrease from n = ${LC_NS[k - 1]} to n = ${LC_NS[k]}`, {
          quantity: '|cos_n - limit| increase', measured: dists[k] - dists[k - 1], tolerance: 0, actual: dists,
        });
      }
    }
    const far = 1e12;
    assertAtMost('|oneLayerCosine(1e12) - limit|', Math.abs(oneLayerCosine(far, c.rho, c.gamma * Math.log(far)) - limit), 1e-3);
    return { status: 'pass', measured: worst, tolerance: tolWorst };
  },
};
