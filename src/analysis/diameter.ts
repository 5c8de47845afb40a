import type { Tokens } from '../linalg/mat.ts';
import { dotRows } from '../models/scores.ts';

/**
 * max_{i,j} |x_i - x_j|, the Euclidean diameter of the token set. Computed from the differences
 * themselves, not from sqrt(2 - 2<x_i,x_j>), so that diameters near 1e-10 (late single-cluster
 * convergence, S15) keep their relative accuracy instead of drowning in the rounding of 1 - <x_i,x_j>.
 */
export function diameter(X: Tokens): number {
  const n = X.rows, d = X.cols, x = X.data;
  let best = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = x[i * d + k] - x[j * d + k];
        s += t * t;
      }
      if (s > best) best = s;
    }
  }
  return Math.sqrt(best);
}

/**
 * min_{i != j} <x_i, x_j>, the smallest pairwise inner product; a value > alpha >= 0 means the tokens are
 * alpha-clustered (proof of Thm 4.2), which already certifies single-cluster convergence (S15).
 * Returns 1 for a single token (by convention: an empty minimum over a one-point set is no constraint).
 */
export function minPairwiseInner(X: Tokens): number {
  const n = X.rows, d = X.cols, x = X.data;
  let m = n > 1 ? Infinity : 1;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const s = dotRows(x, i, x, j, d);
    if (s < m) m = s;
  }
  return m;
}
