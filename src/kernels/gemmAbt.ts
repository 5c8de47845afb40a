/**
 * C = A B^T on flat row-major float64 arrays: C[i * ldc + j] = sum_p A[i * k + p] B[j * k + p].
 * Both operands are read along contiguous rows, so one kernel serves the Gram matrix
 * S = (QX)(KX)^T of eq. (2.3), the projections M x_i (X M^T) and the weighted sum W (VX) (written
 * as W (VX^T)^T). The rows i in [i0, i1) and j in [j0, j1) are computed, which is how the
 * parallel path splits the work.
 */

/** Rows of B kept hot while a strip of A streams past (JB * KB * 8 bytes, 128 KiB: L2). */
const JB = 64;
/** Length of the inner-dimension block: a 3-row strip of A is 6 KiB and stays in L1. */
const KB = 256;

/**
 * Computes the block C[i][j] for i0 <= i < i1, j0 <= j < j1 of A B^T, overwriting it.
 * With `upper`, tiles that lie entirely below the diagonal (j < i) are skipped: the caller mirrors
 * them, which halves the Gram matrix (it is symmetric when Q = K). A few entries below the diagonal
 * may still be written (with their correct values).
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
      for (; i + 2 < i1; i += 3) {
        if (upper && jbEnd <= i) break;
        strip3(A, B, C, k, ldc, i, upper ? startCol(jb, i) : jb, jbEnd, p0, p1, first);
      }
      for (; i < i1; i++) {
        if (upper && jbEnd <= i) break;
        strip1(A, B, C, k, ldc, i, upper ? startCol(jb, i) : jb, jbEnd, p0, p1, first);
      }
    }
  }
}

/** First column of the upper-triangle part of row i within a block starting at jb, kept on the 4-column grid. */
function startCol(jb: number, i: number): number {
  return i <= jb ? jb : jb + ((i - jb) & ~3);
}

/**
 * Three rows of A against rows [ja, jb) of B over p in [p0, p1): a 3 x 4 register tile (12
 * accumulators, 3 + 1 live operands: what V8's 16 float registers hold without spilling).
 */
function strip3(
  A: Float64Array, B: Float64Array, C: Float64Array, k: number, ldc: number,
  i: number, ja: number, jb: number, p0: number, p1: number, first: boolean,
): void {
  const a0 = i * k, a1 = a0 + k, a2 = a1 + k;
  const c0 = i * ldc, c1 = c0 + ldc, c2 = c1 + ldc;
  let j = ja;
  for (; j + 3 < jb; j += 4) {
    const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
    let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0, s20 = 0, s21 = 0, s22 = 0, s23 = 0;
    for (let p = p0; p < p1; p++) {
      const y0 = A[a0 + p], y1 = A[a1 + p], y2 = A[a2 + p];
      let x = B[b0 + p];
      s00 += y0 * x; s10 += y1 * x; s20 += y2 * x;
      x = B[b1 + p];
      s01 += y0 * x; s11 += y1 * x; s21 += y2 * x;
      x = B[b2 + p];
      s02 += y0 * x; s12 += y1 * x; s22 += y2 * x;
      x = B[b3 + p];
      s03 += y0 * x; s13 += y1 * x; s23 += y2 * x;
    }
    if (first) {
      C[c0 + j] = s00; C[c0 + j + 1] = s01; C[c0 + j + 2] = s02; C[c0 + j + 3] = s03;
      C[c1 + j] = s10; C[c1 + j + 1] = s11; C[c1 + j + 2] = s12; C[c1 + j + 3] = s13;
      C[c2 + j] = s20; C[c2 + j + 1] = s21; C[c2 + j + 2] = s22; C[c2 + j + 3] = s23;
    } else {
      C[c0 + j] += s00; C[c0 + j + 1] += s01; C[c0 + j + 2] += s02; C[c0 + j + 3] += s03;
      C[c1 + j] += s10; C[c1 + j + 1] += s11; C[c1 + j + 2] += s12; C[c1 + j + 3] += s13;
      C[c2 + j] += s20; C[c2 + j + 1] += s21; C[c2 + j + 2] += s22; C[c2 + j + 3] += s23;
    }
  }
  for (; j < jb; j++) {
    const b0 = j * k;
    let s0 = 0, s1 = 0, s2 = 0;
    for (let p = p0; p < p1; p++) {
      const x = B[b0 + p];
      s0 += A[a0 + p] * x; s1 += A[a1 + p] * x; s2 += A[a2 + p] * x;
    }
    if (first) { C[c0 + j] = s0; C[c1 + j] = s1; C[c2 + j] = s2; } else { C[c0 + j] += s0; C[c1 + j] += s1; C[c2 + j] += s2; }
  }
}

/** One row of A against rows [ja, jb) of B over p in [p0, p1), four columns at a time. */
function strip1(
  A: Float64Array, B: Float64Array, C: Float64Array, k: number, ldc: number,
  i: number, ja: number, jb: number, p0: number, p1: number, first: boolean,
): void {
  const a0 = i * k, c0 = i * ldc;
  let j = ja;
  for (; j + 3 < jb; j += 4) {
    const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let p = p0; p < p1; p++) {
      const y = A[a0 + p];
      s0 += y * B[b0 + p]; s1 += y * B[b1 + p]; s2 += y * B[b2 + p]; s3 += y * B[b3 + p];
    }
    if (first) { C[c0 + j] = s0; C[c0 + j + 1] = s1; C[c0 + j + 2] = s2; C[c0 + j + 3] = s3; }
    else { C[c0 + j] += s0; C[c0 + j + 1] += s1; C[c0 + j + 2] += s2; C[c0 + j + 3] += s3; }
  }
  for (; j < jb; j++) {
    const b0 = j * k;
    let s = 0;
    for (let p = p0; p < p1; p++) s += A[a0 + p] * B[b0 + p];
    if (first) C[c0 + j] = s; else C[c0 + j] += s;
  }
}
