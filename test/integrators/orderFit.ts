import { flow } from '../../src/integrators/flow.ts';
import type { Tokens } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';

/** Least-squares slope of log(error) against log(h): the observed order of convergence. */
export function observedOrder(hs: readonly number[], errors: readonly number[]): number {
  const x = hs.map(Math.log), y = errors.map(Math.log);
  const mx = x.reduce((a, b) => a + b, 0) / x.length, my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/** The convergence problem of the order tests: SA, n = 5, d = 3, beta = 1.5, horizon T = 1, seed 7. */
export function orderProblem(): { X: Tokens; params: { beta: number }; T: number; reference: Tokens } {
  const X = uniformSphere(5, 3, new Rng(7));
  const params = { beta: 1.5 };
  const T = 1;
  // DOPRI5 at rtol 1e-13 agrees with RK4 at h = 1e-3 to ~1e-14, far below the errors fitted.
  const reference = flow(X, params, [T], { rtol: 1e-13, atol: 1e-15 }).states[0];
  return { X, params, T, reference };
}
