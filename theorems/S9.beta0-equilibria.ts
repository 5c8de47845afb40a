import fc from 'fast-check';
import { configuration } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { caseOf, requestOf } from '../properties/cases.ts';
import type { Tokens } from '../src/linalg/mat.ts';
import { mat } from '../src/linalg/mat.ts';
import { haarOrthogonal } from '../src/random/matrices.ts';
import { Rng } from '../src/random/rng.ts';
import { uniformSphere } from '../src/random/sphere.ts';
import { maxRowNorm } from './sphereCalculus.ts';
import { velocityOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtLeast, assertAtMost } from './types.ts';

/** Kinds of beta = 0 configurations: the two equilibrium families of S9, and generic non-equilibria. */
export type Beta0Kind = 'balanced' | 'aligned' | 'generic';

/** A beta = 0 case and which family its tokens come from. */
export interface Beta0Case extends SystemCase {
  readonly kind: Beta0Kind;
}

/**
 * Tokens of each family. `balanced` (sum_j x_j = 0): regular polygons on random great circles, plus
 * antipodal pairs, concatenated (n >= 2; d = 1 uses pairs {1, -1}). `aligned`: x_i = s_i u with signs
 * s_i whose sum is non-zero, so every x_i is +-m/|m|. `generic`: iid uniform.
 */
export function beta0Configuration(kind: Beta0Kind, n: number, d: number, seed: number): Tokens {
  const rng = new Rng(seed);
  if (kind === 'generic') return uniformSphere(n, d, rng);
  const X = mat(n, d);
  if (kind === 'aligned') {
    const u = uniformSphere(1, d, rng).data;
    const s: number[] = Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1));
    if (s.reduce((a, b) => a + b, 0) === 0) s[0] = -s[0];
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) X.data[i * d + k] = s[i] * u[k];
    return X;
  }
  // Balanced: split n into groups of size >= 2; each group is a regular polygon on a random great circle (a pair is antipodal).
  let i = 0;
  while (i < n) {
    const left = n - i;
    const size = left <= 3 ? left : 2 + rng.int(left - 3);
    const O = d >= 2 ? haarOrthogonal(d, rng) : null;
    const phase = rng.uniform() * 2 * Math.PI;
    for (let k = 0; k < size; k++) {
      if (d === 1) {
        X.data[(i + k) * d] = k % 2 === 0 ? 1 : -1;
        continue;
      }
      const a = phase + (2 * Math.PI * k) / size, ca = Math.cos(a), sa = Math.sin(a);
      for (let r = 0; r < d; r++) X.data[(i + k) * d + r] = O!.data[r * d] * ca + O!.data[r * d + 1] * sa;
    }
    i += size;
  }
  return X;
}

/**
 * S9 (Lemma A.2 step 1, eq. 4.1): at beta = 0 X is an equilibrium iff m = sum_j x_j = 0 or every x_i is +-m/|m|.
 * The velocity vanishes on both families, and is non-zero at generic configurations.
 */
export const beta0Equilibria: Theorem<Beta0Case> = {
  id: 'S9',
  title: 'at beta = 0 the velocity vanishes exactly when sum_j x_j = 0 or every x_i = +-m/|m|',
  source: 'Lemma A.2 (step 1), eq. (4.1); §2 S9 [DERIVED]',
  hypotheses:
    'beta = 0, SA or USA, Q = K = V = I, n in [2, 9], d in [1, 5]; balanced configurations (polygons on random great circles and antipodal pairs; d = 1 uses pairs +-1 with n even-ish groups), ' +
    'aligned configurations (x_i = s_i u, sum s_i != 0), and iid uniform ones (generic: not an equilibrium with probability 1)',
  conclusion:
    'balanced or aligned: max_i |v_i| <= tol; generic: max_i |v_i| >= (1/2) max_i |P^perp_{x_i} m| / n where that is resolvable (> 1e3 tol), so the zero set is not larger than the two families',
  tolerance: 'absolute 64 n d eps_profile: m is a sum of n unit vectors that cancel exactly in exact arithmetic, so only rounding of the construction and the sum remains',
  tier: 'must',
  kind: 'exact',
  cost: 'fast',
  needs: { ops: ['velocity'], models: ['sa', 'usa'] },
  runs: 100,
  arbitrary: (ctx) =>
    fc
      .record({
        model: fc.constantFrom(...ctx.models),
        kind: fc.constantFrom<Beta0Kind>('balanced', 'aligned', 'generic'),
        n: fc.integer({ min: 2, max: 9 }),
        d: fc.integer({ min: 1, max: 5 }),
        seed: fc.nat({ max: 0x7fffffff }),
      })
      .map(({ model, kind, n, d, seed }) => {
        // d = 1 balanced needs even n; fall back to the basis configuration's pairs otherwise.
        const X = kind === 'balanced' && d === 1 && n % 2 === 1 ? configuration('basis', n - 1, 1, seed) : beta0Configuration(kind, n, d, seed);
        return { ...caseOf(model, 0, X), kind };
      }),
  async check(ctx, c) {
    const req = requestOf(c);
    const v = await velocityOf(ctx.impl, req);
    const n = req.X.rows, d = req.X.cols;
    const tol = 64 * n * d * ctx.profile.eps;
    if (c.kind !== 'generic') return assertAtMost(`max_i |v_i| at a ${c.kind} configuration`, maxRowNorm(v), tol);
    const m = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) m[k] += req.X.data[i * d + k];
    let expected = 0;
    for (let i = 0; i < n; i++) {
      let s = 0, q = 0;
      for (let k = 0; k < d; k++) s += m[k] * req.X.data[i * d + k];
      for (let k = 0; k < d; k++) q += (m[k] - s * req.X.data[i * d + k]) ** 2;
      expected = Math.max(expected, Math.sqrt(q) / n);
    }
    if (expected <= 1e3 * tol) return { status: 'pass', measured: 0, tolerance: tol };
    return assertAtLeast('max_i |v_i| / max_i |P^perp m| / n at a generic configuration', maxRowNorm(v) / expected, 0.5);
  },
};
