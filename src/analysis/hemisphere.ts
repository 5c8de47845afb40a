import { AttnflowError, assertFinite } from '../errors.ts';
import type { Tokens } from '../linalg/mat.ts';
import { rowNorm } from '../linalg/vec.ts';
import { validateTokens } from '../models/params.ts';

/** Options for {@link hemisphereCertificate}. */
export interface HemisphereOptions {
  /**
   * Margin below which a configuration is reported as NOT in an open hemisphere (default 1e-12). Float64
   * cannot tell a margin of 1e-17 from a closed-hemisphere boundary case (e.g. a regular polygon on a great
   * circle, whose rounded coordinates may be strictly inside some hemisphere), so tiny margins count as "no".
   * The same value bounds |sum_i lambda_i x_i| below which the Gordan certificate is exact enough to stop.
   */
  readonly tol?: number;
  /** Cap on the major iterations of Wolfe's algorithm (default 20 (n + d) + 100). */
  readonly maxIterations?: number;
  /**
   * Skip the two shortcuts and always return the direction of largest margin (default `false`: a stop
   * condition only needs some w, and the shortcuts cost O(n d)).
   */
  readonly maximizeMargin?: boolean;
}

/** The tokens lie in the open hemisphere {y : <y, w> > 0}. */
export interface InHemisphere {
  readonly inHemisphere: true;
  /** Unit vector of R^d. */
  readonly w: Float64Array;
  /**
   * min_i <x_i, w> (> tol), computed in float64 for the returned w. The largest possible margin when Wolfe's
   * algorithm produced w (always with `maximizeMargin`), otherwise a lower bound on it.
   */
  readonly margin: number;
}

/** No open hemisphere contains the tokens, witnessed by Gordan's alternative. */
export interface NotInHemisphere {
  readonly inHemisphere: false;
  /** Convex weights (>= 0, sum 1), length n, with sum_i lambda_i x_i ~ 0: 0 is in the convex hull. */
  readonly lambda: Float64Array;
  /** |sum_i lambda_i x_i|: the distance from 0 to the convex hull that the algorithm reached. */
  readonly residual: number;
}

/** Result of {@link hemisphereCertificate}. */
export type HemisphereResult = InHemisphere | NotInHemisphere;

/** The stop-condition shape accepted by the flow integrator (defined here so analysis does not import integrators). */
export interface StopCondition {
  /** Short name reported when the condition fires. */
  readonly name: string;
  /** True when the integration may stop at time t with state X. */
  test(t: number, X: Tokens): boolean;
}

function marginOf(x: Float64Array, n: number, d: number, w: Float64Array): number {
  let m = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k] * w[k];
    if (s < m) m = s;
  }
  return m;
}

function unit(v: Float64Array): Float64Array | null {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  const r = Math.sqrt(s);
  if (!(r > 0) || !Number.isFinite(r)) return null;
  const out = new Float64Array(v.length);
  for (let k = 0; k < v.length; k++) out[k] = v[k] / r;
  return out;
}

/**
 * Decides whether the tokens lie in an open hemisphere, the certificate of eventual single-cluster
 * convergence (S15; Lemma 6.4: from then on the collapse is exponential, for SA, USA and any Q, K with V = I).
 *
 * Method: two cheap tries (w = normalised mean, then w = x_1, the alpha-clustered shortcut), then Wolfe's
 * minimum-norm-point algorithm on conv{x_i}. Its output p_min either is 0 (then its convex weights are Gordan's
 * certificate that no hemisphere exists) or satisfies <x_i, p_min> >= |p_min|^2 for all i, so w = p_min/|p_min| is the
 * hemisphere direction of largest margin, max_{|w|=1} min_i <x_i, w> = |p_min|. Float64 throughout; for an exact
 * decision use the project's exact-arithmetic checker. Tokens that are not unit are normalised first (zero rows
 * are refused); `lambda` then refers to the normalised tokens.
 */
export function hemisphereCertificate(X: Tokens, options: HemisphereOptions = {}): HemisphereResult {
  validateTokens(X, false);
  const tol = options.tol ?? 1e-12;
  assertFinite(tol, 'options.tol');
  if (tol < 0) throw new AttnflowError('options.tol', `must be >= 0, got ${tol}`, 'pass a small non-negative margin such as 1e-12');
  const n = X.rows, d = X.cols;
  const maxIter = options.maxIterations ?? 20 * (n + d) + 100;
  const x = Float64Array.from(X.data);
  for (let i = 0; i < n; i++) {
    const r = rowNorm(x, i, d);
    if (r === 0) throw new AttnflowError(`X[${i}]`, 'is the zero vector, which lies in no open hemisphere', 'pass non-zero tokens (unit vectors on the sphere)');
    if (r !== 1) for (let k = 0; k < d; k++) x[i * d + k] /= r;
  }

  if (options.maximizeMargin) return wolfe(x, n, d, tol, maxIter);
  // Shortcut 1: the normalised mean (works whenever the tokens are roughly clustered).
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += x[i * d + k];
  const wm = unit(mean);
  if (wm) {
    const m = marginOf(x, n, d, wm);
    if (m > tol) return { inHemisphere: true, w: wm, margin: m };
  }
  // Shortcut 2: w = x_1 (all <x_i, x_1> > 0).
  const w1 = x.slice(0, d);
  const m1 = marginOf(x, n, d, w1);
  if (m1 > tol) return { inHemisphere: true, w: w1, margin: m1 };

  return wolfe(x, n, d, tol, maxIter);
}

/** Wolfe (1976) minimum-norm point in conv{x_i}, with an incrementally updated Cholesky factor of 11^T + G_S. */
function wolfe(x: Float64Array, n: number, d: number, tol: number, maxIter: number): HemisphereResult {
  const dot = (i: number, v: Float64Array) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k] * v[k];
    return s;
  };
  const dotPts = (i: number, j: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k] * x[j * d + k];
    return s;
  };
  const p = new Float64Array(d);
  // Start from the token least aligned with the mean: a cheap guess at the hull's side nearest 0.
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) p[k] += x[i * d + k];
  let j0 = 0, low = Infinity;
  for (let i = 0; i < n; i++) {
    const s = dot(i, p);
    if (s < low) { low = s; j0 = i; }
  }
  let S: number[] = [j0];
  let lam: number[] = [1];
  const L: number[][] = [[Math.sqrt(1 + dotPts(j0, j0))]]; // Cholesky factor of 1 1^T + G_S

  const computeP = () => {
    p.fill(0);
    for (let a = 0; a < S.length; a++) {
      const o = S[a] * d, l = lam[a];
      for (let k = 0; k < d; k++) p[k] += l * x[o + k];
    }
  };
  /** Removes corral position a from the factor L (L L^T = 1 1^T + G_S) by Givens rotations, O(k^2). */
  const downdate = (a: number) => {
    L.splice(a, 1);
    const k = L.length; // rows left; each still has k + 1 columns
    for (let j = a; j < k; j++) {
      const x0 = L[j][j], x1 = L[j][j + 1];
      const r = Math.hypot(x0, x1);
      if (r === 0) continue;
      const c = x0 / r, sn = x1 / r;
      for (let i = j; i < k; i++) {
        const u = L[i][j], v = L[i][j + 1];
        L[i][j] = c * u + sn * v;
        L[i][j + 1] = -sn * u + c * v;
      }
    }
    for (const row of L) row.length = k;
  };
  const affineWeights = (): number[] => {
    const k = S.length;
    const y = new Array<number>(k);
    for (let i = 0; i < k; i++) {
      let s = 1;
      for (let r = 0; r < i; r++) s -= L[i][r] * y[r];
      y[i] = s / L[i][i];
    }
    const z = new Array<number>(k);
    for (let i = k - 1; i >= 0; i--) {
      let s = y[i];
      for (let r = i + 1; r < k; r++) s -= L[r][i] * z[r];
      z[i] = s / L[i][i];
    }
    let t = 0;
    for (let i = 0; i < k; i++) t += z[i];
    return z.map((v) => v / t);
  };

  let iter = 0;
  for (; iter < maxIter; iter++) {
    computeP();
    let pp = 0;
    for (let k = 0; k < d; k++) pp += p[k] * p[k];
    if (Math.sqrt(pp) <= tol) break;
    let j = -1, best = Infinity;
    for (let i = 0; i < n; i++) {
      const s = dot(i, p);
      if (s < best) { best = s; j = i; }
    }
    // Optimal when <x_j, p> >= |p|^2 for all j; <x_j, p> carries a rounding error of order eps |p|.
    if (best >= pp - 1e-14 * Math.sqrt(pp)) break;
    if (S.includes(j)) break; // numerical stall
    // Append j: the new row of 1 1^T + G_S and of its Cholesky factor.
    const row = S.map((s) => 1 + dotPts(s, j));
    const mjj = 1 + dotPts(j, j);
    const l = new Array<number>(S.length);
    for (let i = 0; i < S.length; i++) {
      let s = row[i];
      for (let r = 0; r < i; r++) s -= L[i][r] * l[r];
      l[i] = s / L[i][i];
    }
    let diag = mjj;
    for (const v of l) diag -= v * v;
    if (!(diag > 1e-14 * mjj)) break; // j is (numerically) in the affine hull of S
    for (let i = 0; i < S.length; i++) L[i].push(0);
    L.push([...l, Math.sqrt(diag)]);
    S.push(j);
    lam.push(0);
    // Minor cycle: move towards the affine minimiser, dropping points whose weight reaches 0.
    for (let minor = 0; minor <= S.length + 1; minor++) {
      const alpha = affineWeights();
      if (alpha.every((a) => a > 0)) { lam = alpha; break; }
      let theta = 1;
      for (let a = 0; a < S.length; a++) {
        if (alpha[a] <= 0) {
          const t = lam[a] / (lam[a] - alpha[a]);
          if (t < theta) theta = t;
        }
      }
      lam = lam.map((v, a) => (1 - theta) * v + theta * alpha[a]);
      const keep: number[] = [];
      for (let a = 0; a < S.length; a++) if (lam[a] > 1e-15) keep.push(a);
      if (keep.length === S.length) {
        // Rounding left the blocking weight slightly positive: drop the smallest.
        let am = 0;
        for (let a = 1; a < S.length; a++) if (lam[a] < lam[am]) am = a;
        keep.splice(keep.indexOf(am), 1);
      }
      for (let a = S.length - 1; a >= 0; a--) if (!keep.includes(a)) downdate(a);
      S = keep.map((a) => S[a]);
      lam = keep.map((a) => lam[a]);
      const tot = lam.reduce((u, v) => u + v, 0);
      lam = lam.map((v) => v / tot);
    }
  }
  computeP();
  const w = unit(p);
  if (w) {
    const raw = Float64Array.from(w), rawMargin = marginOf(x, n, d, raw);
    polish(x, d, S, w);
    let margin = marginOf(x, n, d, w);
    if (!(margin >= rawMargin)) { w.set(raw); margin = rawMargin; }
    if (margin > tol) return { inHemisphere: true, w, margin };
  }
  const lambda = new Float64Array(n);
  for (let a = 0; a < S.length; a++) lambda[S[a]] += lam[a];
  let res = 0;
  for (let k = 0; k < d; k++) res += p[k] * p[k];
  return { inHemisphere: false, lambda, residual: Math.sqrt(res) };
}

/**
 * Re-orthogonalises w = p_min/|p_min| against the edges x_s - x_{s0} of the final corral, in place. p_min is
 * orthogonal to its corral's affine hull, but computed as a sum of O(1) vectors it carries an absolute error
 * of about 1e-16, which tilts p/|p| by 1e-16/|p| and can cost a small margin entirely (|p| = 1e-9 gives a tilt
 * of 1e-7). Projecting the unit vector w instead makes the error 1e-16 relative to |w| = 1.
 */
function polish(x: Float64Array, d: number, S: number[], w: Float64Array): void {
  if (S.length < 2) return;
  const basis: Float64Array[] = [];
  const s0 = S[0] * d;
  for (let a = 1; a < S.length; a++) {
    const v = new Float64Array(d);
    for (let k = 0; k < d; k++) v[k] = x[S[a] * d + k] - x[s0 + k];
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let c = 0;
        for (let k = 0; k < d; k++) c += q[k] * v[k];
        for (let k = 0; k < d; k++) v[k] -= c * q[k];
      }
    }
    const u = unit(v);
    if (u) basis.push(u);
  }
  const before = Float64Array.from(w);
  for (let pass = 0; pass < 2; pass++) {
    for (const q of basis) {
      let c = 0;
      for (let k = 0; k < d; k++) c += q[k] * w[k];
      for (let k = 0; k < d; k++) w[k] -= c * q[k];
    }
  }
  const u = unit(w);
  if (u) w.set(u);
  else w.set(before);
}

/**
 * A stop condition for the flow integrator that fires once the tokens lie in an open hemisphere (S15),
 * the rigorous single-cluster criterion that test-design note 2 asks for instead of a fixed horizon.
 */
export function hemisphereStop(options: HemisphereOptions = {}): StopCondition {
  return { name: 'hemisphere', test: (_t: number, X: Tokens) => hemisphereCertificate(X, options).inHemisphere };
}
