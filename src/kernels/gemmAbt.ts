/**
 * C = A B^T on flat row-major float64 arrays: C[i * ldc + j] = sum_p A[i * k + p] B[j * k + p].
 * Both operands are read along contiguous rows, so one kernel serves the Gram matrix
 * S = (QX)(KX)^T of eq. (2.3), the projections M x_i (X M^T) and the weighted sum W (VX) (written
 * as W (VX^T)^T). The rows i in [i0, i1) and j in [j0, j1) are computed, which is how the
 * parallel path splits the work.
 */

/** Rows of B kept hot while a strip of A streams past (JB * KB * 8 bytes, about 128 KiB: L2). */
const JB = 64;
/** Length of the inner-dimension block: a 4-row strip of A is 8 KiB and stays in L1. */
const KB = 256;

/**
 * Computes the block C[i][j] for i0 <= i < i1, j0 <= j < j1 of A B^T, overwriting it.
 * With `upper`, tiles that lie entirely below the diagonal (j < i) are skipped: the caller mirrors
 * them, which halves the Gram matrix (it is symmetric when Q = K).
 */
export function gemmAbt(
  A: Float64Array, B: Float64Array, C: Float64Array, k: number, ldc: number,
  i0: number, i1: number, j0: number, j1: number, upper = false,
): void {
  for (let p0 = 0; p0 < k; p0 += KB) {
    const p1 = Math.min(k, p0 + KB);
    const first = p0 === 0;
    for (let jb = j0; jb < j1; jb += JB) {
      const jbEnd = Math.min(j1, jb + JB);
      if (upper && jbEnd <= i0) continue;
      let i = i0;
      for (; i + 3 < i1; i += 4) {
        if (upper && jbEnd <= i) break;
        strip4(A, B, C, k, ldc, i, upper ? Math.max(jb, i & ~1) : jb, jbEnd, p0, p1, first);
      }
      for (; i < i1; i++) {
        if (upper && jbEnd <= i) break;
        strip1(A, B, C, k, ldc, i, upper ? Math.max(jb, i) : jb, jbEnd, p0, p1, first);
      }
    }
  }
}

/** Four rows of A against rows [ja, jb) of B over p in [p0, p1): a 4 x 2 register tile. */
function strip4(
  A: Float64Array, B: Float64Array, C: Float64Array, k: number, ldc: number,
  i: number, ja: number, jb: number, p0: number, p1: number, first: boolean,
): void {
  const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
  const c0 = i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
  let j = ja;
  for (; j + 1 < jb; j += 2) {
    const b0 = j * k, b1 = b0 + k;
    let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
    for (let p = p0; p < p1; p++) {
      const x0 = B[b0 + p], x1 = B[b1 + p];
      const y0 = A[a0 + p], y1 = A[a1 + p], y2 = A[a2 + p], y3 = A[a3 + p];
      s00 += y0 * x0; s01 += y0 * x1;
      s10 += y1 * x0; s11 += y1 * x1;
      s20 += y2 * x0; s21 += y2 * x1;
      s30 += y3 * x0; s31 += y3 * x1;
    }
    if (first) {
      C[c0 + j] = s00; C[c0 + j + 1] = s01; C[c1 + j] = s10; C[c1 + j + 1] = s11;
      C[c2 + j] = s20; C[c2 + j + 1] = s21; C[c3 + j] = s30; C[c3 + j + 1] = s31;
    } else {
      C[c0 + j] += s00; C[c0 + j + 1] += s01; C[c1 + j] += s10; C[c1 + j + 1] += s11;
      C[c2 + j] += s20; C[c2 + j + 1] += s21; C[c3 + j] += s30; C[c3 + j + 1] += s31;
    }
  }
  if (j < jb) {
    const b0 = j * k;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let p = p0; p < p1; p++) {
      const x0 = B[b0 + p];
      s0 += A[a0 + p] * x0; s1 += A[a1 + p] * x0; s2 += A[a2 + p] * x0; s3 += A[a3 + p] * x0;
    }
    if (first) { C[c0 + j] = s0; C[c1 + j] = s1; C[c2 + j] = s2; C[c3 + j] = s3; }
    else { C[c0 + j] += s0; C[c1 + j] += s1; C[c2 + j] += s2; C[c3 + j] += s3; }
  }
}

/** One row of A against rows [ja, jb) of B over p in [p0, p1), two columns at a time. */
function strip1(
  A: Float64Array, B: Float64Array, C: Float64Array, k: number, ldc: number,
  i: number, ja: number, jb: number, p0: number, p1: number, first: boolean,
): void {
  const a0 = i * k, c0 = i * ldc;
  let j = ja;
  for (; j + 1 < jb; j += 2) {
    const b0 = j * k, b1 = b0 + k;
    let s0 = 0, s1 = 0;
    for (let p = p0; p < p1; p++) {
      const y = A[a0 + p];
      s0 += y * B[b0 + p]; s1 += y * B[b1 + p];
    }
    if (first) { C[c0 + j] = s0; C[c0 + j + 1] = s1; } else { C[c0 + j] += s0; C[c0 + j + 1] += s1; }
  }
  if (j < jb) {
    const b0 = j * k;
    let s = 0;
    for (let p = p0; p < p1; p++) s += A[a0 + p] * B[b0 + p];
    if (first) C[c0 + j] = s; else C[c0 + j] += s;
  }
}
