import type { Mat, Tokens } from '../linalg/mat.ts';

/**
 * P^perp_x y = y - <x, y> x (§0.3), applied row by row in place: row i of `Y` becomes its projection
 * onto the tangent space of the sphere at x_i. Returns `Y`.
 */
export function projectTangentInPlace(X: Tokens, Y: Float64Array): Float64Array {
  const n = X.rows, d = X.cols, x = X.data;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let k = 0; k < d; k++) s += x[o + k] * Y[o + k];
    for (let k = 0; k < d; k++) Y[o + k] -= s * x[o + k];
  }
  return Y;
}

/** P^perp_{x_i} y_i for every row, as a new matrix (§0.3). */
export function projectTangent(X: Tokens, Y: Mat): Mat {
  return { rows: Y.rows, cols: Y.cols, data: projectTangentInPlace(X, Float64Array.from(Y.data)) };
}
