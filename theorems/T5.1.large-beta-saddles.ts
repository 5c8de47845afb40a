import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix, solve } from 'ml-matrix';
import { largeBetaThreshold, tauStar } from '../src/analysis/tauStar.ts';
import type { ModelKind } from '../src/models/params.ts';
import { Rng } from '../src/random/rng.ts';
import { fromAngles } from '../src/random/sphere.ts';
import { velocityOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtLeast, assertAtMost, fmt, Violation } from './types.ts';

/** The analysis functions T5.1 relies on, injectable so a broken one can be shown to fail. */
export interface LargeBetaTools {
  /** tau*_beta in [0, pi/2]: the root of beta sin^2(tau) = (d - 1) cos(tau). */
  readonly tauStar: (beta: number, d: number) => number;
  /** Smallest beta with (n - 1) tau*_beta < pi/2 (d = 2). */
  readonly largeBetaThreshold: (n: number, d: number) => number;
}

/** attnflow's own tools (src/analysis/tauStar.ts). */
export const defaultLargeBetaTools: LargeBetaTools = { tauStar, largeBetaThreshold };

/** A case: n tokens on the circle, beta above the E3 criterion, Newton starts from a seed; a (beta, d) pair for tau*. */
export interface LargeBetaCase {
  readonly model: ModelKind;
  readonly n: number;
  readonly beta: number;
  readonly seed: number;
  readonly tauBeta: number;
  readonly tauD: number;
}

/** tau* by bisection on h(tau) = beta sin^2 tau - (d - 1) cos tau, increasing on [0, pi/2]: independent of the closed form. */
export function tauStarBisection(beta: number, d: number): number {
  let lo = 0, hi = Math.PI / 2;
  const h = (t: number) => beta * Math.sin(t) ** 2 - (d - 1) * Math.cos(t);
  for (let k = 0; k < 200 && hi - lo > 0; k++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (h(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * e^{-beta} n^2 times the gradient and Hessian of E_beta(theta) = (1/(2 beta n^2)) sum_{i,j} e^{beta cos(theta_i - theta_j)}
 * on T^n (Thm 5.1, HessT): d_i E = -(1/n^2) sum_m sin(theta_i - theta_m) e^{beta cos}, d_i d_j E = g(theta_i - theta_j)/n^2,
 * d_i d_i E = -(1/n^2) sum_{m != i} g, g(x) = (cos x - beta sin^2 x) e^{beta cos x}. Scaled by e^{-beta} to stay finite.
 */
export function circleEnergyDerivatives(theta: ArrayLike<number>, beta: number): { grad: Float64Array; hess: Float64Array } {
  const n = theta.length;
  const grad = new Float64Array(n), hess = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < n; m++) {
      if (m === i) continue;
      const x = theta[i] - theta[m];
      const w = Math.exp(beta * (Math.cos(x) - 1));
      grad[i] -= Math.sin(x) * w;
      const g = (Math.cos(x) - beta * Math.sin(x) ** 2) * w;
      hess[i * n + m] = g;
      hess[i * n + i] -= g;
    }
  }
  return { grad, hess };
}

/** Critical points of E_beta on T^n found by damped Newton with theta_1 = 0 fixed (rotation removed), from `starts` random starts. */
export function circleCriticalPoints(n: number, beta: number, starts: number, rng: Rng): Float64Array[] {
  const out: Float64Array[] = [];
  for (let s = 0; s < starts; s++) {
    const th = new Float64Array(n);
    for (let i = 1; i < n; i++) th[i] = 2 * Math.PI * rng.uniform();
    for (let it = 0; it < 100; it++) {
      const { grad, hess } = circleEnergyDerivatives(th, beta);
      let gmax = 0;
      for (let i = 1; i < n; i++) gmax = Math.max(gmax, Math.abs(grad[i]));
      if (gmax < 1e-13) {
        out.push(Float64Array.from(th));
        break;
      }
      const H = new Matrix(n - 1, n - 1), g = new Matrix(n - 1, 1);
      for (let i = 1; i < n; i++) {
        g.set(i - 1, 0, -grad[i]);
        for (let j = 1; j < n; j++) H.set(i - 1, j - 1, hess[i * n + j]);
      }
      let step: Matrix;
      try {
        step = solve(H, g, true);
      } catch {
        break;
      }
      let norm = 0;
      for (let i = 0; i < n - 1; i++) norm = Math.max(norm, Math.abs(step.get(i, 0)));
      if (!Number.isFinite(norm)) break;
      const damp = norm > 0.3 ? 0.3 / norm : 1;
      for (let i = 1; i < n; i++) th[i] += damp * step.get(i - 1, 0);
    }
  }
  return out;
}

/** max_{i,j} angular distance on the circle between theta_i and theta_j. */
function spread(theta: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < theta.length; i++) for (let j = 0; j < theta.length; j++) {
    const a = Math.abs(((((theta[i] - theta[j]) % (2 * Math.PI)) + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
    m = Math.max(m, a);
  }
  return m;
}

/** Angles reduced to [0, 2 pi) with tokens closer than 1e-7 snapped onto one bitwise-equal value, so intra-cluster terms cancel exactly. */
function snapClusters(theta: Float64Array): Float64Array {
  const t = Float64Array.from(theta, (x) => ((x % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI));
  for (let i = 0; i < t.length; i++) for (let j = 0; j < i; j++) {
    const a = Math.abs(t[i] - t[j]);
    if (Math.min(a, 2 * Math.PI - a) < 1e-7) {
      t[i] = t[j];
      break;
    }
  }
  return t;
}

/**
 * A unit direction v with v^T H_s v > 0 for the scaled Hessian H_s = e^{-beta} n^2 Hess E: the top eigenvector when its
 * eigenvalue is resolvable, else the best rigid motion 1_S/|S|^{1/2} of a union S of clusters (the proof's (B.2):
 * 1_S^T H_s 1_S = -sum_{i in S, j not in S} g_s(theta_i - theta_j), computed without cancellation). Null if none.
 */
export function unstableDirection(theta: Float64Array, beta: number): { v: Float64Array; curvature: number } | null {
  const n = theta.length;
  const { hess } = circleEnergyDerivatives(theta, beta);
  let hmax = 0;
  for (const x of hess) hmax = Math.max(hmax, Math.abs(x));
  const H = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H.set(i, j, (hess[i * n + j] + hess[j * n + i]) / 2);
  const evd = new EigenvalueDecomposition(H, { assumeSymmetric: true });
  let best: { v: Float64Array; curvature: number } | null = null;
  const ev = evd.realEigenvalues;
  const k = ev.indexOf(Math.max(...ev));
  if (ev[k] > 1e-10 * hmax) best = { v: Float64Array.from(evd.eigenvectorMatrix.getColumn(k)), curvature: ev[k] };
  const reps: number[] = [];
  const cluster = Array.from(theta, (x) => {
    let r = reps.findIndex((y) => y === x);
    if (r < 0) r = reps.push(x) - 1;
    return r;
  });
  const m = reps.length;
  for (let mask = 1; mask < 2 ** (m - 1) && m <= 12; mask++) {
    const inS = cluster.map((a) => ((mask >> a) & 1) === 1);
    let c = 0, size = 0;
    for (let i = 0; i < n; i++) {
      if (!inS[i]) continue;
      size++;
      for (let j = 0; j < n; j++) {
        if (inS[j]) continue;
        const x = theta[i] - theta[j];
        c -= (Math.cos(x) - beta * Math.sin(x) ** 2) * Math.exp(beta * (Math.cos(x) - 1));
      }
    }
    const curvature = c / size;
    if (curvature > 0 && (!best || curvature > best.curvature)) best = { v: Float64Array.from(inS, (b) => (b ? 1 / Math.sqrt(size) : 0)), curvature };
  }
  return best;
}

/**
 * Thm 5.1 (d = 2, Appendix B): when (n - 1) tau*_beta < pi/2 (erratum E3: this, not beta >= n^2/pi^2, is the
 * proof's criterion), every critical point of E_beta on T^n that is not synchronised is a strict saddle.
 * Critical points are found by Newton on the analytic derivatives; the predicate is on the implementation:
 * the Jacobian of its angular velocity there (central differences of op `velocity`) has an eigenvalue with
 * positive real part (USA: theta' = n grad E, S6; SA: the same Jacobian times diag(n/Z_i) > 0, whose
 * eigenvalues have the same signs, Remark B.1). Also: the closed form of tau* agrees with a bisection root.
 */
export function makeLargeBetaSaddlesTheorem(tools: LargeBetaTools = defaultLargeBetaTools): Theorem<LargeBetaCase> {
  return {
    id: 'T5.1',
    title: 'on the circle above the (n-1) tau*_beta < pi/2 threshold every non-synchronised critical point is a strict saddle',
    source: 'Thm 5.1, Appendix B (B.2)-(B.3), Remark B.1; THEORY HessT',
    errata: ['E3'],
    hypotheses:
      'd = 2, SA or USA, Q = K = V = I; n in [2, 6]; beta = threshold(n) (1 + u) + 0.2 with u in [0.05, 1.5], threshold from the E3 criterion (n - 1) tau*_beta < pi/2; critical points: 12 Newton starts; tau* part: beta = 10^v, v in [-3, 3], d in [2, 6]',
    conclusion:
      '(1) |tau*_closed(beta, d) - tau*_bisection(beta, d)| <= 1e-12; (2) the criterion holds at the sampled beta; (3) at every non-synchronised critical point found, max Re eig(J) >= 1e-6 max|J|, J the central-difference Jacobian of the implementation\'s angular velocity',
    tolerance:
      'tau*: 1e-12 absolute (bisection to the last bit; the rationalised closed form loses a few ulp); eigenvalue: relative 1e-6 of max|J| (central differences with h = 1e-5 err by ~eps/h + beta^3 h^2 <= 1e-7 relative); non-synchronised: angular spread > 1e-6',
    tier: 'must',
    kind: 'floating',
    cost: 'fast',
    needs: { ops: ['velocity'], models: ['sa', 'usa'] },
    runs: 12,
    arbitrary: (ctx) =>
      fc
        .record({
          model: fc.constantFrom(...(ctx.models.length ? ctx.models : (['usa'] as ModelKind[]))),
          n: fc.integer({ min: 2, max: 6 }),
          u: fc.double({ min: 0.05, max: 1.5, noNaN: true }),
          seed: fc.nat({ max: 0x7fffffff }),
          v: fc.double({ min: -3, max: 3, noNaN: true }),
          tauD: fc.integer({ min: 2, max: 6 }),
        })
        .map(({ model, n, u, seed, v, tauD }) => ({ model, n, beta: tools.largeBetaThreshold(n, 2) * (1 + u) + 0.2, seed, tauBeta: 10 ** v, tauD })),
    async check(ctx, c) {
      const closed = tools.tauStar(c.tauBeta, c.tauD), root = tauStarBisection(c.tauBeta, c.tauD);
      assertAtMost(`|tau*_closed - tau*_bisection| at beta = ${fmt(c.tauBeta)}, d = ${c.tauD}`, Math.abs(closed - root), 1e-12);
      const crit = (c.n - 1) * tools.tauStar(c.beta, 2);
      if (!(crit < Math.PI / 2)) {
        throw new Violation(`(n - 1) tau*_beta = ${fmt(crit)} >= pi/2 at beta = ${fmt(c.beta)} above the threshold ${fmt(tools.largeBetaThreshold(c.n, 2))}`, {
          quantity: '(n - 1) tau*_beta', measured: crit, tolerance: Math.PI / 2,
        });
      }
      const points = circleCriticalPoints(c.n, c.beta, 12, new Rng(c.seed)).map(snapClusters).filter((th) => spread(th) > 1e-6);
      let worst = Infinity, checked = 0;
      for (const th of points) {
        const u = unstableDirection(th, c.beta);
        if (!u) {
          throw new Violation(`non-synchronised critical point theta = [${Array.from(th, (x) => fmt(x)).join(', ')}] at beta = ${fmt(c.beta)} has no unstable direction in the analytic Hessian`, {
            quantity: 'max second derivative over eigen and subset directions', measured: 0, tolerance: 0, actual: Array.from(th),
          });
        }
        // In the implementation's units: J_USA = n Hess E = (e^beta / n) H_s; SA is weighted back by Z_i / n (Remark B.1).
        const qPred = (Math.exp(c.beta) / c.n) * u.curvature;
        const h = Math.min(1e-3, 0.1 / c.beta);
        const noise = (16 * ctx.profile.eps * c.n * Math.exp(c.beta)) / h + (h * h * (1 + c.beta) ** 3 * Math.exp(c.beta)) / 6;
        if (!(qPred > 100 * noise)) continue;
        // Z_i at the critical point, the same for both signs.
        const Z = Float64Array.from(th, (a) => {
          let z = 0;
          for (let m = 0; m < c.n; m++) z += Math.exp(c.beta * Math.cos(a - th[m]));
          return z;
        });
        const weighted = async (sign: number) => {
          const t = Float64Array.from(th, (x, i) => x + sign * h * u.v[i]);
          const V = await velocityOf(ctx.impl, { model: c.model, beta: c.beta, Q: null, K: null, V: null, X: fromAngles(t) });
          return Float64Array.from({ length: c.n }, (_, i) => {
            const w = -Math.sin(t[i]) * V.data[2 * i] + Math.cos(t[i]) * V.data[2 * i + 1];
            return c.model === 'usa' ? w : (w * Z[i]) / c.n;
          });
        };
        const [wp, wm] = [await weighted(1), await weighted(-1)];
        let q = 0;
        for (let i = 0; i < c.n; i++) q += (u.v[i] * (wp[i] - wm[i])) / (2 * h);
        checked++;
        if (!(q > 0.1 * qPred)) {
          throw new Violation(`at the non-synchronised critical point theta = [${Array.from(th, (x) => fmt(x)).join(', ')}] (beta = ${fmt(c.beta)}) the implementation's field is not unstable along the saddle direction: <v, J v> = ${fmt(q)}, predicted ${fmt(qPred)}`, {
            quantity: '<v, J v> / predicted', measured: q / qPred, tolerance: 0.1, actual: Array.from(th),
          });
        }
        worst = Math.min(worst, q / qPred);
      }
      if (!checked) return points.length ? { status: 'inconclusive', reason: `${points.length} saddles found, none resolvable in float64 at beta = ${fmt(c.beta)}` } : { status: 'pass' };
      return assertAtLeast('min over resolvable saddles of <v, J v> / predicted', worst, 0.1);
    },
  };
}

/** The default T5.1, with attnflow's tau* tools. */
export const largeBetaSaddles: Theorem<LargeBetaCase> = makeLargeBetaSaddlesTheorem();
