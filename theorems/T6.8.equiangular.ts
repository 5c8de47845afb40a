import fc from 'fast-check';
import { caseOf } from '../properties/cases.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { gammaBeta } from '../src/analysis/equiangular.ts';
import type { Tokens } from '../src/linalg/mat.ts';
import { mat } from '../src/linalg/mat.ts';
import { haarOrthogonal } from '../src/random/matrices.ts';
import { Rng } from '../src/random/rng.ts';
import { flowOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/** An orthogonal start (rotated basis vectors) of the toy model plus the sampling times. */
export interface EquiangularCase extends SystemCase {
  readonly times: number[];
}

/** Rows O e_i, i < n: a pairwise orthogonal start in a random orientation (Q = K = V = I is O(d)-equivariant, S3). */
export function rotatedOrthogonalStart(n: number, d: number, seed: number): Tokens {
  const O = haarOrthogonal(d, new Rng(seed));
  const X = mat(n, d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) X.data[i * d + k] = O.data[k * d + i];
  return X;
}

/** max_{i<j} |<x_i, x_j> - g| and the mean of 1 - <x_i, x_j> = |x_i - x_j|^2 / 2 over pairs. */
export function offDiagonalStats(X: Tokens, g: number): { maxDev: number; meanOneMinus: number } {
  const n = X.rows, d = X.cols, x = X.data;
  let maxDev = 0, sum = 0, pairs = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    let dot = 0, dist = 0;
    for (let k = 0; k < d; k++) {
      dot += x[i * d + k] * x[j * d + k];
      dist += (x[i * d + k] - x[j * d + k]) ** 2;
    }
    maxDev = Math.max(maxDev, Math.abs(dot - g));
    sum += dist / 2;
    pairs++;
  }
  return { maxDev, meanOneMinus: pairs ? sum / pairs : 0 };
}

/**
 * T6.8: tokens started pairwise orthogonal stay equiangular, and the common inner product is gamma_beta(t),
 * the solution of (6.9) (SA) or (6.10) (USA) with gamma(0) = 0.
 */
export const equiangular: Theorem<EquiangularCase> = {
  id: 'T6.8',
  title: 'from a pairwise orthogonal start every Gram off-diagonal entry equals gamma_beta(t) of (6.9) (SA) / (6.10) (USA)',
  source: 'Thm 6.8, eqs. (6.9)-(6.10); §6 table row T6.8',
  hypotheses: 'Q = K = V = I; SA or USA; n in [2, 6], d in [n, n + 3]; beta in [0, 5] (USA: [0, 3]); x_i(0) = O e_i with O Haar orthogonal; times t/2 and t, t in (0, 5]',
  conclusion: 'max_{i<j, s in {t/2, t}} |<x_i(s), x_j(s)> - gamma_beta(s)| <= tol, gamma_beta from attnflow\'s quadrature of (6.9)/(6.10) (accurate to 1e-14)',
  tolerance:
    'absolute 20 flowRtol (2e-7 for float64): each token is accurate to flowRtol relative, an inner product of two such ' +
    'moves by about 2 flowRtol, and the equiangular dynamics is contracting towards gamma so errors do not grow; 10x headroom',
  tier: 'must',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa', 'usa'] },
  runs: 25,
  arbitrary: (ctx) =>
    fc
      .record({
        model: fc.constantFrom(...ctx.models),
        n: fc.integer({ min: 2, max: 6 }),
        extra: fc.integer({ min: 0, max: 3 }),
        beta: fc.oneof(fc.constantFrom(0, 1, 3), fc.double({ min: 0, max: 5, noNaN: true })),
        t: fc.double({ min: 0.05, max: 5, noNaN: true }),
        seed: fc.nat({ max: 0x7fffffff }),
      })
      .map((r) => {
        const beta = r.model === 'usa' ? Math.min(r.beta, 3) : r.beta;
        return { ...caseOf(r.model, beta, rotatedOrthogonalStart(r.n, r.n + r.extra, r.seed)), times: [r.t / 2, r.t] };
      }),
  async check(ctx, c) {
    const n = c.X.length;
    const states = await flowOf(ctx.impl, { ...requestOf(c), times: c.times });
    const g = gammaBeta(c.model, n, c.beta, c.times);
    let worst = 0;
    states.forEach((s, k) => (worst = Math.max(worst, offDiagonalStats(s, g[k]).maxDev)));
    return assertAtMost('max_{i<j,t} |<x_i, x_j> - gamma_beta(t)|', worst, 20 * ctx.profile.flowRtol, {
      expected: Array.from(g),
    });
  },
};
