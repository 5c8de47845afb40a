import { describe, expect, it } from 'vitest';
import { HEAP_BASE } from '../../../src/kernels/wasm/driftLayout.ts';
import type { DriftInstance } from '../../../src/kernels/wasm/wasmDrift.ts';
import { driftKernels, driftMemory } from '../../../src/kernels/wasm/wasmDrift.ts';
import { softmaxRowsInPlace } from '../../../src/models/attentionDrift.ts';
import { Rng } from '../../../src/random/rng.ts';

// The kernels of src/kernels/wasm/driftModule.ts one by one, on their padded layouts, against plain
// loops and Math.exp.

function kernels(): DriftInstance {
  const k = driftKernels();
  if (k === null) throw new Error('WebAssembly SIMD is unavailable in this runtime');
  return k;
}

describe('the WebAssembly drift module', () => {
  it('compiles on this runtime (Node 20 has WebAssembly SIMD), so the default kernel is the wasm one', () => {
    expect(driftKernels()).not.toBeNull();
  });

  it('expArray agrees with Math.exp to 2e-15 relative on [-708, 709] (the stated bound), gives 0 below -708, 1 at 0, and keeps NaN', () => {
    const inst = kernels(), K = inst.kernels;
    const rng = new Rng(41);
    const count = 40_000; // a multiple of 4 (groups of two f64x2 vectors)
    const o = HEAP_BASE;
    const F = driftMemory(inst, o + 2 * count);
    for (let i = 0; i < count; i++) F[o + i] = i % 2 === 0 ? -708 + 1417 * rng.uniform() : -50 * rng.uniform();
    F.set([0, -0, NaN, -708.5, -1e-300, 1e-300, -745, -Infinity, -708, 709, -1e308, -1e6], o);
    K.expArray(o * 8, (o + count) * 8, count / 4);
    const tol = 2e-15;
    let worst = 0, at = 0;
    for (let i = 12; i < count; i++) {
      const e = Math.exp(F[o + i]);
      const r = Math.abs(F[o + count + i] - e) / e;
      if (r > worst) { worst = r; at = F[o + i]; }
    }
    expect(worst, `max rel err ${worst} at x = ${at} vs tol ${tol}`).toBeLessThan(tol);
    const head = Array.from(F.subarray(o + count, o + count + 12));
    expect(head[0]).toBe(1);
    expect(head[1]).toBe(1);
    expect(Number.isNaN(head[2])).toBe(true);
    expect(head[4]).toBe(1);
    expect(head[5]).toBe(1);
    // Below -708 (down to -Infinity) the weight underflows to exactly 0: an absolute error < e^-708.
    for (const t of [3, 6, 7, 10, 11]) expect(head[t], `entry ${t} (x = ${F[o + t]})`).toBe(0);
    for (const t of [8, 9]) expect(Math.abs(head[t] - Math.exp(F[o + t])) / Math.exp(F[o + t]), `x = ${F[o + t]}`).toBeLessThan(tol);
  });

  it('gemm computes C = A B (B packed in strips by packN, or B = S^T by packT) to 1e-14 of sum_p |a_ip b_pj|, and with upper only the tiles meeting j >= i', () => {
    const inst = kernels(), K = inst.kernels;
    const rng = new Rng(42);
    // k = 2000 makes several column blocks of the kernel's L2 blocking (32768 entries of B).
    for (const [m, k, nc] of [[4, 1, 4], [8, 3, 12], [16, 64, 8], [36, 17, 40], [8, 2000, 68]]) {
      for (const via of ['packN', 'packT'] as const) {
        // B row-major k x nc (ld nc + 4 to exercise the stride), or its transpose S (nc x k) for packT.
        const ldB = nc + 4;
        const oA = HEAP_BASE, oB = oA + m * k, oS = oB + k * ldB, oP = oS + nc * k, oC = oP + k * nc;
        const F = driftMemory(inst, oC + m * nc);
        for (let t = oA; t < oP; t++) F[t] = rng.normal();
        const b = (p: number, j: number) => (via === 'packN' ? F[oB + p * ldB + j] : F[oS + j * k + p]);
        if (via === 'packN') K.packN(oB * 8, oP * 8, k, nc, ldB, k);
        else K.packT(oS * 8, oP * 8, nc, k, k);
        let misplaced = 0;
        for (let j = 0; j < nc; j++) for (let p = 0; p < k; p++) if (F[oP + (j >> 2) * k * 4 + p * 4 + (j & 3)] !== b(p, j)) misplaced++;
        expect(misplaced, `${via} k ${k} nc ${nc}: strip entries not equal to B's`).toBe(0);
        for (const upper of [0, 1]) {
          F.fill(NaN, oC, oC + m * nc);
          K.gemm(oA * 8, oP * 8, oC * 8, m, k, nc, k, nc, upper, 0);
          let worst = 0;
          for (let i = 0; i < m; i++) for (let j = 0; j < nc; j++) {
            const got = F[oC + i * nc + j];
            if (upper && (j & ~3) < (i & ~3)) { expect(Number.isNaN(got), `(${i},${j}) below the diagonal tiles stays untouched`).toBe(true); continue; }
            let s = 0, a = 0;
            for (let p = 0; p < k; p++) { s += F[oA + i * k + p] * b(p, j); a += Math.abs(F[oA + i * k + p] * b(p, j)); }
            worst = Math.max(worst, Math.abs(got - s) / a);
          }
          expect(worst, `${via} m ${m} k ${k} nc ${nc} upper ${upper}: err ${worst} vs tol 1e-14`).toBeLessThan(1e-14);
        }
      }
    }
  });

  it('gemm sums each entry in the order of a plain loop (bitwise), and gramDiag gives bitwise its diagonal (the common shift of both paths)', () => {
    const inst = kernels(), K = inst.kernels;
    const rng = new Rng(44);
    for (const [n, k] of [[1, 1], [5, 3], [12, 700]]) {
      const n4 = (n + 3) & ~3;
      const oA = HEAP_BASE, oP = oA + n4 * k, oC = oP + n4 * k, oD = oC + n4 * n4;
      const F = driftMemory(inst, oD + n4);
      F.fill(0, oA, oP);
      for (let t = 0; t < n * k; t++) F[oA + t] = rng.normal();
      K.packT(oA * 8, oP * 8, n4, k, k);
      K.gemm(oA * 8, oP * 8, oC * 8, n4, k, n4, k, n4, 0, 0);
      K.gramDiag(oP * 8, n4, k, oD * 8);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += F[oA + i * k + p] * F[oA + j * k + p];
          expect(F[oC + i * n4 + j], `n ${n} k ${k}: (${i}, ${j})`).toBe(s);
        }
        expect(F[oD + i], `n ${n} k ${k}: diagonal ${i}`).toBe(F[oC + i * n4 + i]);
      }
    }
  });

  it('softmaxCommon and softmaxRowMax give the TypeScript softmax (weights, shifts, row sums) to 1e-14, with zeroed padding', () => {
    const inst = kernels(), K = inst.kernels;
    const rng = new Rng(43);
    for (const [n, beta] of [[1, 1], [5, 3], [13, 40], [32, 0], [30, 1000], [7, 1e6], [2, 1e6]]) {
      const n4 = (n + 3) & ~3;
      // A symmetric Gram-like score matrix (unit diagonal, |S_ij| <= 1) and a non-symmetric one.
      const sym = new Float64Array(n * n), gen = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
        const v = i === j ? 1 : 2 * rng.uniform() - 1;
        sym[i * n + j] = v; sym[j * n + i] = v;
      }
      for (let t = 0; t < n * n; t++) gen[t] = 3 * rng.normal();
      for (const [label, S, symmetric] of [['common', sym, true], ['row max', gen, false]] as const) {
        const ref = Float64Array.from(S), shiftRef = new Float64Array(n), sumRef = new Float64Array(n);
        softmaxRowsInPlace(ref, n, beta, symmetric, shiftRef, sumRef);
        const oW = HEAP_BASE, oSum = oW + n4 * n4, oShift = oSum + n4;
        const F = driftMemory(inst, oShift + n4);
        F.fill(NaN, oW, oShift + n4); // padding and (for the common shift) the lower triangle start as garbage
        for (let i = 0; i < n; i++) for (let j = 0; j < n4; j++) {
          if (j < n && (!symmetric || j >= i)) F[oW + i * n4 + j] = S[i * n + j];
          else if (j >= n) F[oW + i * n4 + j] = 0; // the score kernel leaves 0 in padding columns
        }
        if (symmetric) {
          K.softmaxCommon(oW * 8, 0, n, n, n4, beta, shiftRef[0]);
          K.rowSums(oW * 8, n, n, n4, oSum * 8);
        }
        else K.softmaxRowMax(oW * 8, n, n, n4, beta, oShift * 8, oSum * 8);
        let worst = 0;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(F[oW + i * n4 + j] - ref[i * n + j]) / sumRef[i]);
          for (let j = n; j < n4; j++) expect(F[oW + i * n4 + j], `${label}: padding (${i},${j}) is zero`).toBe(0);
          worst = Math.max(worst, Math.abs(F[oSum + i] - sumRef[i]) / sumRef[i]);
          if (!symmetric) expect(F[oShift + i], `${label}: shift of row ${i}`).toBe(shiftRef[i]);
        }
        expect(worst, `${label} n ${n} beta ${beta}: err ${worst} vs tol 1e-14`).toBeLessThan(1e-14);
      }
    }
  });
});
