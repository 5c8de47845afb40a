import fc from 'fast-check';
import type { Tokens } from '../src/linalg/mat.ts';
import { mat, toRows } from '../src/linalg/mat.ts';
import { normalizeRows } from '../src/linalg/vec.ts';
import type { ModelKind } from '../src/models/params.ts';
import { tokensOf } from '../properties/cases.ts';
import { Rng } from '../src/random/rng.ts';
import { uniformSphere } from '../src/random/sphere.ts';
import { consensusCheck } from './S15.single-cluster-certificate.ts';
import type { Theorem } from './types.ts';

/** A beta = 0 start: iid uniform, or the antipodal saddle (n - 1 tokens at e, one at -e) slightly perturbed. */
export interface BetaZeroCase {
  readonly model: ModelKind;
  readonly start: 'uniform' | 'perturbed-antipodal';
  readonly X: number[][];
}

/** n - 1 tokens at e and one at -e (the Frouvelle–Liu alternative to consensus), each moved by eps G and renormalised. */
export function perturbedAntipodal(n: number, d: number, eps: number, rng: Rng): Tokens {
  const e = uniformSphere(1, d, rng).data;
  const X = mat(n, d);
  for (let i = 0; i < n; i++) {
    const s = i === n - 1 ? -1 : 1;
    for (let k = 0; k < d; k++) X.data[i * d + k] = s * e[k] + eps * rng.normal();
  }
  normalizeRows(X.data, n, d);
  return X;
}

/**
 * Thm 4.1: at beta = 0 (4.1), Lebesgue-a.e. start converges to one point. Decided by the hemisphere
 * certificate followed by the diameter (S15), never by a fixed horizon alone. The antipodal critical
 * point is a strict saddle (Lemma A.2), so a perturbed copy of it must leave it and reach consensus too.
 */
export const consensusBetaZero: Theorem<BetaZeroCase> = {
  id: 'T4.1',
  title: 'at beta = 0 almost every start, including a perturbed antipodal saddle, converges to a single point',
  source: 'Thm 4.1 (eq. 4.1); Lemma A.1, A.2; Frouvelle–Liu 2019 Thm 2',
  hypotheses:
    'beta = 0 (SA = USA), Q = K = V = I; n in [2, 12], d in [2, 6]; X(0) iid uniform (a.e. start) or n - 1 tokens at e and one at -e each moved by 1e-3 G (G Gaussian) and renormalised',
  conclusion:
    'the flow reaches the hemisphere certificate and then diameter < max(1e-8, flowRtol) by t = 512 (doubling horizons); after the certificate it never leaves the hemisphere and never stalls (see S15)',
  tolerance: 'diameter target max(1e-8, flowRtol); certificate margin > 10 flowRtol; the budget t = 512 is 16x the measured worst case on the reference (consensus by t <= 32, certificate by t <= 8, over 300 runs: n in {2, 3, 5, 8, 12} x d in {2, 3, 6} x 10 seeds x uniform / perturbed antipodal), so an inconclusive run is itself suspicious',
  tier: 'should',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa'] },
  runs: 16,
  arbitrary: (ctx) =>
    fc
      .record({
        model: fc.constantFrom(...(ctx.models.length ? ctx.models : (['sa'] as ModelKind[]))),
        start: fc.constantFrom('uniform' as const, 'perturbed-antipodal' as const),
        n: fc.integer({ min: 2, max: 12 }),
        d: fc.integer({ min: 2, max: 6 }),
        seed: fc.nat({ max: 0x7fffffff }),
      })
      .map(({ model, start, n, d, seed }) => {
        const rng = new Rng(seed);
        const X = start === 'uniform' ? uniformSphere(n, d, rng) : perturbedAntipodal(n, d, 1e-3, rng);
        return { model, start, X: toRows(X) };
      }),
  check: (ctx, c) => consensusCheck(ctx, { model: c.model, beta: 0, Q: null, K: null, V: null, X: tokensOf(c) }, 512),
};
