import type { Mat, Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import { dotRows } from '../models/scores.ts';

/**
 * The n x n Gram matrix G_ij = <x_i, x_j> of the tokens (symmetric; the diagonal is |x_i|^2). Its
 * off-diagonal entries are the pairwise cosines whose histogram is Fig. 1 and whose common value is
 * gamma_beta(t) under Thm 6.8.
 */
export function gram(X: Tokens): Mat {
  const n = X.rows, d = X.cols, x = X.data;
  const G = mat(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const s = dotRows(x, i, x, j, d);
      G.data[i * n + j] = s;
      G.data[j * n + i] = s;
    }
  }
  return G;
}
