import { AttnflowError, assertFinite } from '../errors.ts';

function validate(theta: ArrayLike<number>, beta: number): Float64Array {
  if (theta === null || typeof theta !== 'object' || typeof theta.length !== 'number' || theta.length < 1) {
    throw new AttnflowError('theta', 'expected a non-empty array of angles', 'pass angles in radians, e.g. [0, 1.5, 3]');
  }
  const th = Float64Array.from(theta);
  for (let i = 0; i < th.length; i++) {
    if (typeof theta[i] !== 'number' || !Number.isFinite(th[i])) {
      throw new AttnflowError(`theta[${i}]`, `expected a finite angle, got ${String(theta[i])}`, 'replace it by a finite number of radians');
    }
  }
  assertFinite(beta, 'beta');
  if (beta < 0) throw new AttnflowError('beta', `beta must be >= 0, got ${beta}`, 'pass a non-negative inverse temperature');
  return th;
}

/**
 * Row sums S_i = sum_j e^{beta (cos(theta_i - theta_j) - 1)} sin(theta_i - theta_j) and, for SA, the
 * shifted normalisers sum_j e^{beta (cos - 1)}. The shift by beta = beta cos(0), the row maximum,
 * keeps every weight in (0, 1]; cos(delta) - 1 is formed as -2 sin^2(delta/2) to keep its digits near 0.
 */
function shiftedSums(th: Float64Array, beta: number, wantZ: boolean): { S: Float64Array; Z: Float64Array } {
  const n = th.length;
  const S = new Float64Array(n), Z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let si = 0, zi = 0;
    for (let j = 0; j < n; j++) {
      // sin(theta_i - theta_j) and sin((theta_i - theta_j)/2) from the difference itself, not from addition formulas, for accuracy.
      const delta = th[i] - th[j];
      const h = Math.sin(0.5 * delta);
      const w = Math.exp(-2 * beta * h * h);
      si += w * Math.sin(delta);
      if (wantZ) zi += w;
    }
    S[i] = si;
    Z[i] = zi;
  }
  return { S, Z };
}

/**
 * The USA dynamics on the circle, eq. (7.1), x_i = (cos theta_i, sin theta_i):
 * theta_i' = -(1/n) sum_j e^{beta cos(theta_i - theta_j)} sin(theta_i - theta_j).
 * beta = 0 is the Kuramoto model (7.2) with identical frequencies and K = 1. Speeds reach e^{beta};
 * where one is not a finite float64 an {@link AttnflowError} says so.
 * @param theta - angles in radians, n >= 1, finite.
 * @param beta - inverse temperature >= 0.
 */
export function angleVelocityUSA(theta: ArrayLike<number>, beta: number): Float64Array {
  const th = validate(theta, beta);
  const n = th.length;
  const { S } = shiftedSums(th, beta, false);
  const out = new Float64Array(n);
  const logF = beta - Math.log(n);
  const f = Math.exp(logF);
  for (let i = 0; i < n; i++) {
    let v = S[i] === 0 ? 0 : -f * S[i];
    if (!Number.isFinite(v)) {
      // e^{beta}/n alone may overflow while the product does not.
      const l = logF + Math.log(Math.abs(S[i]));
      if (l >= Math.log(Number.MAX_VALUE)) {
        throw new AttnflowError('beta', `the USA angular speed of token ${i} is about e^${l.toFixed(1)} at beta = ${beta}, which is not a finite float64`, 'use angleVelocitySA, or a smaller beta', 'not-finite');
      }
      v = -Math.sign(S[i]) * Math.exp(l);
    }
    out[i] = v;
  }
  return out;
}

/**
 * The SA dynamics on the circle, eq. (7.1) with 1/n replaced by 1/Z_i (§1.9),
 * theta_i' = -(1/Z_i) sum_j e^{beta cos(theta_i - theta_j)} sin(theta_i - theta_j),
 * Z_i = sum_j e^{beta cos(theta_i - theta_j)}, computed with the row maximum e^{beta} factored out so any
 * beta is finite. Equals <v_i, (-sin theta_i, cos theta_i)> for the d = 2 velocity v of eq. (2.3).
 */
export function angleVelocitySA(theta: ArrayLike<number>, beta: number): Float64Array {
  const th = validate(theta, beta);
  const n = th.length;
  const { S, Z } = shiftedSums(th, beta, true);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = -S[i] / Z[i];
  return out;
}
