/**
 * The common softmax shift of symmetric scores (Q = K, eq. 2.3), or null where it must not be used.
 * Cauchy-Schwarz: S_ij <= |q_i| |q_j| <= max_k S_kk, so the largest diagonal entry c bounds every
 * score and no pass over the matrix is needed for the shift. Rounding can put a computed score above
 * c by about k eps c, hence the nudge c (1 + 1e-15); while beta c < 1e9 that moves an exponent by far
 * less than 1. Row i keeps its own weight e^{beta (S_ii - c)}, so the common shift loses no row while
 * beta (c - min_i S_ii) < 600 (test-design note 1: no 0/0, no overflow); otherwise (null) each row
 * takes its own maximum. `S` holds the diagonal at `offset + i (ld + 1)`.
 */
export function commonShift(S: Float64Array, n: number, ld: number, offset: number, beta: number): number | null {
  let c = -Infinity, dMin = Infinity;
  for (let i = 0; i < n; i++) {
    const sii = S[offset + i * (ld + 1)];
    if (sii > c) c = sii;
    if (sii < dMin) dMin = sii;
  }
  c += Math.abs(c) * 1e-15;
  return beta * (c - dMin) < 600 && beta * Math.abs(c) < 1e9 ? c : null;
}
