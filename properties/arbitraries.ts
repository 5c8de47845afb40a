import fc from 'fast-check';
import type { Mat, Tokens } from '../src/linalg/mat.ts';
import { identity, mat, scaledIdentity } from '../src/linalg/mat.ts';
import { normalizeRows } from '../src/linalg/vec.ts';
import type { ModelKind } from '../src/models/params.ts';
import { ginibre, goe, haarOrthogonal, psd, symmetric } from '../src/random/matrices.ts';
import { Rng } from '../src/random/rng.ts';
import { fromAngles, uniformSphere } from '../src/random/sphere.ts';
import { envelopeProblem } from '../src/check/envelope.ts';
import type { SystemCase } from './cases.ts';
import { caseOf, requestOf } from './cases.ts';

/**
 * Families of token configurations that find bugs, listed simplest first so fast-check shrinks toward
 * them: basis vectors, then iid uniform, then the hard cases of the velocity and the certificates.
 */
export const CONFIGURATIONS = [
  'basis',
  'uniform',
  'clustered',
  'nearly-clustered',
  'antipodal',
  'near-antipodal',
  'hemisphere',
  'outside-hemisphere',
  'equiangular',
  'orthogonal',
  'polygon',
] as const;

/** One of {@link CONFIGURATIONS}. */
export type Configuration = (typeof CONFIGURATIONS)[number];

/**
 * Builds n tokens in R^d of the given family from a seed. Families that need d >= n (orthogonal) or
 * d >= 2 (polygon) fall back to `uniform` when the size does not allow them.
 */
export function configuration(kind: Configuration, n: number, d: number, seed: number): Tokens {
  const rng = new Rng(seed);
  const X = mat(n, d);
  const x = X.data;
  const set = (i: number, v: ArrayLike<number>) => {
    for (let k = 0; k < d; k++) x[i * d + k] = v[k];
  };
  switch (kind) {
    case 'basis':
      for (let i = 0; i < n; i++) x[i * d + (i % d)] = i % (2 * d) < d ? 1 : -1;
      return X;
    case 'uniform':
      return uniformSphere(n, d, rng);
    case 'clustered':
    case 'nearly-clustered': {
      // All tokens within an angle of 1e-2 (clustered) or 1e-7 (nearly: the velocity is a tiny
      // difference of large terms) of one centre.
      const spread = kind === 'clustered' ? 1e-2 : 1e-7;
      const c = uniformSphere(1, d, rng).data;
      for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) x[i * d + k] = c[k] + spread * rng.normal();
      break;
    }
    case 'antipodal':
    case 'near-antipodal': {
      const c = uniformSphere(1, d, rng).data;
      const eps = kind === 'antipodal' ? 0 : 1e-6;
      for (let i = 0; i < n; i++) {
        const s = i % 2 === 0 ? 1 : -1;
        for (let k = 0; k < d; k++) x[i * d + k] = s * c[k] + (i > 1 ? 0.3 : eps) * rng.normal();
      }
      break;
    }
    case 'hemisphere':
    case 'outside-hemisphere': {
      // Tokens with <x_i, e_1> > 0; the second family flips one token just past the boundary.
      const U = uniformSphere(n, d, rng);
      for (let i = 0; i < n; i++) {
        const row = U.data.subarray(i * d, (i + 1) * d);
        if (row[0] < 0) row[0] = -row[0];
        if (row[0] < 1e-3) row[0] = 1e-3;
        set(i, row);
      }
      if (kind === 'outside-hemisphere' && n >= 2) {
        for (let k = 0; k < d; k++) x[(n - 1) * d + k] = -x[k];
        x[(n - 1) * d] -= 1e-3;
      }
      break;
    }
    case 'equiangular':
    case 'orthogonal': {
      if (d < n) return uniformSphere(n, d, rng);
      // x_i = sqrt(1 - rho) e_i + sqrt(rho) u with u a unit vector orthogonal-ish: gives <x_i, x_j> = rho
      // exactly when u is the normalised all-ones direction of the first n coordinates (Thm 6.8, S13).
      const rho = kind === 'orthogonal' ? 0 : rng.uniform() * 0.9;
      const a = Math.sqrt(1 - rho);
      const b = (-a + Math.sqrt(a * a + n * rho)) / n; // x_i = a e_i + b 1_n: <x_i,x_j> = 2ab + n b^2 = rho
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < n; k++) x[i * d + k] = b;
        x[i * d + i] += a;
      }
      break;
    }
    case 'polygon': {
      if (d < 2) return uniformSphere(n, d, rng);
      const phase = rng.uniform() * 2 * Math.PI;
      const P = fromAngles(Array.from({ length: n }, (_, i) => phase + (2 * Math.PI * i) / n));
      for (let i = 0; i < n; i++) set(i, [P.data[2 * i], P.data[2 * i + 1], ...new Array(Math.max(0, d - 2)).fill(0)]);
      return X;
    }
  }
  normalizeRows(x, n, d);
  return X;
}

/** Matrix families for Q, K, V. `identity` first so counterexamples shrink toward the toy model (§1.3). */
export const MATRIX_FAMILIES = ['identity', 'scaled-identity', 'orthogonal', 'symmetric', 'psd', 'ginibre', 'goe'] as const;
/** One of {@link MATRIX_FAMILIES}. */
export type MatrixFamily = (typeof MATRIX_FAMILIES)[number];

/** A d x d matrix of the given family from a seed; Ginibre and GOE are scaled by 1/sqrt(d) (Fig. 5). */
export function matrixOf(family: MatrixFamily, d: number, seed: number): Mat {
  const rng = new Rng(seed);
  const scale = (m: Mat, s: number) => {
    for (let i = 0; i < m.data.length; i++) m.data[i] *= s;
    return m;
  };
  switch (family) {
    case 'identity':
      return identity(d);
    case 'scaled-identity':
      return scaledIdentity(d, 0.5 + 1.5 * rng.uniform());
    case 'orthogonal':
      return haarOrthogonal(d, rng);
    case 'symmetric':
      return scale(symmetric(d, rng), 1 / Math.sqrt(d));
    case 'psd':
      return psd(d, rng);
    case 'ginibre':
      return scale(ginibre(d, d, rng), 1 / Math.sqrt(d));
    case 'goe':
      return scale(goe(d, rng), 1 / Math.sqrt(d));
  }
}

/** Options for {@link systemArbitrary}. Defaults in brackets. */
export interface SystemArbitraryOptions {
  /** Models to draw from [['sa', 'usa']]. */
  readonly models?: readonly ModelKind[];
  /** Token count range [1, 8]. */
  readonly n?: readonly [number, number];
  /** Dimension range [1, 6]. */
  readonly d?: readonly [number, number];
  /** beta range for the continuous part [0, 10]; special values are mixed in (see `betaArbitrary`). */
  readonly beta?: readonly [number, number];
  /** Include the huge beta values 50, 1000, 1e6 [false]. */
  readonly hugeBeta?: boolean;
  /** Configuration families [all]. */
  readonly configurations?: readonly Configuration[];
  /**
   * How Q, K, V are drawn: `identity` (Q = K = V = I, as null), `qk` (random Q, K; V = I), `symmetric-v`
   * (Q = I, K = V = B symmetric: Q^T K = V, §3.4.1), `repulsive` (Q = K = I, V = -I), `general`
   * (any families, Q != K, non-symmetric V) [['identity']].
   */
  readonly matrices?: readonly ('identity' | 'qk' | 'symmetric-v' | 'repulsive' | 'general')[];
}

/** beta values: 0, tiny, moderate, the range, and optionally huge; shrinks toward 0 and 1. */
export function betaArbitrary(range: readonly [number, number] = [0, 10], huge = false): fc.Arbitrary<number> {
  const specials = [0, 1, 1e-8, 0.5, 2, 4].filter((b) => b >= range[0] && b <= range[1]);
  const arbs: fc.Arbitrary<number>[] = [fc.constantFrom(...(specials.length ? specials : [range[0]]))];
  arbs.push(fc.double({ min: range[0], max: range[1], noNaN: true, noDefaultInfinity: true }));
  if (huge) arbs.push(fc.constantFrom(50, 1000, 1e6));
  return fc.oneof(...arbs);
}

/**
 * Systems satisfying the given hypotheses, as JSON {@link SystemCase}s. Built from integer seeds and
 * family names so they shrink toward small n, small d, the identity and simple configurations.
 */
export function systemArbitrary(options: SystemArbitraryOptions = {}): fc.Arbitrary<SystemCase> {
  const [nMin, nMax] = options.n ?? [1, 8];
  const [dMin, dMax] = options.d ?? [1, 6];
  const models = options.models ?? ['sa', 'usa'];
  return fc
    .record({
      model: fc.constantFrom(...models),
      n: fc.integer({ min: nMin, max: nMax }),
      d: fc.integer({ min: dMin, max: dMax }),
      beta: betaArbitrary(options.beta ?? [0, 10], options.hugeBeta ?? false),
      config: fc.constantFrom(...(options.configurations ?? CONFIGURATIONS)),
      seed: fc.nat({ max: 0x7fffffff }),
      matrices: fc.constantFrom(...(options.matrices ?? ['identity'])),
      qFamily: fc.constantFrom(...MATRIX_FAMILIES),
      kFamily: fc.constantFrom(...MATRIX_FAMILIES),
      vFamily: fc.constantFrom(...MATRIX_FAMILIES),
    })
    .map((r) => {
      const X = configuration(r.config, r.n, r.d, r.seed);
      const d = r.d;
      switch (r.matrices) {
        case 'identity':
          return caseOf(r.model, r.beta, X);
        case 'qk':
          return caseOf(r.model, r.beta, X, matrixOf(r.qFamily, d, r.seed + 1), matrixOf(r.kFamily, d, r.seed + 2), null);
        case 'symmetric-v': {
          const B = matrixOf(r.vFamily === 'ginibre' ? 'symmetric' : r.vFamily, d, r.seed + 3);
          // Q^T K = V symmetric with Q = I, K = V = B (§3.4.1); Ginibre is not symmetric so it is replaced.
          const Bs = symmetrise(B);
          return caseOf(r.model, r.beta, X, null, Bs, Bs);
        }
        case 'repulsive':
          return caseOf(r.model, r.beta, X, null, null, scaledIdentity(d, -1));
        case 'general':
          return caseOf(r.model, r.beta, X, matrixOf(r.qFamily, d, r.seed + 1), matrixOf(r.kFamily, d, r.seed + 2), matrixOf(r.vFamily, d, r.seed + 3));
      }
    });
}

/** (B + B^T) / 2. */
export function symmetrise(B: Mat): Mat {
  const d = B.rows;
  const S = mat(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) S.data[i * d + j] = (B.data[i * d + j] + B.data[j * d + i]) / 2;
  return S;
}

/** A seed for statistical theorems, which sample internally; fast-check runs them once. */
export function seedArbitrary(): fc.Arbitrary<{ seed: number }> {
  return fc.record({ seed: fc.nat({ max: 0x7fffffff }) });
}

/**
 * Whether a flow of case `c` to the given times lies inside the feasibility envelope
 * (src/check/envelope.ts): generators filter with it, so `check` never asks what a correct float64
 * implementation cannot answer.
 */
export function flowInEnvelope(c: SystemCase, times: readonly number[]): boolean {
  return envelopeProblem({ op: 'flow', ...requestOf(c), times }) === null;
}
