import fc from 'fast-check';
import { betaArbitrary, CONFIGURATIONS, configuration } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { caseOf, requestOf } from '../properties/cases.ts';
import type { Tokens } from '../src/linalg/mat.ts';
import { mat } from '../src/linalg/mat.ts';
import { projectTangentInPlace } from '../src/models/projectTangent.ts';
import { maxRowError, velocityOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/** Step of the central differences in the log-gradient (Richardson pair delta, delta/2). */
export const LOG_GRADIENT_STEP = 1e-3;

/** log sum_j e^{beta <x, x_j>} (log-sum-exp), for x anywhere in R^d. */
function logMoment(x: Float64Array, X: Tokens, beta: number): number {
  const d = X.cols;
  let m = -Infinity;
  const s = new Float64Array(X.rows);
  for (let j = 0; j < X.rows; j++) {
    let r = 0;
    for (let k = 0; k < d; k++) r += x[k] * X.data[j * d + k];
    s[j] = beta * r;
    m = Math.max(m, s[j]);
  }
  let z = 0;
  for (let j = 0; j < X.rows; j++) z += Math.exp(s[j] - m);
  return m + Math.log(z);
}

/**
 * The field of (3.7) at every token, from finite differences of x -> log \int e^{beta<x,y>} dmu(y) with mu the
 * empirical measure of X (Richardson central differences in R^d, then the tangent projection P^perp_{x_i}).
 * `form: 'corrected'` (E1) multiplies by beta^{-1}; `form: 'printed'` is the printed
 * grad log \int beta^{-1} e^{beta<x,y>} dmu: the constant beta^{-1} inside the log drops out of the
 * gradient, so the printed field is beta times the corrected one.
 */
export function logGradientField(X: Tokens, beta: number, form: 'corrected' | 'printed' = 'corrected'): Tokens {
  const n = X.rows, d = X.cols, h = LOG_GRADIENT_STEP;
  const out = mat(n, d);
  const x = new Float64Array(d);
  const diff = (i: number, k: number, s: number) => {
    x.set(X.data.subarray(i * d, i * d + d));
    x[k] += s;
    const p = logMoment(x, X, beta);
    x[k] -= 2 * s;
    return (p - logMoment(x, X, beta)) / (2 * s);
  };
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) out.data[i * d + k] = (4 * diff(i, k, h / 2) - diff(i, k, h)) / 3;
  projectTangentInPlace(X, out.data);
  if (form === 'corrected') for (let p = 0; p < n * d; p++) out.data[p] /= beta;
  return out;
}

/**
 * E1 (eq. 3.7 corrected, §2 S7): the SA field is the logarithmic gradient X[mu](x) = beta^{-1} grad log \int e^{beta<x,y>} dmu(y);
 * at the tokens of an empirical measure it is the velocity of (SA). The printed (3.7) is off by the factor beta.
 */
export const logGradientForm: Theorem<SystemCase> = {
  id: 'E1',
  title: 'the SA velocity at each token equals beta^{-1} grad log \\int e^{beta<x,y>} dmu(y) for the empirical measure mu (corrected eq. 3.7)',
  source: 'eq. (3.7) with erratum E1; §3.4.2, §2 S7; mean-field (3.2)-(3.3)',
  errata: ['E1'],
  hypotheses: 'SA, Q = K = V = I, n in [1, 8], d in [1, 6], beta in [0.05, 10] (beta^{-1} times a finite difference loses digits as beta -> 0), every configuration family; the field is evaluated at the tokens',
  conclusion:
    'max_i |v_i - beta^{-1} P^perp_{x_i} grad_x log sum_j e^{beta <x, x_j>}|_{x = x_i}| <= tol, the gradient by Richardson central differences (delta = 1e-3) ' +
    'of attnflow\'s log-sum-exp, v the implementation\'s velocity',
  tolerance:
    'absolute (rows compared to max(|v_i|, 1)), (60 eps (beta + log n + 1) / delta + delta^4 (beta + 1)^5 / 10) / beta: the rounding of differences of a log-sum-exp of size beta + log n ' +
    'divided by delta, plus the O(delta^4) Richardson remainder (fifth derivative <= beta^5), all divided by beta (float64 eps: attnflow computes it); ' +
    'plus 1e3 eps_profile (1 + beta) for the implementation\'s own rounding',
  tier: 'must',
  kind: 'exact',
  cost: 'fast',
  needs: { ops: ['velocity'], models: ['sa'] },
  runs: 100,
  arbitrary: () =>
    fc
      .record({
        beta: betaArbitrary([0.05, 10]).filter((b) => b >= 0.05),
        n: fc.integer({ min: 1, max: 8 }),
        d: fc.integer({ min: 1, max: 6 }),
        config: fc.constantFrom(...CONFIGURATIONS),
        seed: fc.nat({ max: 0x7fffffff }),
      })
      .map(({ beta, n, d, config, seed }) => caseOf('sa', beta, configuration(config, n, d, seed))),
  async check(ctx, c) {
    const req = requestOf(c);
    const v = await velocityOf(ctx.impl, req);
    const field = logGradientField(req.X, c.beta);
    const h = LOG_GRADIENT_STEP, n = req.X.rows;
    // attnflow's differences run in float64 whatever the profile; the implementation's own rounding is the profile's.
    const tol = (60 * 2 ** -52 * (c.beta + Math.log(n) + 1) / h + h ** 4 * (c.beta + 1) ** 5 / 10) / c.beta + 1e3 * ctx.profile.eps * (1 + c.beta);
    return assertAtMost('max_i |v_i - beta^{-1} grad log \\int e^{beta<x_i,y>} dmu|', maxRowError(v, field, 1), tol);
  },
};
