import { AttnflowError } from '../errors.ts';
import type { Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import { normalizeRows } from '../linalg/vec.ts';
import { Rng } from './rng.ts';

/** n iid points uniform on S^{d-1} (normalised Gaussians), as an n x d token matrix. */
export function uniformSphere(n: number, d: number, rng: Rng): Tokens {
  if (!(n >= 1 && d >= 1)) throw new AttnflowError('n, d', `need n >= 1 and d >= 1, got n = ${n}, d = ${d}`, 'pass positive sizes');
  const X = mat(n, d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    do {
      s = 0;
      for (let k = 0; k < d; k++) {
        const g = rng.normal();
        X.data[i * d + k] = g;
        s += g * g;
      }
    } while (s === 0);
  }
  normalizeRows(X.data, n, d);
  return X;
}

/** n tokens on the circle (d = 2) at the given angles: x_i = (cos theta_i, sin theta_i) (§7.1). */
export function fromAngles(theta: ArrayLike<number>): Tokens {
  const X = mat(theta.length, 2);
  for (let i = 0; i < theta.length; i++) {
    X.data[2 * i] = Math.cos(theta[i]);
    X.data[2 * i + 1] = Math.sin(theta[i]);
  }
  return X;
}

/** The angles theta_i = atan2(x_i2, x_i1) of tokens in d = 2. */
export function toAngles(X: Tokens): Float64Array {
  if (X.cols !== 2) throw new AttnflowError('X', `angles need d = 2, got d = ${X.cols}`, 'pass circle tokens');
  const t = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) t[i] = Math.atan2(X.data[2 * i + 1], X.data[2 * i]);
  return t;
}

/** The first n standard basis vectors e_1..e_n of R^d: a pairwise orthogonal start (Thm 6.8; needs d >= n). */
export function orthogonalStart(n: number, d: number): Tokens {
  if (d < n) throw new AttnflowError('d', `an orthogonal start needs d >= n, got n = ${n}, d = ${d}`, `use d >= ${n}`);
  const X = mat(n, d);
  for (let i = 0; i < n; i++) X.data[i * d + i] = 1;
  return X;
}
