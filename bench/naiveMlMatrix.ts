import { Matrix } from 'ml-matrix';

/**
 * The naive baseline of `npm run bench`: the SA velocity of eq. (2.3) with Q = K = V = I written the
 * obvious way with ml-matrix (Gram matrix by mmul, stable softmax row by row, weights times tokens by
 * mmul, tangent projection). `X` is the n x d token matrix as an ml-matrix Matrix.
 */
export function naiveVelocity(X: Matrix, beta: number): Matrix {
  const n = X.rows, d = X.columns;
  const W = X.mmul(X.transpose());
  for (let i = 0; i < n; i++) {
    const m = W.maxRow(i);
    let z = 0;
    for (let j = 0; j < n; j++) {
      const w = Math.exp(beta * (W.get(i, j) - m));
      W.set(i, j, w);
      z += w;
    }
    for (let j = 0; j < n; j++) W.set(i, j, W.get(i, j) / z);
  }
  const U = W.mmul(X);
  for (let i = 0; i < n; i++) {
    let p = 0;
    for (let k = 0; k < d; k++) p += U.get(i, k) * X.get(i, k);
    for (let k = 0; k < d; k++) U.set(i, k, U.get(i, k) - p * X.get(i, k));
  }
  return U;
}
