import type { Local } from './assembler.ts';
import { FunctionBuilder, assembleModule } from './assembler.ts';
import { INV_STEP, ROUND, STEP_HI, STEP_LO, T64 } from '../exp.ts';

/**
 * The WebAssembly SIMD kernels of the attention drift (eq. 2.3), assembled from this file at load
 * time. Every matrix is flat row-major float64 in the module's memory, addressed in bytes, with
 * leading dimensions that are multiples of 4 and zero padding, so the kernels need no edge cases:
 *
 * - `gemm(A, B, C, m, k, nc, lda, ldc, upper, rowOffset)`: C = A B for an m x k A and a k x nc B
 *   (m, nc multiples of 4) packed in strips of 4 columns (`packT`, `packN`: each strip contiguous, so
 *   the k-loop reads B in order), in 4 x 4 register tiles (8 f64x2 accumulators), over column blocks
 *   of B that stay in L2. Each entry is summed in the order of a plain loop over p. With `upper` only
 *   the tiles that meet the upper triangle (j >= i + rowOffset, rowOffset being the first row's index
 *   in the whole matrix, a multiple of 4) are computed: the Gram matrix of Q = K is symmetric.
 * - `softmaxCommon(W, i0, i1, n, ld, beta, c)`: for rows i0..i1, W_ij <- exp(beta (S_ij - c)) with one
 *   common shift c on the upper triangle, mirrored to (j, i) (so each exp serves both); `rowSums`
 *   then zeroes the padding columns and writes the row sums.
 * - `softmaxRowMax(W, rows, n, ld, beta, shift, rowSum)`: the same for `rows` rows of n scores with
 *   each row's own maximum as its shift (scores that are not symmetric), writing the shifts too: one
 *   vector pass for the maximum, one for the exps and the sum.
 * - `mirrorRows(W, i0, i1, n, ld)`: the mirror alone (the row-maximum fallback of symmetric scores).
 * - `finish`: SA normalisation and the tangent projection of eq. (2.3), row by row.
 * - `packT`, `packN` and `repack`: the copies between the callers' dense arrays and the padded and
 *   packed layouts.
 * - `expArray(src, dst, groups)`: the vector exp on its own (groups of 2 LANES entries), for tests.
 *
 * The TypeScript kernels (src/kernels/gemmAbt.ts, exp.ts and the softmax of
 * src/models/attentionDrift.ts) stay the tested reference that these are compared with.
 */

/**
 * Bytes 0..512 of the module's memory hold T[j] = 2^(j/64), j < 64, for the exp (written by the
 * loader, {@link EXP_TABLE}); the kernels' operands start above it.
 */
export const EXP_TABLE_BYTES = 512;

/** The table the loader writes at address 0: 2^(j/64) rounded to float64 (the table of fastExp). */
export const EXP_TABLE: Float64Array = T64;

/** Inputs are raised to this: 2^m then stays a normal float (m >= -1022). */
const X_LOW = -708;

/** Tile edge of the blocked mirror of the symmetric weights (32 x 32 float64: 8 KiB, in L1). */
const MIRROR_BLOCK = 32;

/** Vectors the exp kernels process side by side: independent chains hide latency and share each constant's load. */
const LANES = 2;

type ExpTemps = Record<'xc' | 'tt' | 'kf' | 'r' | 'r2' | 'p' | 'bits' | 'tab', Local>;

/** Locals of the exp: temporaries per vector and the constants, set once before the loops (V8 builds a v128.const anew at each use). */
interface ExpLocals {
  readonly tmp: ExpTemps[];
  readonly k: Map<number, Local>;
  readonly bias: Local;
  readonly jMask: Local;
}

/** Declares the exp's locals and emits the constants' initialisation (call before the loops). */
function expLocals(f: FunctionBuilder): ExpLocals {
  const v = () => f.local('v128');
  const tmp = Array.from({ length: LANES }, () => ({ xc: v(), tt: v(), kf: v(), r: v(), r2: v(), p: v(), bits: v(), tab: v() }));
  const k = new Map<number, Local>();
  for (const c of [X_LOW, INV_STEP, ROUND, STEP_HI, STEP_LO, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120]) {
    const l = v();
    f.f64x2Const(c).set(l);
    k.set(c, l);
  }
  const bias = v(), jMask = v();
  f.i64(1023n).i64x2Splat().set(bias);
  f.i64(63n).i64x2Splat().set(jMask);
  return { tmp, k, bias, jMask };
}

/**
 * Emits out[v] = e^{x[v]} for x[v] >= -708 and 0 below, for the v128 locals x[v] (v < LANES), the vectors interleaved
 * step by step; the method of src/kernels/exp.ts (fastExp): x = (64 m + j) ln(2) / 64 + r with
 * |r| <= ln(2) / 128 (Cody-Waite), e^x = 2^m 2^(j/64) e^r, e^r by a degree-5 polynomial (truncation
 * < 4e-17), 2^(j/64) from the table at address 0, 2^m built in the exponent bits.
 * Error bound: relative error below 2e-15 against Math.exp on [-708, 709] (the polynomial's
 * truncation < 4e-17, the table entries and the product of three factors a few half-ulp each;
 * test/kernels/wasm/driftModule.test.ts checks it on 40,000 points and the edges). Below -708 it
 * returns 0, an absolute error below e^-708 (about 3e-308): the softmax kernels feed it shifted scores
 * whose row sums are at least e^-600 (the common shift's guard, or 1 with the row maximum), so a
 * dropped weight is below 1e-40 of its row. Inputs above 709 are outside the contract (the shift
 * makes every exponent <= 0 up to rounding). NaN stays NaN. `out` may be `x`.
 */
function emitExp(f: FunctionBuilder, x: readonly Local[], out: readonly Local[], e: ExpLocals): void {
  const K = (c: number) => { f.get(e.k.get(c)!); };
  const each = (step: (t: ExpTemps, v: number) => void) => x.forEach((_, v) => step(e.tmp[v], v));
  each((t, v) => { f.get(x[v]); K(X_LOW); f.f64x2Pmax().set(t.xc); });
  each((t) => { f.get(t.xc); K(INV_STEP); f.f64x2Mul(); K(ROUND); f.f64x2Add().set(t.tt); });
  each((t) => { f.get(t.tt); K(ROUND); f.f64x2Sub().set(t.kf); });
  each((t) => { f.get(t.xc).get(t.kf); K(STEP_HI); f.f64x2Mul().f64x2Sub(); f.get(t.kf); K(STEP_LO); f.f64x2Mul().f64x2Sub().set(t.r); });
  each((t) => { f.get(t.r).get(t.r).f64x2Mul().set(t.r2); });
  // p = (1 + r) + r2 ((1/2 + r/6) + r2 (1/24 + r/120)), Estrin's scheme as in fastExp.
  each((t) => {
    K(1); f.get(t.r).f64x2Add();
    f.get(t.r2);
    K(1 / 2); f.get(t.r); K(1 / 6); f.f64x2Mul().f64x2Add();
    f.get(t.r2);
    K(1 / 24); f.get(t.r); K(1 / 120); f.f64x2Mul().f64x2Add();
    f.f64x2Mul().f64x2Add();
    f.f64x2Mul().f64x2Add().set(t.p);
  });
  // The low bits of tt hold k = 64 m + j: j indexes the table (two scalar loads), m >> 6 is 2^m.
  each((t) => {
    f.get(t.tt).get(e.jMask).v128And().set(t.bits);
    f.get(t.bits).i64x2ExtractLane(0).i32WrapI64().i32(3).i32Shl().f64Load(0).f64x2Splat();
    f.get(t.bits).i64x2ExtractLane(1).i32WrapI64().i32(3).i32Shl().f64Load(0).f64x2ReplaceLane(1).set(t.tab);
  });
  // Below -708 the result is 0 (x < -708 is a mask of ones there; NaN compares false and stays NaN).
  each((t, v) => {
    f.get(t.p).get(t.tab).f64x2Mul();
    f.get(t.tt).i32(6).i64x2ShrS().get(e.bias).i64x2Add().i32(52).i64x2Shl();
    f.f64x2Mul();
    f.get(x[v]); K(X_LOW); f.f64x2Lt().v128AndNot().set(out[v]);
  });
}

/**
 * Entries of B a column block of `gemm` may hold (256 KiB): the block is reused by every row tile and
 * stays in L2, while a whole large B (4 MiB at n = 1024, d = 512) would be refetched from L3 per row tile.
 */
const GEMM_BLOCK_ENTRIES = 32768;

function gemm(blockEntries = GEMM_BLOCK_ENTRIES): FunctionBuilder {
  const f = new FunctionBuilder('gemm', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [A, B, C, m, k, nc, lda, ldc, upper, rowOffset] = f.params;
  const i = f.local('i32'), j = f.local('i32'), jc = f.local('i32'), jEnd = f.local('i32'), jStart = f.local('i32'), ncb = f.local('i32');
  const pa0 = f.local('i32'), pa1 = f.local('i32'), pa2 = f.local('i32'), pa3 = f.local('i32');
  const pb = f.local('i32'), pEnd = f.local('i32'), pc = f.local('i32');
  const ldaB = f.local('i32'), ldcB = f.local('i32'), stripB = f.local('i32');
  const acc = Array.from({ length: 8 }, () => f.local('v128'));
  const b0 = f.local('v128'), b1 = f.local('v128'), a = f.local('v128');
  f.get(lda).i32(3).i32Shl().set(ldaB);
  f.get(ldc).i32(3).i32Shl().set(ldcB);
  f.get(k).i32(3).i32Shl().set(stripB); // a strip of 4 columns takes 32 k bytes: column j starts at B + j k 8
  // Column blocks of ncb columns (a multiple of 4, at least 4) whose B strips fit GEMM_BLOCK_ENTRIES.
  f.i32(blockEntries).get(k).i32DivS().i32(-4).i32And().set(ncb);
  f.get(ncb).i32(4).i32LtS().ifThen(() => { f.i32(4).set(ncb); });
  f.forRange(jc, () => f.i32(0), () => f.get(nc), ncb, () => {
    f.get(jc).get(ncb).i32Add().set(jEnd);
    f.get(jEnd).get(nc).i32GtS().ifThen(() => { f.get(nc).set(jEnd); });
    f.forRange(i, () => f.i32(0), () => f.get(m), 4, () => {
      // With `upper`, column tiles start at the diagonal tile (i + rowOffset, a multiple of 4).
      f.get(upper).get(i).get(rowOffset).i32Add().i32Mul().set(jStart);
      f.get(jStart).get(jc).i32LtS().ifThen(() => { f.get(jc).set(jStart); });
      f.forRange(j, () => f.get(jStart), () => f.get(jEnd), 4, () => {
        for (const s of acc) f.f64x2Const(0).set(s);
        f.get(A).get(i).get(ldaB).i32Mul().i32Add().set(pa0);
        f.get(pa0).get(ldaB).i32Add().set(pa1);
        f.get(pa1).get(ldaB).i32Add().set(pa2);
        f.get(pa2).get(ldaB).i32Add().set(pa3);
        f.get(pa0).get(k).i32(3).i32Shl().i32Add().set(pEnd);
        f.get(B).get(j).get(stripB).i32Mul().i32Add().set(pb);
        f.forRange(pa0, () => f.get(pa0), () => f.get(pEnd), 8, () => {
          f.get(pb).v128Load(0).set(b0);
          f.get(pb).v128Load(16).set(b1);
          [pa0, pa1, pa2, pa3].forEach((pa, r) => {
            f.get(pa).loadSplat(0).set(a);
            f.get(acc[2 * r]).get(a).get(b0).f64x2Mul().f64x2Add().set(acc[2 * r]);
            f.get(acc[2 * r + 1]).get(a).get(b1).f64x2Mul().f64x2Add().set(acc[2 * r + 1]);
          });
          for (const pa of [pa1, pa2, pa3]) f.get(pa).i32(8).i32Add().set(pa);
          f.get(pb).i32(32).i32Add().set(pb);
        });
        f.get(C).get(i).get(ldcB).i32Mul().i32Add().get(j).i32(3).i32Shl().i32Add().set(pc);
        for (let r = 0; r < 4; r++) {
          f.get(pc).get(acc[2 * r]).v128Store(0);
          f.get(pc).get(acc[2 * r + 1]).v128Store(16);
          if (r < 3) f.get(pc).get(ldcB).i32Add().set(pc);
        }
      });
    });
  });
  return f;
}

/**
 * `packT(src, dst, rows, k, ld)`: the right operand B = src^T of a product, in gemm's strips, from a
 * rows x k src (leading dimension ld, rows a multiple of 4, padding rows zero): strip s holds
 * src[4s .. 4s + 4)[p] for p < k, 32 bytes per p. Reads four rows at once along their length, so the
 * transposition walks memory in order (a column walk of src would put every load in one L1 set at
 * ld = 512).
 */
function packT(): FunctionBuilder {
  const f = new FunctionBuilder('packT', ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, dst, rows, k, ld] = f.params;
  const s = f.local('i32'), p = f.local('i32'), pd = f.local('i32'), ldB = f.local('i32');
  const r = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
  f.get(ld).i32(3).i32Shl().set(ldB);
  f.get(dst).set(pd);
  f.forRange(s, () => f.i32(0), () => f.get(rows), 4, () => {
    f.get(src).get(s).get(ldB).i32Mul().i32Add().set(r[0]);
    for (let q = 1; q < 4; q++) f.get(r[q - 1]).get(ldB).i32Add().set(r[q]);
    f.forRange(p, () => f.i32(0), () => f.get(k), 1, () => {
      f.get(pd).get(r[0]).f64Load(0).f64x2Splat().get(r[1]).f64Load(0).f64x2ReplaceLane(1).v128Store(0);
      f.get(pd).get(r[2]).f64Load(0).f64x2Splat().get(r[3]).f64Load(0).f64x2ReplaceLane(1).v128Store(16);
      for (const q of r) f.get(q).i32(8).i32Add().set(q);
      f.get(pd).i32(32).i32Add().set(pd);
    });
  });
  return f;
}

/**
 * `gramDiag(BT, rows, k, out)`: out_i = sum_p BT-strip entry (p, i)^2 for i < rows (a multiple of 4),
 * from packT's strips of the tokens: the diagonal S_ii of the symmetric scores, each summed in p order
 * from 0 like gemm's entries (so bitwise the diagonal gemm writes), four rows per strip in two
 * vectors: the common shift needs it before the score job runs.
 */
function gramDiag(): FunctionBuilder {
  const f = new FunctionBuilder('gramDiag', ['i32', 'i32', 'i32', 'i32']);
  const [BT, rows, k, out] = f.params;
  const s = f.local('i32'), pb = f.local('i32'), pEnd = f.local('i32'), po = f.local('i32');
  const a0 = f.local('v128'), a1 = f.local('v128'), v = f.local('v128');
  f.get(BT).set(pb);
  f.get(out).set(po);
  f.forRange(s, () => f.i32(0), () => f.get(rows), 4, () => {
    f.f64x2Const(0).set(a0);
    f.f64x2Const(0).set(a1);
    f.get(pb).get(k).i32(5).i32Shl().i32Add().set(pEnd);
    f.forRange(pb, () => f.get(pb), () => f.get(pEnd), 32, () => {
      f.get(pb).v128Load(0).tee(v).get(v).f64x2Mul().get(a0).f64x2Add().set(a0);
      f.get(pb).v128Load(16).tee(v).get(v).f64x2Mul().get(a1).f64x2Add().set(a1);
    });
    f.get(po).get(a0).v128Store(0);
    f.get(po).get(a1).v128Store(16);
    f.get(po).i32(32).i32Add().set(po);
  });
  return f;
}

/**
 * `packN(src, dst, rows, cols, ld, height)`: a rows x cols B (leading dimension ld, cols a multiple of
 * 4) in gemm's strips of `height` rows: strip s starts at dst + 32 s height and holds B[r][4s .. 4s + 4)
 * for r < rows, 32 bytes per row. With height = rows that is the whole operand; with a larger height
 * and dst moved by 32 r0, rows r0 .. r0 + rows of an operand of `height` rows (the pool's row chunks).
 */
function packN(): FunctionBuilder {
  const f = new FunctionBuilder('packN', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, dst, rows, cols, ld, height] = f.params;
  const c = f.local('i32'), r = f.local('i32'), ps = f.local('i32'), pd = f.local('i32'), ldB = f.local('i32');
  f.get(ld).i32(3).i32Shl().set(ldB);
  f.forRange(c, () => f.i32(0), () => f.get(cols), 4, () => {
    f.get(src).get(c).i32(3).i32Shl().i32Add().set(ps);
    // Strip c / 4 starts 32 (c / 4) height = 8 c height bytes into dst.
    f.get(dst).get(c).get(height).i32Mul().i32(3).i32Shl().i32Add().set(pd);
    f.forRange(r, () => f.i32(0), () => f.get(rows), 1, () => {
      f.get(pd).get(ps).v128Load(0).v128Store(0);
      f.get(pd).get(ps).v128Load(16).v128Store(16);
      f.get(ps).get(ldB).i32Add().set(ps);
      f.get(pd).i32(32).i32Add().set(pd);
    });
  });
  return f;
}

/** Shared tail of the two softmax kernels: zero the padding columns of row i and write its sum. */
function zeroPadAndSum(f: FunctionBuilder, row: Local, n: Local, ld: Local, rowSum: Local, i: Local): void {
  const p = f.local('i32'), end = f.local('i32');
  const s0 = f.local('v128'), s1 = f.local('v128');
  f.get(row).get(ld).i32(3).i32Shl().i32Add().set(end);
  f.forRange(p, () => { f.get(row).get(n).i32(3).i32Shl().i32Add(); }, () => f.get(end), 8, () => {
    f.get(p).f64(0).f64Store(0);
  });
  f.f64x2Const(0).set(s0);
  f.f64x2Const(0).set(s1);
  // ld is a multiple of 4: two accumulators halve the dependency chain of the sum.
  f.forRange(p, () => f.get(row), () => f.get(end), 32, () => {
    f.get(s0).get(p).v128Load(0).f64x2Add().set(s0);
    f.get(s1).get(p).v128Load(16).f64x2Add().set(s1);
  });
  f.get(rowSum).get(i).i32(3).i32Shl().i32Add();
  f.get(s0).get(s1).f64x2Add().set(s0);
  f.get(s0).f64x2ExtractLane(0).get(s0).f64x2ExtractLane(1).f64Add();
  f.f64Store(0);
}

/**
 * Emits W[p .. end) <- exp(beta (W - shift)) in place, LANES vectors (2 LANES entries) per step:
 * `end - p` must be a multiple of 16 LANES bytes.
 */
function emitShiftedExps(f: FunctionBuilder, p: Local, start: () => void, end: Local, shiftV: Local, betaV: Local, x: readonly Local[], e: ExpLocals): void {
  f.forRange(p, start, () => f.get(end), 16 * LANES, () => {
    x.forEach((xv, v) => { f.get(p).v128Load(16 * v).get(shiftV).f64x2Sub().get(betaV).f64x2Mul().set(xv); });
    emitExp(f, x, x, e);
    x.forEach((xv, v) => { f.get(p).get(xv).v128Store(16 * v); });
  });
}

/**
 * Emits the mirror W_ji = W_ij for rows i in [i0, i1) and j in (i, n), in MIRROR_BLOCK^2 tiles so the
 * column writes stay in cache (a plain row-by-row mirror misses on every store once a column spans
 * more than L1).
 */
function emitMirror(f: FunctionBuilder, W: Local, i0: () => void, i1: Local, n: Local, ldB: Local): void {
  const i = f.local('i32'), j = f.local('i32'), src = f.local('i32'), dst = f.local('i32');
  const ib = f.local('i32'), jb = f.local('i32'), iEnd = f.local('i32'), jEnd = f.local('i32'), jStart = f.local('i32');
  f.forRange(ib, i0, () => f.get(i1), MIRROR_BLOCK, () => {
    f.get(ib).i32(MIRROR_BLOCK).i32Add().set(iEnd);
    f.get(iEnd).get(i1).i32GtS().ifThen(() => { f.get(i1).set(iEnd); });
    f.forRange(jb, () => f.get(ib), () => f.get(n), MIRROR_BLOCK, () => {
      f.get(jb).i32(MIRROR_BLOCK).i32Add().set(jEnd);
      f.get(jEnd).get(n).i32GtS().ifThen(() => { f.get(n).set(jEnd); });
      f.forRange(i, () => f.get(ib), () => f.get(iEnd), 1, () => {
        // j from max(jb, i + 1)
        f.get(i).i32(1).i32Add().set(jStart);
        f.get(jStart).get(jb).i32LtS().ifThen(() => { f.get(jb).set(jStart); });
        f.get(W).get(i).get(ldB).i32Mul().i32Add().get(jStart).i32(3).i32Shl().i32Add().set(src);
        f.get(W).get(jStart).get(ldB).i32Mul().i32Add().get(i).i32(3).i32Shl().i32Add().set(dst);
        f.forRange(j, () => f.get(jStart), () => f.get(jEnd), 1, () => {
          f.get(dst).get(src).f64Load(0).f64Store(0);
          f.get(src).i32(8).i32Add().set(src);
          f.get(dst).get(ldB).i32Add().set(dst);
        });
      });
    });
  });
}

/** `mirrorRows(W, i0, i1, n, ld)`: W_ji = W_ij for i0 <= i < i1 and i < j < n (a chunk of the pool's score job). */
function mirrorRows(): FunctionBuilder {
  const f = new FunctionBuilder('mirrorRows', ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [W, i0, i1, n, ld] = f.params;
  const ldB = f.local('i32');
  f.get(ld).i32(3).i32Shl().set(ldB);
  emitMirror(f, W, () => f.get(i0), i1, n, ldB);
  return f;
}

function softmaxCommon(): FunctionBuilder {
  const f = new FunctionBuilder('softmaxCommon', ['i32', 'i32', 'i32', 'i32', 'i32', 'f64', 'f64']);
  const [W, i0, i1, n, ld, beta, c] = f.params;
  const i = f.local('i32'), p = f.local('i32'), end = f.local('i32'), row = f.local('i32'), ldB = f.local('i32');
  const betaV = f.local('v128'), cV = f.local('v128');
  const x = Array.from({ length: LANES }, () => f.local('v128'));
  const t = expLocals(f);
  f.get(ld).i32(3).i32Shl().set(ldB);
  f.get(beta).f64x2Splat().set(betaV);
  f.get(c).f64x2Splat().set(cV);
  // Exps on the upper triangle, from the aligned group of 4 that holds the diagonal (eq. 2.3 with
  // the common shift c >= every score, Cauchy-Schwarz); the few entries left of the diagonal are
  // overwritten by the mirror below.
  f.forRange(i, () => f.get(i0), () => f.get(i1), 1, () => {
    f.get(W).get(i).get(ldB).i32Mul().i32Add().set(row);
    f.get(row).get(ldB).i32Add().set(end);
    emitShiftedExps(f, p, () => { f.get(row).get(i).i32(-4).i32And().i32(3).i32Shl().i32Add(); }, end, cV, betaV, x, t);
  });
  emitMirror(f, W, () => f.get(i0), i1, n, ldB);
  return f;
}

/** `rowSums(W, rows, n, ld, rowSum)`: zeroes the padding columns n..ld of each row and writes its sum. */
function rowSums(): FunctionBuilder {
  const f = new FunctionBuilder('rowSums', ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [W, rows, n, ld, rowSum] = f.params;
  const i = f.local('i32'), row = f.local('i32'), ldB = f.local('i32');
  f.get(ld).i32(3).i32Shl().set(ldB);
  f.forRange(i, () => f.i32(0), () => f.get(rows), 1, () => {
    f.get(W).get(i).get(ldB).i32Mul().i32Add().set(row);
    zeroPadAndSum(f, row, n, ld, rowSum, i);
  });
  return f;
}

function softmaxRowMax(): FunctionBuilder {
  const f = new FunctionBuilder('softmaxRowMax', ['i32', 'i32', 'i32', 'i32', 'f64', 'i32', 'i32']);
  const [W, rows, n, ld, beta, shift, rowSum] = f.params;
  const i = f.local('i32'), p = f.local('i32'), end = f.local('i32'), row = f.local('i32'), ldB = f.local('i32'), q = f.local('i32');
  const m = f.local('f64'), s = f.local('f64');
  const betaV = f.local('v128'), mV = f.local('v128'), s0 = f.local('v128'), s1 = f.local('v128');
  const x = Array.from({ length: LANES }, () => f.local('v128'));
  const t = expLocals(f);
  f.get(ld).i32(3).i32Shl().set(ldB);
  f.get(beta).f64x2Splat().set(betaV);
  f.forRange(i, () => f.i32(0), () => f.get(rows), 1, () => {
    f.get(W).get(i).get(ldB).i32Mul().i32Add().set(row);
    // The row maximum over the n real columns (stable softmax, eq. 2.4), two at a time; NaN is
    // ignored like the TS kernel (pmax(m, s) keeps m unless m < s, which NaN never is).
    f.f64x2Const(-Infinity).set(mV);
    f.get(row).get(n).i32(-2).i32And().i32(3).i32Shl().i32Add().set(end);
    f.forRange(p, () => f.get(row), () => f.get(end), 16, () => {
      f.get(mV).get(p).v128Load(0).f64x2Pmax().set(mV);
    });
    f.get(mV).f64x2ExtractLane(0).set(m);
    f.get(mV).f64x2ExtractLane(1).tee(s).get(m).f64Gt().ifThen(() => { f.get(s).set(m); });
    f.get(n).i32(1).i32And().ifThen(() => {
      f.get(end).f64Load(0).tee(s).get(m).f64Gt().ifThen(() => { f.get(s).set(m); });
    });
    f.get(shift).get(i).i32(3).i32Shl().i32Add().get(m).f64Store(0);
    f.get(m).f64x2Splat().set(mV);
    // Exps of the whole groups of 2 LANES entries with the row sum in the same pass (the score row is
    // read once more, not twice), then the group holding the last real entries, whose padding lanes
    // are zeroed before they are summed, then the zero padding up to ld. Summed in the order of
    // rowSums: two accumulators over the row's 32-byte groups.
    f.f64x2Const(0).set(s0);
    f.f64x2Const(0).set(s1);
    f.get(row).get(n).i32(-2 * LANES).i32And().i32(3).i32Shl().i32Add().set(end);
    f.forRange(p, () => f.get(row), () => f.get(end), 16 * LANES, () => {
      x.forEach((xv, v) => { f.get(p).v128Load(16 * v).get(mV).f64x2Sub().get(betaV).f64x2Mul().set(xv); });
      emitExp(f, x, x, t);
      x.forEach((xv, v) => { f.get(p).get(xv).v128Store(16 * v); });
      f.get(s0).get(x[0]).f64x2Add().set(s0);
      f.get(s1).get(x[1]).f64x2Add().set(s1);
    });
    f.get(n).i32(2 * LANES - 1).i32And().ifThen(() => {
      x.forEach((xv, v) => { f.get(end).v128Load(16 * v).get(mV).f64x2Sub().get(betaV).f64x2Mul().set(xv); });
      emitExp(f, x, x, t);
      x.forEach((xv, v) => { f.get(end).get(xv).v128Store(16 * v); });
      f.forRange(q, () => { f.get(row).get(n).i32(3).i32Shl().i32Add(); }, () => { f.get(end).i32(16 * LANES).i32Add(); }, 8, () => {
        f.get(q).f64(0).f64Store(0);
      });
      f.get(s0).get(end).v128Load(0).f64x2Add().set(s0);
      f.get(s1).get(end).v128Load(16).f64x2Add().set(s1);
      f.get(end).i32(16 * LANES).i32Add().set(end);
    });
    f.get(row).get(ldB).i32Add().set(p);
    f.forRange(q, () => f.get(end), () => f.get(p), 8, () => { f.get(q).f64(0).f64Store(0); });
    f.get(rowSum).get(i).i32(3).i32Shl().i32Add();
    f.get(s0).get(s1).f64x2Add().set(s0);
    f.get(s0).f64x2ExtractLane(0).get(s0).f64x2ExtractLane(1).f64Add();
    f.f64Store(0);
  });
  return f;
}

function expArray(): FunctionBuilder {
  const f = new FunctionBuilder('expArray', ['i32', 'i32', 'i32']);
  const [src, dst, groups] = f.params;
  const q = f.local('i32'), o = f.local('i32');
  const x = Array.from({ length: LANES }, () => f.local('v128'));
  const t = expLocals(f);
  f.forRange(q, () => f.i32(0), () => f.get(groups), 1, () => {
    f.get(q).i32(16 * LANES).i32Mul().set(o);
    x.forEach((xv, v) => { f.get(src).get(o).i32Add().v128Load(16 * v).set(xv); });
    emitExp(f, x, x, t);
    x.forEach((xv, v) => { f.get(dst).get(o).i32Add().get(xv).v128Store(16 * v); });
  });
  return f;
}

/**
 * `repack(src, dst, rows, cols, ldSrc, ldDst, zeroRows)`: copies a rows x cols block between leading
 * dimensions (dst entry (r, c) = src entry (r, c)), zeroing columns cols..ldDst of each row and then
 * `zeroRows` further rows of dst: pads the values into the n4 x d4 layout and unpads the result.
 */
function repack(): FunctionBuilder {
  const f = new FunctionBuilder('repack', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, dst, rows, cols, ldSrc, ldDst, zeroRows] = f.params;
  const r = f.local('i32'), c = f.local('i32'), ps = f.local('i32'), pd = f.local('i32');
  f.get(src).set(ps);
  f.get(dst).set(pd);
  f.forRange(r, () => f.i32(0), () => f.get(rows), 1, () => {
    f.forRange(c, () => f.i32(0), () => f.get(cols), 1, () => {
      f.get(pd).get(c).i32(3).i32Shl().i32Add().get(ps).get(c).i32(3).i32Shl().i32Add().f64Load(0).f64Store(0);
    });
    f.forRange(c, () => f.get(cols), () => f.get(ldDst), 1, () => {
      f.get(pd).get(c).i32(3).i32Shl().i32Add().f64(0).f64Store(0);
    });
    f.get(ps).get(ldSrc).i32(3).i32Shl().i32Add().set(ps);
    f.get(pd).get(ldDst).i32(3).i32Shl().i32Add().set(pd);
  });
  f.forRange(r, () => f.i32(0), () => f.get(zeroRows), 1, () => {
    f.forRange(c, () => f.i32(0), () => f.get(ldDst), 1, () => {
      f.get(pd).get(c).i32(3).i32Shl().i32Add().f64(0).f64Store(0);
    });
    f.get(pd).get(ldDst).i32(3).i32Shl().i32Add().set(pd);
  });
  return f;
}

/**
 * `finish(U, X, n, width, ld, rowSum, normalize, project)`, in place on the n rows of U (leading
 * dimension ld; the first `width` entries of each row, a multiple of 4 covering the d real ones, with
 * zero padding in U and X): U_i <- U_i / rowSum_i when `normalize` (SA, eq. 2.4), then
 * U_i <- U_i - <U_i, x_i> x_i when `project` (P^perp of eq. 2.3).
 */
function finish(): FunctionBuilder {
  const f = new FunctionBuilder('finish', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [U, X, n, width, ld, rowSum, normalize, project] = f.params;
  const i = f.local('i32'), c = f.local('i32'), pu = f.local('i32'), px = f.local('i32'), ldB = f.local('i32'), widthB = f.local('i32');
  const inv = f.local('f64');
  const scale = f.local('v128'), s0 = f.local('v128'), s1 = f.local('v128'), u0 = f.local('v128'), u1 = f.local('v128');
  f.get(width).i32(3).i32Shl().set(widthB);
  f.get(ld).i32(3).i32Shl().set(ldB);
  f.forRange(i, () => f.i32(0), () => f.get(n), 1, () => {
    f.get(U).get(i).get(ldB).i32Mul().i32Add().set(pu);
    f.get(X).get(i).get(ldB).i32Mul().i32Add().set(px);
    f.f64(1).set(inv);
    f.get(normalize).ifThen(() => { f.f64(1).get(rowSum).get(i).i32(3).i32Shl().i32Add().f64Load(0).f64Div().set(inv); });
    f.get(inv).f64x2Splat().set(scale);
    f.f64x2Const(0).set(s0);
    f.f64x2Const(0).set(s1);
    f.forRange(c, () => f.i32(0), () => f.get(widthB), 32, () => {
      f.get(pu).get(c).i32Add().v128Load(0).get(scale).f64x2Mul().set(u0);
      f.get(pu).get(c).i32Add().v128Load(16).get(scale).f64x2Mul().set(u1);
      f.get(pu).get(c).i32Add().get(u0).v128Store(0);
      f.get(pu).get(c).i32Add().get(u1).v128Store(16);
      f.get(s0).get(u0).get(px).get(c).i32Add().v128Load(0).f64x2Mul().f64x2Add().set(s0);
      f.get(s1).get(u1).get(px).get(c).i32Add().v128Load(16).f64x2Mul().f64x2Add().set(s1);
    });
    f.get(project).ifThen(() => {
      f.get(s0).get(s1).f64x2Add().set(s0);
      f.get(s0).f64x2ExtractLane(0).get(s0).f64x2ExtractLane(1).f64Add().f64x2Splat().set(s0);
      f.forRange(c, () => f.i32(0), () => f.get(widthB), 16, () => {
        f.get(pu).get(c).i32Add();
        f.get(pu).get(c).i32Add().v128Load(0).get(s0).get(px).get(c).i32Add().v128Load(0).f64x2Mul().f64x2Sub();
        f.v128Store(0);
      });
    });
  });
  return f;
}

/**
 * The module's bytes (assembled on each call; callers cache the compiled module). With
 * `sharedMemoryPages`, the module imports a shared memory `env.memory` of at most that many pages
 * (for the worker pool, whose threads each instantiate it on the same memory) instead of defining
 * its own. `gemmBlockEntries` overrides the size of gemm's column blocks (bench/gemmBlocking.ts
 * compares blockings; the default is GEMM_BLOCK_ENTRIES).
 */
export function driftModuleBytes(options: { sharedMemoryPages?: number; gemmBlockEntries?: number } = {}): Uint8Array {
  const functions = [gemm(options.gemmBlockEntries), packT(), packN(), gramDiag(), softmaxCommon(), rowSums(), softmaxRowMax(), expArray(), repack(), finish(), mirrorRows()];
  return assembleModule(functions, options.sharedMemoryPages === undefined ? {} : { importSharedMemory: { maxPages: options.sharedMemoryPages } });
}
