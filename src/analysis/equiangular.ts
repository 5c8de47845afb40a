import { AttnflowError, assertFinite, assertInteger } from '../errors.ts';

/** Which equiangular ODE: (6.9) for SA or (6.10) for USA. */
export type EquiangularModel = 'sa' | 'usa';

/** Options for {@link gammaBeta} and {@link tStar}. */
export interface EquiangularOptions {
  /**
   * Common initial inner product gamma(0) in [0, 1] (default 0: the orthogonal start of Thm 6.8; other
   * values are the equiangular starts of S13).
   */
  readonly gamma0?: number;
}

function checkModel(model: EquiangularModel, n: number, beta: number): void {
  if (model !== 'sa' && model !== 'usa') {
    throw new AttnflowError('model', `unknown model ${JSON.stringify(model)}`, 'use "sa" (eq. 6.9) or "usa" (eq. 6.10)');
  }
  assertInteger(n, 'n', 2);
  assertFinite(beta, 'beta');
  if (beta < 0) throw new AttnflowError('beta', `must be >= 0, got ${beta}`, 'pass a non-negative inverse temperature');
}

function startU(options: EquiangularOptions): number {
  const g0 = options.gamma0 ?? 0;
  assertFinite(g0, 'options.gamma0');
  if (g0 < 0 || g0 > 1) throw new AttnflowError('options.gamma0', `must lie in [0, 1], got ${g0}`, 'pass a common initial inner product in [0, 1]');
  return -Math.log1p(-g0); // u = -log(1 - gamma); +Infinity for gamma0 = 1
}

/**
 * The right-hand side gamma' = f(gamma) of Thm 6.8:
 *   (6.9)  SA : 2 e^{beta g} (1-g) ((n-1) g + 1) / (e^beta + (n-1) e^{beta g}),
 *   (6.10) USA: (2/n) e^{beta g} (1-g) ((n-1) g + 1).
 * SA is evaluated as 2 (1-g)((n-1)g+1) / (e^{beta(1-g)} + n - 1), which cannot overflow.
 */
export function equiangularVelocity(model: EquiangularModel, n: number, beta: number, gamma: number): number {
  checkModel(model, n, beta);
  assertFinite(gamma, 'gamma');
  return (1 - gamma) * rate(model, n, beta, gamma);
}

/** f(g) / (1 - g): positive and smooth on [0, 1]. */
function rate(model: EquiangularModel, n: number, beta: number, g: number): number {
  const lin = (n - 1) * g + 1;
  return model === 'sa' ? (2 * lin) / (Math.exp(beta * (1 - g)) + (n - 1)) : (2 / n) * Math.exp(beta * g) * lin;
}

// 16-point Gauss-Legendre rule on [-1, 1], nodes by Newton on P_16 (to rounding).
const GL = (() => {
  const m = 16;
  const nodes = new Float64Array(m), weights = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1, p1 = 0;
      for (let j = 1; j <= m; j++) {
        const p2 = p1;
        p1 = p0;
        p0 = ((2 * j - 1) * z * p1 - (j - 1) * p2) / j;
      }
      dp = (m * (z * p0 - p1)) / (z * z - 1);
      const dz = p0 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    nodes[i] = z;
    weights[i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { nodes, weights };
})();

/**
 * Time as a function of u = -log(1 - gamma). The substitution turns the logarithmic singularity of
 * dt = dgamma / f(gamma) at gamma = 1 into the bounded, smooth integrand 1 / rate(1 - e^{-u}), so that
 * t(u) = int_{u0}^{u} du' / rate is computed by Gauss-Legendre panels to ~1e-15 relative, and gamma(t) is
 * its inverse (Newton). For the scalar autonomous ODE (6.9)/(6.10) this is exact separation of variables,
 * with no time-stepping error to control.
 */
class EquiangularClock {
  private readonly u: number[];
  private readonly t: number[];
  constructor(private readonly model: EquiangularModel, private readonly n: number, private readonly beta: number, u0: number) {
    this.u = [u0];
    this.t = [0];
  }

  private integrand(u: number): number {
    return 1 / rate(this.model, this.n, this.beta, -Math.expm1(-u));
  }

  /** int_a^b integrand, one 16-point panel (b - a within a panel width). */
  integrate(a: number, b: number): number {
    const h = (b - a) / 2, c = (a + b) / 2;
    let s = 0;
    for (let i = 0; i < GL.nodes.length; i++) s += GL.weights[i] * this.integrand(c + h * GL.nodes[i]);
    return s * h;
  }

  /** Panel width: resolves the scales 1/(beta e^{-u}) and 1/((n-1) e^{-u}) of the integrand. */
  private width(u: number): number {
    const e = Math.exp(-u), g = 1 - e;
    return 0.5 / (1 + this.beta * e + ((this.n - 1) * e) / ((this.n - 1) * g + 1));
  }

  private extend(): void {
    const a = this.u[this.u.length - 1];
    const b = a + this.width(a);
    this.u.push(b);
    this.t.push(this.t[this.t.length - 1] + this.integrate(a, b));
  }

  /** t(u) for u >= u0. */
  timeAt(u: number): number {
    while (this.u[this.u.length - 1] < u) this.extend();
    const k = this.panelOfU(u);
    let t = this.t[k];
    if (u > this.u[k]) t += this.integrate(this.u[k], u);
    return t;
  }

  private panelOfU(u: number): number {
    let lo = 0, hi = this.u.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.u[mid] <= u) lo = mid; else hi = mid;
    }
    return lo;
  }

  /** u(t) for t >= 0: the panel holding t, then Newton with du/dt = rate. */
  uAt(t: number): number {
    if (t === 0) return this.u[0];
    // Past u = 745, 1 - gamma = e^{-u} underflows: gamma is exactly 1 in float64.
    while (this.t[this.t.length - 1] < t) {
      if (this.u[this.u.length - 1] > 745) return Infinity;
      this.extend();
    }
    let lo = 0, hi = this.t.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid] <= t) lo = mid; else hi = mid;
    }
    const ua = this.u[lo], ub = this.u[hi], ta = this.t[lo], tb = this.t[hi];
    let u = ua + ((t - ta) / (tb - ta)) * (ub - ua);
    for (let it = 0; it < 50; it++) {
      const err = ta + this.integrate(ua, u) - t;
      const step = err / this.integrand(u);
      u = Math.min(ub, Math.max(ua, u - step));
      if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(u))) break;
    }
    return u;
  }
}

/**
 * gamma_beta(t) = cos theta_beta(t), the common pairwise inner product of tokens started pairwise orthogonal
 * (Thm 6.8; or equiangular with gamma(0) = gamma0, S13), solving (6.9) for SA or (6.10) for USA. `t` may be
 * one time or many (any order, each >= 0); accurate to about 1e-14 absolute (see the class comment on the
 * reduction to quadrature).
 */
export function gammaBeta(model: EquiangularModel, n: number, beta: number, t: number, options?: EquiangularOptions): number;
export function gammaBeta(model: EquiangularModel, n: number, beta: number, t: ArrayLike<number>, options?: EquiangularOptions): Float64Array;
export function gammaBeta(model: EquiangularModel, n: number, beta: number, t: number | ArrayLike<number>, options: EquiangularOptions = {}): number | Float64Array {
  const one = oneMinusGammaBeta(model, n, beta, (typeof t === 'number' ? [t] : t) as ArrayLike<number>, options);
  const out = new Float64Array(one.length);
  for (let i = 0; i < one.length; i++) out[i] = 1 - one[i];
  return typeof t === 'number' ? out[0] : out;
}

/**
 * 1 - gamma_beta(t) for each time, with full relative accuracy even when gamma is within 1e-16 of 1
 * (the late-time rates of T6.8r: about C e^{-2t} for SA and C e^{-2 e^beta t} for USA).
 */
export function oneMinusGammaBeta(model: EquiangularModel, n: number, beta: number, t: ArrayLike<number>, options: EquiangularOptions = {}): Float64Array {
  checkModel(model, n, beta);
  const u0 = startU(options);
  const out = new Float64Array(t.length);
  if (u0 === Infinity) return out; // gamma0 = 1 is an equilibrium
  const clock = new EquiangularClock(model, n, beta, u0);
  // Sorting lets every time reuse the panels built for the earlier ones.
  const order = Array.from({ length: t.length }, (_, i) => i);
  for (let i = 0; i < t.length; i++) {
    assertFinite(t[i], `t[${i}]`);
    if (t[i] < 0) throw new AttnflowError(`t[${i}]`, `times must be >= 0, got ${t[i]}`, 'pass non-negative times');
  }
  order.sort((a, b) => t[a] - t[b]);
  for (const i of order) out[i] = Math.exp(-clock.uAt(t[i]));
  return out;
}

/**
 * t*(beta): the first time gamma_beta(t) = 1 - delta (§6.3, eq. 6.12: the curve Gamma_{inf,delta} of the
 * phase diagram). Exact quadrature t* = int_{u0}^{-log delta} du / rate, so no root finding is needed
 * (gamma is increasing). Returns 0 when gamma(0) >= 1 - delta already.
 */
export function tStar(model: EquiangularModel, n: number, beta: number, delta: number, options: EquiangularOptions = {}): number {
  checkModel(model, n, beta);
  assertFinite(delta, 'delta');
  if (!(delta > 0 && delta < 1)) throw new AttnflowError('delta', `must lie in (0, 1), got ${delta}`, 'pass a small threshold such as 1e-3');
  const u0 = startU(options);
  const target = -Math.log(delta);
  if (u0 >= target) return 0;
  return new EquiangularClock(model, n, beta, u0).timeAt(target);
}
