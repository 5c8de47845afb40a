import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix, solve } from 'ml-matrix';
import { AttnflowError } from '../../errors.ts';
import { Rng } from '../../random/rng.ts';
import type { Conjecture } from '../conjecture.ts';
import { defineConjecture } from '../conjecture.ts';

/** phi and its first two derivatives at x = cos(angle difference). */
export type Interaction = (x: number, beta: number) => readonly [number, number, number];

/** The SA interaction of (7.4), phi(x) = e^{beta (x - 1)} (the constant factor does not move critical points). */
export const expInteraction: Interaction = (x, beta) => {
  const e = Math.exp(beta * (x - 1));
  return [e, beta * e, beta * beta * e];
};

/** A critical point found by Newton's method and its curvature. */
export interface CriticalPoint {
  readonly theta: number[];
  readonly gradNorm: number;
  /** Largest eigenvalue of the Hessian of E (E is maximised, so > 0 means an ascent direction: a strict saddle). */
  readonly lambdaMax: number;
  readonly synchronised: boolean;
}

/** Gradient and Hessian of E(theta) = sum_{i,j} phi(cos(theta_i - theta_j)) (eq. 7.4 up to constants). */
export function landscape(theta: readonly number[], beta: number, phi: Interaction): { g: number[]; H: number[][] } {
  const n = theta.length;
  const g = new Array<number>(n).fill(0);
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      if (j === k) continue;
      const s = theta[k] - theta[j], c = Math.cos(s), sn = Math.sin(s);
      const [, p1, p2] = phi(c, beta);
      // f(s) = phi(cos s): f' = -phi' sin s, f'' = phi'' sin^2 s - phi' cos s; f even, so dE/dtheta_k = 2 sum_j f'.
      const f1 = -p1 * sn, f2 = p2 * sn * sn - p1 * c;
      g[k] += 2 * f1;
      H[k][k] += 2 * f2;
      H[k][j] -= 2 * f2;
    }
  }
  return { g, H };
}

/** Newton's method on grad E = 0 with theta_0 fixed (rotations are a symmetry); null when it does not converge. */
export function newtonCritical(theta0: readonly number[], beta: number, phi: Interaction, maxIter = 60): CriticalPoint | null {
  const n = theta0.length;
  const theta = [...theta0];
  for (let it = 0; it < maxIter; it++) {
    const { g, H } = landscape(theta, beta, phi);
    const gn = Math.max(...g.map(Math.abs));
    if (gn < 1e-11) return curvature(theta, beta, phi, gn);
    const Hr = new Matrix(H.slice(1).map((row) => row.slice(1)));
    let step: number[];
    try {
      step = solve(Hr, Matrix.columnVector(g.slice(1).map((v) => -v)), true).to1DArray();
    } catch {
      return null;
    }
    if (step.some((v) => !Number.isFinite(v))) return null;
    const big = Math.max(...step.map(Math.abs));
    const damp = big > 0.5 ? 0.5 / big : 1;
    for (let k = 1; k < n; k++) theta[k] += damp * step[k - 1];
  }
  return null;
}

function curvature(theta: number[], beta: number, phi: Interaction, gradNorm: number): CriticalPoint {
  const { H } = landscape(theta, beta, phi);
  // H 1 = 0, so the largest eigenvalue over the slice theta_0 = const equals the one over all directions.
  const Hr = new Matrix(H.slice(1).map((row) => row.slice(1)));
  const ev = new EigenvalueDecomposition(Hr, { assumeSymmetric: true }).realEigenvalues;
  let sync = true;
  for (let i = 1; i < theta.length; i++) if (Math.cos(theta[i] - theta[0]) < 1 - 1e-8) sync = false;
  return { theta: [...theta], gradNorm, lambdaMax: Math.max(...ev), synchronised: sync };
}

/** Options of {@link circleLandscape}. */
export interface CircleLandscapeOptions {
  /** The interaction (default e^{beta (x-1)}, SA). */
  readonly phi?: Interaction;
  /** Beta range (default [0.1, 3]). */
  readonly beta?: readonly [number, number];
  /** n range (default [3, 8]). */
  readonly n?: readonly [number, number];
  /** An eigenvalue above tol * (scale of H) counts as strictly positive (default 1e-7). */
  readonly tol?: number;
}

/** Hypotheses of {@link circleLandscape}: n, beta and a seed for Newton's starting angles. */
export interface CircleHypothesis {
  readonly n: number;
  readonly beta: number;
  readonly seed: number;
}

/**
 * Problem 3 (THEORY §4, §7.2): on the torus T^n every critical point of E_beta (7.4) other than the
 * synchronised maxima is a strict saddle (has an ascent direction). Newton's method from random angles
 * finds critical points of every index; a counterexample is a non-synchronised critical point whose
 * Hessian has no positive eigenvalue. Pass `phi` to explore another interaction (Criscitiello et al.
 * build increasing convex phi with spurious local maxima for n >= 5).
 */
export function circleLandscape(options: CircleLandscapeOptions = {}): Conjecture<CircleHypothesis> {
  const phi = options.phi ?? expInteraction;
  const [b0, b1] = options.beta ?? [0.1, 3];
  const [n0, n1] = options.n ?? [3, 8];
  const tol = options.tol ?? 1e-7;
  if (!(b0 >= 0 && b1 >= b0) || !(Number.isInteger(n0) && n0 >= 2 && n1 >= n0)) {
    throw new AttnflowError('circleLandscape options', `bad ranges beta [${b0}, ${b1}], n [${n0}, ${n1}]`, 'pass 0 <= beta0 <= beta1 and integers 2 <= n0 <= n1');
  }
  return defineConjecture<CircleHypothesis>({
    id: options.phi ? 'circle-saddles-custom' : 'circle-saddles',
    statement: 'every non-synchronised critical point of E_beta on the circle is a strict saddle (Problem 3)',
    source: 'THEORY.md §4 Problem 3, eq. (7.4)',
    hypotheses: fc.record({
      n: fc.integer({ min: n0, max: n1 }),
      beta: fc.double({ min: b0, max: b1, noNaN: true }),
      seed: fc.nat({ max: 1e6 }),
    }),
    predicate: (h) => {
      const rng = new Rng(h.seed);
      const start = Array.from({ length: h.n }, () => 2 * Math.PI * rng.uniform());
      const cp = newtonCritical(start, h.beta, phi);
      fc.pre(cp !== null && !cp.synchronised); // only non-synchronised critical points are claims
      const { H } = landscape(cp!.theta, h.beta, phi);
      const scale = Math.max(1e-300, ...H.map((r) => Math.max(...r.map(Math.abs))));
      return cp!.lambdaMax > tol * scale || `critical point with lambda_max = ${cp!.lambdaMax.toExponential(3)} <= ${(tol * scale).toExponential(1)} (|grad| ${cp!.gradNorm.toExponential(1)}): not a strict saddle; angles ${cp!.theta.map((t) => t.toFixed(4)).join(', ')}`;
    },
  });
}

export default circleLandscape();
