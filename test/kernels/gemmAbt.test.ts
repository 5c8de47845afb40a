import { describe, expect, it } from 'vitest';
import { gemmAbt } from '../../src/kernels/gemmAbt.ts';
import { mirrorUpper } from '../../src/models/scores.ts';
import { Rng } from '../../src/random/rng.ts';

function naive(A: Float64Array, B: Float64Array, k: number, i: number, j: number): number {
  let s = 0;
  for (let p = 0; p < k; p++) s += A[i * k + p] * B[j * k + p];
  return s;
}

/** sum_p |A_ip B_jp|: the scale of the rounding error of any summation order. */
function absDot(A: Float64Array, B: Float64Array, k: number, i: number, j: number): number {
  let s = 0;
  for (let p = 0; p < k; p++) s += Math.abs(A[i * k + p] * B[j * k + p]);
  return s;
}

describe('gemmAbt', () => {
  it('computes the requested block of A B^T to 1e-14 of sum_p |a_ip b_jp|, for odd shapes and inner sizes above the 256 block', () => {
    const rng = new Rng(5);
    const tol = 1e-14;
    for (const [m, n, k] of [[1, 1, 1], [5, 3, 7], [13, 9, 257], [8, 70, 600], [67, 65, 3]]) {
      const A = Float64Array.from({ length: m * k }, () => rng.normal());
      const B = Float64Array.from({ length: n * k }, () => rng.normal());
      const C = new Float64Array(m * n).fill(NaN);
      const i0 = m > 2 ? 1 : 0, j0 = n > 2 ? 2 : 0;
      gemmAbt(A, B, C, k, n, i0, m, j0, n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
        if (i < i0 || j < j0) { expect(Number.isNaN(C[i * n + j]), 'outside the block stays untouched').toBe(true); continue; }
        const ref = naive(A, B, k, i, j);
        const err = Math.abs(C[i * n + j] - ref) / absDot(A, B, k, i, j);
        expect(err, `(${m},${n},${k}) entry (${i},${j}) err ${err} vs tol ${tol}`).toBeLessThan(tol);
      }
    }
  });

  it('with upper = true computes every entry j >= i of A A^T to 1e-14 of sum_p |a_ip a_jp|', () => {
    const rng = new Rng(6);
    for (const [n, k] of [[1, 4], [7, 5], [70, 300], [130, 2]]) {
      const A = Float64Array.from({ length: n * k }, () => rng.normal());
      const C = new Float64Array(n * n).fill(NaN);
      gemmAbt(A, A, C, k, n, 0, n, 0, n, true);
      const tol = 1e-14;
      let worst = 0;
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
        worst = Math.max(worst, Math.abs(C[i * n + j] - naive(A, A, k, i, j)) / absDot(A, A, k, i, j));
      }
      expect(worst, `n ${n} k ${k}: ${worst} of sum |a b| vs tol ${tol}`).toBeLessThan(tol);
    }
  });
});

describe('mirrorUpper', () => {
  it('copies the upper triangle onto the lower one exactly, across tile boundaries', () => {
    for (const n of [1, 5, 64, 65, 130]) {
      const S = Float64Array.from({ length: n * n }, (_, t) => t);
      mirrorUpper(S, n);
      let bad = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (S[i * n + j] !== (j >= i ? i * n + j : j * n + i)) bad++;
      expect(bad, `n ${n}: entries differing from the mirrored upper triangle`).toBe(0);
    }
  });
});
