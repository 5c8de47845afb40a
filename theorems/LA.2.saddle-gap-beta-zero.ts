import fc from 'fast-check';
import type { Tokens } from '../src/linalg/mat.ts';
import { mat, toRows } from '../src/linalg/mat.ts';
import { Rng } from '../src/random/rng.ts';
import { uniformSphere } from '../src/random/sphere.ts';
import { fromRows } from '../src/linalg/mat.ts';
import { energyOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtLeast } from './types.ts';

/** A non-consensus critical point of E_0: p tokens at e and n - p at -e, or a regular n-gon on a great circle. */
export interface SaddleCase {
  readonly kind: 'antipodal' | 'polygon';
  readonly X: number[][];
}

/** Lemma A.2 / (C.2): the guaranteed second derivative 2(d - 1)/(d n) at a non-consensus critical point of E_0. */
export function saddleGap(n: number, d: number): number {
  return (2 * (d - 1)) / (d * n);
}

/** An orthonormal basis of the tangent space at row i of X (Gram–Schmidt of the coordinate vectors). */
function tangentBasis(X: Tokens, i: number): Float64Array[] {
  const d = X.cols, x = X.data.subarray(i * d, i * d + d);
  const basis: Float64Array[] = [];
  for (let k = 0; k < d && basis.length < d - 1; k++) {
    const u = new Float64Array(d);
    u[k] = 1;
    for (const b of [x, ...basis]) {
      let s = 0;
      for (let c = 0; c < d; c++) s += u[c] * b[c];
      for (let c = 0; c < d; c++) u[c] -= s * b[c];
    }
    let r = 0;
    for (let c = 0; c < d; c++) r += u[c] * u[c];
    r = Math.sqrt(r);
    if (r > 1e-6) basis.push(u.map((v) => v / r));
  }
  return basis;
}

/** X with token i moved along the great circle cos(s) x_i + sin(s) u, i.e. e^{sB} x_i with B = u x_i^T - x_i u^T. */
function moveToken(X: Tokens, i: number, u: Float64Array, s: number): Tokens {
  const d = X.cols, Y = mat(X.rows, d, Float64Array.from(X.data));
  for (let k = 0; k < d; k++) Y.data[i * d + k] = Math.cos(s) * X.data[i * d + k] + Math.sin(s) * u[k];
  return Y;
}

/**
 * Lemma A.2 (with (C.2)): every critical point of E_0(X) = (1/n) sum_{i,j} <x_i, x_j> other than consensus
 * is a strict saddle, with a direction of second derivative >= 2(d - 1)/(d n). Measured on the
 * implementation's `energy` op near beta = 0: E_beta = 1/(2 beta) + E_0/(2n) + O(beta), so the constant
 * cancels in second differences and E_0'' = 2n (E_beta)'' + O(beta); a Richardson step in beta removes
 * the O(beta) term. The directions are the proof's rotations e^{sB} of one token (unit-speed geodesics,
 * whose second derivative is the Riemannian Hessian form), maximised over tokens and a tangent basis.
 */
/** Step s of the second differences along geodesics. */
const SADDLE_STEP = 0.05;

/** beta_0 = max(1e-4, 10 sqrt(eps)): small enough for E_0 to dominate, large enough for E_beta's rounding. */
function saddleBeta0(eps: number): number {
  return Math.max(1e-4, 10 * Math.sqrt(eps));
}

/** The second differences' rounding 6 * 4 eps n / (beta_0 s^2) for n tokens. */
function saddleRounding(eps: number, n: number): number {
  return (6 * 4 * eps * n) / (saddleBeta0(eps) * SADDLE_STEP * SADDLE_STEP);
}

export const saddleGapBetaZero: Theorem<SaddleCase> = {
  id: 'LA.2',
  title: 'non-consensus critical points of E_0 are strict saddles with a second derivative >= 2(d-1)/(dn)',
  source: 'Appendix A, Lemma A.2 and (C.2); Thm 4.1',
  errata: ['E6'],
  hypotheses:
    'critical points of E_0 built exactly: p in [1, n-1] tokens at e and n - p at -e (antipodal, n in [2, 8]) or a regular n-gon on a random great circle (balanced, sum_j x_j = 0, n in [3, 8]); d in [2, 5]',
  conclusion:
    'max over tokens i and unit tangent u of d^2/ds^2 E_0(x_i -> cos(s) x_i + sin(s) u) >= 2(d-1)/(dn) - tol, with E_0 read off the implementation energy at beta_0 and beta_0/2',
  tolerance:
    'absolute: (1/4) of the slack 2/(dn) that the exact value 2/n (balanced) or 2(1+|p-q|)/n (antipodal, minority token) leaves over the bound; the second-difference rounding 6 * 4 eps n / (beta_0 s^2) with s = 0.05 and beta_0 = max(1e-4, 10 sqrt(eps)) must stay below it, else inconclusive',
  tier: 'must',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['energy'], models: [] },
  runs: 20,
  skipAtProfile: (profile) => {
    // The most favourable case is n = d = 2: slack 2/(dn) = 1/2, rounding 6 * 4 eps * 2 / (beta_0 s^2).
    const r = saddleRounding(profile.eps, 2);
    return r > 1 / 2 / 4 ? `the profile's eps ${profile.eps.toExponential(2)} makes the second differences' rounding (${r.toPrecision(3)}) exceed the slack of every case: needs eps below about 1e-10` : null;
  },
  arbitrary: () =>
    fc
      .record({
        kind: fc.constantFrom('antipodal' as const, 'polygon' as const),
        n: fc.integer({ min: 2, max: 8 }),
        d: fc.integer({ min: 2, max: 5 }),
        p: fc.double({ min: 0, max: 1, noNaN: true }),
        seed: fc.nat({ max: 0x7fffffff }),
      })
      .map(({ kind, n, d, p, seed }) => {
        const rng = new Rng(seed);
        const X = mat(n, d);
        if (kind === 'antipodal' || n < 3) {
          const e = uniformSphere(1, d, rng).data;
          const plus = 1 + Math.min(n - 2, Math.floor(p * (n - 1)));
          for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) X.data[i * d + k] = (i < plus ? 1 : -1) * e[k];
          return { kind: 'antipodal' as const, X: toRows(X) };
        }
        // Orthonormal u, v spanning a random great circle.
        const [u, v] = [uniformSphere(1, d, rng).data, uniformSphere(1, d, rng).data];
        let s = 0;
        for (let k = 0; k < d; k++) s += u[k] * v[k];
        for (let k = 0; k < d; k++) v[k] -= s * u[k];
        const r = Math.hypot(...v);
        for (let i = 0; i < n; i++) {
          const a = (2 * Math.PI * i) / n;
          for (let k = 0; k < d; k++) X.data[i * d + k] = Math.cos(a) * u[k] + (Math.sin(a) * v[k]) / r;
        }
        return { kind, X: toRows(X) };
      }),
  async check(ctx, c) {
    const X = fromRows(c.X, 'X');
    const n = X.rows, d = X.cols;
    const s = SADDLE_STEP;
    const beta0 = saddleBeta0(ctx.profile.eps);
    const slack = 2 / (d * n);
    const rounding = saddleRounding(ctx.profile.eps, n);
    if (rounding > slack / 4) return { status: 'inconclusive', reason: `energy rounding ${rounding} of the profile swamps the slack ${slack}` };
    const E = (Y: Tokens, beta: number) => energyOf(ctx.impl, { beta, Q: null, K: null, X: Y });
    // E_0'' = 2n (E_beta)'' + O(beta); Richardson: 2 f(beta/2) - f(beta) = E_0'' + O(beta^2).
    const second = async (Yp: Tokens, Ym: Tokens, beta: number) => (2 * n * ((await E(Yp, beta)) - 2 * (await E(X, beta)) + (await E(Ym, beta)))) / (s * s);
    let best = -Infinity;
    for (let i = 0; i < n; i++) {
      for (const u of tangentBasis(X, i)) {
        const Yp = moveToken(X, i, u, s), Ym = moveToken(X, i, u, -s);
        const v = 2 * (await second(Yp, Ym, beta0 / 2)) - (await second(Yp, Ym, beta0));
        // (2 cos s - 2)/s^2 = -(1 - s^2/12 + ...): undo the second-difference bias of a degree-1 trig polynomial.
        best = Math.max(best, v / (1 - (s * s) / 12));
      }
    }
    return assertAtLeast('max_{i,u} d^2/ds^2 E_0 along one-token geodesics', best, saddleGap(n, d) - slack / 4, {
      expected: `>= 2(d-1)/(dn) = ${saddleGap(n, d)}`,
    });
  },
};
