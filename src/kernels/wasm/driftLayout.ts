import type { DriftExports } from './wasmApi.ts';
import { EXP_TABLE_BYTES } from './driftModule.ts';

/** First float64 index of a drift module's memory free for operands (the exp table lies below). */
export const HEAP_BASE = EXP_TABLE_BYTES / 8;

/** Largest working set (bytes) the WebAssembly paths take on; beyond it the TypeScript kernels run. */
export const MAX_BYTES = 1 << 30;

/**
 * Where the operands of one drift evaluation lie in a drift module's memory (float64 indices) and
 * their leading dimensions. Rows are padded to n4 = 4 ceil(n / 4) and values to d4 = 4 ceil(d / 4)
 * with zeros, so the kernels need no edge cases.
 */
export interface DriftLayout {
  readonly n: number; readonly d: number; readonly k: number;
  readonly n4: number; readonly d4: number;
  /** Leading dimensions of W (n4 x ldW) and of VX, U and X (n4 x ldV). */
  readonly ldW: number; readonly ldV: number;
  /**
   * Offsets: A = qx (n4 x k, zero padding rows), BT = kx^T and VP = VX as gemm's packed right
   * operands (strips of 4 columns: k x n4 and n x d4), W, VX, U, the row sums and shifts, X, staging.
   */
  readonly oA: number; readonly oBT: number; readonly oW: number; readonly oV: number; readonly oVP: number; readonly oU: number;
  readonly oSum: number; readonly oShift: number; readonly oX: number; readonly oStage: number;
  /** Entries in all, from index 0. */
  readonly total: number;
}

const up4 = (x: number) => (x + 3) & ~3;

/**
 * A leading dimension for a matrix whose column walks cover `rows` rows: padded by 4 float64 where
 * rows ld apart fall into so few L1 sets (64 sets of 64-byte lines, 12 ways) that a walk over them
 * would evict itself, e.g. ld = 512 puts every row in one set. A padded ld shifts successive rows by
 * half a line and spreads them over all the sets.
 */
export function paddedLd(ld: number, rows: number): number {
  if (ld % 8 !== 0) return ld;
  let a = 64, b = ld / 8; // lines per row; sets visited = 64 / gcd(64, lines)
  while (b !== 0) [a, b] = [b, a % b];
  return rows > 8 * (64 / a) ? ld + 4 : ld;
}

/**
 * The layout of an n x d drift with k-dimensional scores, from float64 index `base` (the memory's
 * heapBase in src/kernels/wasm/residentOperands.ts, above the operands that stay resident).
 */
export function driftLayout(n: number, d: number, k: number, base = HEAP_BASE): DriftLayout {
  const n4 = up4(n), d4 = up4(d);
  // The one column walk left is the blocked mirror of W (32 rows); gemm's right operands are packed
  // into contiguous strips, so VX, U and X need no padding beyond d4 (and none at all, so no repack,
  // when d is a multiple of 4).
  const ldW = paddedLd(n4, 32);
  const ldV = d4;
  const oA = base, oBT = oA + n4 * k, oW = oBT + k * n4, oV = oW + n4 * ldW, oVP = oV + n4 * ldV, oU = oVP + n * d4;
  const oSum = oU + n4 * ldV, oShift = oSum + n4, oX = oShift + n4, oStage = oX + n4 * ldV;
  return { n, d, k, n4, d4, ldW, ldV, oA, oBT, oW, oV, oVP, oU, oSum, oShift, oX, oStage, total: oStage + n4 * Math.max(k, d) };
}

/** Where {@link stageInputs} left the operands (float64 offsets; X-like blocks have leading dimension ldV). */
export interface StagedInputs {
  /** The values V x_j (n4 x ldV). */
  readonly oV: number;
  /** The tokens to project onto (n4 x ldV). */
  readonly oProj: number;
  /** The rows whose transpose becomes gemm's packed right operand of the scores (n4 x k): qx, or the staged kx. */
  readonly oKeys: number;
}

/**
 * Copies qx, kx, vx and (with `x`) the tokens whose tangent projection finishes the drift into the
 * padded layout, unpacked: bulk copies (memcpy) into the memory, padding rows of zeros, and a repack
 * where d is not a multiple of 4 (staged in the U block, which the weights x values product
 * overwrites later). A block already in the memory with the right layout serves again instead of a
 * second copy: the values are the scores' rows when V = I and Q = I (vx is qx), and the tokens are
 * the values (V = I) or the staged key rows (kx is x, as with B = K^T Q). {@link packRows} then packs
 * them, on one thread or by row chunks on the pool.
 */
export function stageInputs(
  kern: DriftExports, F: Float64Array, L: DriftLayout, qx: Float64Array, kx: Float64Array, vx: Float64Array, symmetric: boolean,
  x: Float64Array | null = null,
): StagedInputs {
  const { n, d, k, n4, ldV } = L;
  F.set(qx.subarray(0, n * k), L.oA);
  F.fill(0, L.oA + n * k, L.oA + n4 * k);
  let oKeys = L.oA;
  if (!symmetric) {
    // The staged kx stays there until the finish: nothing else is staged in this block.
    F.set(kx.subarray(0, n * k), L.oStage);
    F.fill(0, L.oStage + n * k, L.oStage + n4 * k);
    oKeys = L.oStage;
  }
  let oV = L.oV;
  if (vx === qx && k === ldV) {
    oV = L.oA;
  } else if (d === ldV) {
    F.set(vx.subarray(0, n * d), L.oV);
    F.fill(0, L.oV + n * ldV, L.oV + n4 * ldV);
  } else {
    F.set(vx.subarray(0, n * d), L.oU);
    kern.repack(L.oU * 8, L.oV * 8, n, d, d, ldV, n4 - n);
  }
  let oProj = oV;
  if (x !== null && x !== vx) {
    if (x === kx && !symmetric && k === ldV) {
      oProj = L.oStage;
    } else if (d === ldV) {
      F.set(x.subarray(0, n * d), L.oX);
      F.fill(0, L.oX + n * ldV, L.oX + n4 * ldV);
      oProj = L.oX;
    } else {
      F.set(x.subarray(0, n * d), L.oU);
      kern.repack(L.oU * 8, L.oX * 8, n, d, d, ldV, n4 - n);
      oProj = L.oX;
    }
  }
  return { oV, oProj, oKeys };
}

/**
 * Packs rows i0 .. i1 (multiples of 4, within n4) of the staged operands into gemm's strips: the key
 * rows' transpose (k x n4, `packT`) and the values (n x d4, `packN`; rows past n are not packed).
 * Pure data movement, so packing by chunks gives bitwise the whole-operand result.
 */
export function packRows(
  kern: DriftExports, oKeys: number, oBT: number, oV: number, oVP: number, n: number, k: number, d4: number, ldV: number, i0: number, i1: number,
): void {
  kern.packT((oKeys + i0 * k) * 8, (oBT + i0 * k) * 8, i1 - i0, k, k);
  const r1 = Math.min(i1, n);
  if (r1 > i0) kern.packN((oV + i0 * ldV) * 8, oVP * 8 + i0 * 32, r1 - i0, d4, ldV, n);
}

/** {@link stageInputs} then {@link packRows} over all rows, on the calling thread. */
export function packInputs(
  kern: DriftExports, F: Float64Array, L: DriftLayout, qx: Float64Array, kx: Float64Array, vx: Float64Array, symmetric: boolean,
  x: Float64Array | null = null,
): StagedInputs {
  const staged = stageInputs(kern, F, L, qx, kx, vx, symmetric, x);
  packRows(kern, staged.oKeys, L.oBT, staged.oV, L.oVP, L.n, L.k, L.d4, L.ldV, 0, L.n4);
  return staged;
}

/** Copies U (n x d, dense) and the row sums out of the layout. */
export function unpackResult(kern: DriftExports, F: Float64Array, L: DriftLayout, U: Float64Array, rowSum: Float64Array): void {
  const { n, d, ldV } = L;
  rowSum.set(F.subarray(L.oSum, L.oSum + n));
  if (d !== ldV) kern.repack(L.oU * 8, L.oStage * 8, n, d, ldV, d, 0);
  const o = d === ldV ? L.oU : L.oStage;
  U.set(F.subarray(o, o + n * d));
}
