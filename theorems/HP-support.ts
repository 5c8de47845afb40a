/**
 * Shared pieces of the HP- theorems (agreement with the 50-digit decimal.js mirror of src/highprec):
 * the hard input regimes as one shrinking arbitrary, the per-row scales the tolerances are written in,
 * and a Richardson-extrapolated 50-digit RK4 trajectory used as the truth for flows.
 */
import fc from 'fast-check';
import type { Decimal } from 'decimal.js';
import type { SystemCase } from '../properties/cases.ts';
import { caseOf, paramsOfCase, requestOf } from '../properties/cases.ts';
import type { Mat, Tokens } from '../src/linalg/mat.ts';
import { fromRows, mat } from '../src/linalg/mat.ts';
import { normalizeRows } from '../src/linalg/vec.ts';
import type { ModelKind } from '../src/models/params.ts';
import { ginibre } from '../src/random/matrices.ts';
import { Rng } from '../src/random/rng.ts';
import { uniformSphere } from '../src/random/sphere.ts';
import type { DMat } from '../src/highprec/dmat.ts';
import { rk4 } from '../src/highprec/rk4.ts';

/**
 * Constants of the float64 engine's accuracy target, in units of the profile's eps: 1e-12 relative
 * (4500 eps64), 1e-13 absolute where the velocity is near zero (450 eps64), and 64 eps for the
 * conditioning of softmax in a rounded score. They are the bound test/highprec/disagreement.test.ts
 * holds the float64 engine to, where the search over 2 430 hard cases measured err/bound <= 0.72.
 */
export const HP_REL = 4500;
/** Absolute part of the bound, in eps (see {@link HP_REL}). */
export const HP_ABS = 450;
/** Softmax conditioning factor, in eps (see {@link HP_REL}). */
export const HP_COND = 64;

/**
 * The hard regimes, simplest first so fast-check shrinks toward `basic` (identity matrices, iid
 * uniform tokens, beta = 1): each is where a float64 attention kernel is fragile.
 */
export const HARD_REGIMES = [
  'basic',
  'tiny beta',
  'n = 1',
  'd = 1',
  'general Q, K, V',
  'nearly coincident',
  'near-antipodal',
  'huge beta',
  'huge beta near ties',
  'd = 128',
] as const;
/** One of {@link HARD_REGIMES}. */
export type HardRegime = (typeof HARD_REGIMES)[number];

/** A system of a hard regime, as plain JSON (replayable). */
export interface HardCase extends SystemCase {
  readonly regime: HardRegime;
}

interface RegimeSpec {
  readonly betas: readonly number[];
  readonly n?: readonly [number, number];
  readonly d?: readonly [number, number];
  readonly spreads?: readonly number[];
  readonly antipodal?: boolean;
  readonly general: 'never' | 'maybe' | 'always';
  readonly saOnly?: boolean;
}

// beta lists and spreads follow test/fixtures/highprec/regimes.ts, where the engine was measured.
const SPECS: Record<HardRegime, RegimeSpec> = {
  basic: { betas: [1], general: 'never' },
  'tiny beta': { betas: [0, 1e-8], general: 'maybe' },
  'n = 1': { betas: [0, 1, 50], n: [1, 1], general: 'maybe' },
  'd = 1': { betas: [0, 1, 50], d: [1, 1], general: 'maybe' },
  'general Q, K, V': { betas: [0.5, 2, 10], n: [2, 8], d: [2, 6], general: 'always' },
  'nearly coincident': { betas: [1, 5, 20], n: [2, 6], d: [2, 5], spreads: [1e-4, 1e-8, 1e-12, 1e-15], general: 'maybe' },
  'near-antipodal': { betas: [0.5, 1, 5, 20], n: [2, 6], d: [2, 5], spreads: [1e-4, 1e-8, 1e-12], antipodal: true, general: 'maybe' },
  'huge beta': { betas: [50, 1000, 1e6], n: [2, 8], d: [2, 6], general: 'maybe', saOnly: true },
  'huge beta near ties': { betas: [1000, 1e6], n: [2, 6], d: [2, 4], spreads: [1e-3, 1e-4, 1e-6], general: 'never', saOnly: true },
  // Identity matrices only: a 128 x 128 matrix product at 50 digits costs seconds.
  'd = 128': { betas: [1, 10], n: [2, 3], d: [128, 128], general: 'never' },
};

/** Options of {@link hardCaseArbitrary}. Defaults in brackets. */
export interface HardCaseOptions {
  /** Models to draw [['sa', 'usa']]; USA is never drawn in the huge-beta regimes (e^{beta} overflows). */
  readonly models?: readonly ModelKind[];
  /** Regimes to draw [all]. */
  readonly regimes?: readonly HardRegime[];
  /** Caps on n and d, for the decimal cost [8, 6] (d = 128 keeps its d). */
  readonly nMax?: number;
  readonly dMax?: number;
  /** Cap on beta: larger listed values are dropped (a regime left with none uses the cap itself) [Infinity]. */
  readonly betaMax?: number;
}

/** Tokens within `spread` of one base token (alternating signs when `antipodal`), renormalised. */
function cluster(n: number, d: number, spread: number, rng: Rng, antipodal: boolean): Tokens {
  const base = uniformSphere(1, d, rng).data;
  const X = uniformSphere(n, d, rng);
  for (let i = 0; i < n; i++) {
    const sgn = antipodal && i % 2 === 1 ? -1 : 1;
    for (let k = 0; k < d; k++) X.data[i * d + k] = sgn * base[k] + spread * X.data[i * d + k];
  }
  normalizeRows(X.data, n, d);
  return X;
}

/**
 * Systems from the hard regimes (huge beta, near ties, nearly coincident and near-antipodal tokens,
 * beta in {0, 1e-8}, n = 1, d = 1, d = 128, non-symmetric V with Q != K), built from integer picks so
 * a counterexample shrinks toward the `basic` regime, small n and d, and identity matrices.
 */
export function hardCaseArbitrary(options: HardCaseOptions = {}): fc.Arbitrary<HardCase> {
  const models = options.models?.length ? options.models : (['sa', 'usa'] as const);
  const nMax = options.nMax ?? 8, dMax = options.dMax ?? 6, betaMax = options.betaMax ?? Infinity;
  return fc
    .record({
      regime: fc.constantFrom(...(options.regimes ?? HARD_REGIMES)),
      seed: fc.nat({ max: 0x7fffffff }),
      n: fc.integer({ min: 1, max: 8 }),
      d: fc.integer({ min: 1, max: 6 }),
      betaPick: fc.nat({ max: 3 }),
      spreadPick: fc.nat({ max: 3 }),
      model: fc.constantFrom(...models),
      general: fc.boolean(),
    })
    .map((r): HardCase => {
      const s = SPECS[r.regime];
      const clamp = (v: number, [lo, hi]: readonly [number, number], cap: number) => Math.max(lo, Math.min(v, hi, Math.max(lo, cap)));
      const n = clamp(r.n, s.n ?? [1, 8], nMax);
      const d = s.d && s.d[0] === 128 ? 128 : clamp(r.d, s.d ?? [1, 6], dMax);
      const betas = s.betas.filter((b) => b <= betaMax);
      const beta = betas.length ? betas[r.betaPick % betas.length] : Math.min(s.betas[0], betaMax);
      const model: ModelKind = s.saOnly && models.includes('sa') ? 'sa' : r.model;
      const rng = new Rng(r.seed);
      const X = s.spreads ? cluster(n, d, s.spreads[r.spreadPick % s.spreads.length], rng, s.antipodal ?? false) : uniformSphere(n, d, rng);
      const general = s.general === 'always' || (s.general === 'maybe' && r.general);
      // Ginibre / sqrt(d) keeps scores O(1), so beta keeps its meaning (as in the fixtures).
      const g = (): Mat => {
        const G = ginibre(d, d, rng);
        for (let k = 0; k < G.data.length; k++) G.data[k] /= Math.sqrt(d);
        return G;
      };
      const base = general ? caseOf(model, beta, X, g(), g(), g()) : caseOf(model, beta, X);
      return { ...base, regime: r.regime };
    });
}

/** Scales of a system the tolerances are written in. */
export interface SystemScales {
  /** max_i |Q x_i|, max_i |K x_i|, max_i |V x_i|. */
  readonly q: number;
  readonly k: number;
  readonly v: number;
  /** Speed scale: e^{beta q k} for USA (its weights are e^{beta S} / n), 1 for SA (convex weights). */
  readonly s: number;
}

/** The {@link SystemScales} of a case at its tokens (or at `X` when given). */
export function scalesOf(c: SystemCase, at?: Tokens): SystemScales {
  const req = requestOf(c);
  const X = at ?? req.X;
  const n = X.rows, d = X.cols;
  const norm = (M: Mat | null, i: number): number => {
    if (!M) return Math.hypot(...X.data.subarray(i * d, (i + 1) * d));
    let s = 0;
    for (let r = 0; r < M.rows; r++) {
      let t = 0;
      for (let k = 0; k < d; k++) t += M.data[r * d + k] * X.data[i * d + k];
      s += t * t;
    }
    return Math.sqrt(s);
  };
  let q = 0, k = 0, v = 0;
  for (let i = 0; i < n; i++) {
    q = Math.max(q, norm(req.Q, i));
    k = Math.max(k, norm(req.K, i));
    v = Math.max(v, norm(req.V, i));
  }
  return { q, k, v, s: c.model === 'usa' ? Math.exp(c.beta * q * k) : 1 };
}

/**
 * Per-row velocity tolerance eps (HP_REL |v_i| + HP_ABS s + HP_COND beta q k v s): the engine target
 * (1e-12 relative, 1e-13 absolute at eps = 2^-52) plus the conditioning of softmax in a rounded score,
 * whose relative error eps |S| becomes beta |S| eps in e^{beta S}, whatever the evaluation order.
 */
export function velocityRowTolerance(eps: number, vNorm: number, sc: SystemScales, beta: number): number {
  return eps * (HP_REL * vNorm + HP_ABS * sc.s + HP_COND * beta * sc.q * sc.k * sc.v * sc.s);
}

/** A 50-digit trajectory: states at k T / N for k = 1..N (Richardson extrapolated) and its error estimate. */
export interface HighPrecisionTrajectory {
  /** Extrapolated states, rounded to float64, at times k T / (2 N0), k = 1..2 N0. */
  readonly states: Tokens[];
  /** (16 y_{h/2} - y_h) / 15 at T, in full precision. */
  readonly final: DMat;
  /**
   * max |y_h - y_{h/2}| / 15 over entries at the shared grid times: the standard estimate of the
   * error of the h/2 run, an upper estimate for the extrapolated one (whose leading term it removes).
   */
  readonly errorEstimate: number;
}

/**
 * Truth for flows: classical RK4 of (2.3) at 50 digits (with the retraction) at steps T/N0 and T/(2 N0),
 * Richardson-extrapolated. Measured (n = 4, d = 3, T = 0.5, N0 = 16, beta in {1, 4, 10}, general V):
 * the extrapolated state agrees with dopri5 at rtol 1e-13 to 4e-12 while the estimate reads <= 6e-10.
 */
export function highPrecisionTrajectory(c: SystemCase, T: number, N0: number): HighPrecisionTrajectory {
  const X = fromRows(c.X, 'X');
  const p = paramsOfCase(c);
  const coarse = rk4(X, p, T / N0, N0);
  const fine = rk4(X, p, T / (2 * N0), 2 * N0);
  let est = 0;
  for (let k = 0; k < N0; k++) {
    const a = coarse[k].data, b = fine[2 * k + 1].data;
    for (let e = 0; e < a.length; e++) est = Math.max(est, a[e].minus(b[e]).abs().toNumber() / 15);
  }
  const extrapolate = (a: Decimal[], b: Decimal[]) => b.map((y, e) => y.times(16).minus(a[e]).div(15));
  const states: Tokens[] = [];
  let final: DMat = fine[2 * N0 - 1];
  for (let k = 0; k < 2 * N0; k++) {
    // Odd fine points have no coarse partner: they are kept as the h/2 run's values.
    const data = k % 2 === 1 ? extrapolate(coarse[(k - 1) / 2].data, fine[k].data) : fine[k].data;
    const m = mat(X.rows, X.cols);
    for (let e = 0; e < data.length; e++) m.data[e] = data[e].toNumber();
    states.push(m);
    if (k === 2 * N0 - 1) final = { ...fine[k], data };
  }
  return { states, final, errorEstimate: est };
}
