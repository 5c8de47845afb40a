import type { Local } from './assembler.ts';
import { FunctionBuilder, assembleModule } from './assembler.ts';

/**
 * The WebAssembly SIMD kernels of the attention drift (eq. 2.3), assembled from this file at load
 * time. Every matrix is flat row-major float64 in the module's memory, addressed in bytes, with
 * leading dimensions that are multiples of 4 and zero padding, so the kernels need no edge cases:
 *
 * - `gemm(A, B, C, m, k, nc, lda, ldb, ldc, upper)`: C = A B for an m x k A and a k x nc B (m, nc
 *   multiples of 4), in 4 x 4 register tiles (8 f64x2 accumulators). With `upper` only the tiles that
 *   meet the upper triangle (j >= i) are computed: the Gram matrix of Q = K is symmetric.
 * - `softmaxCommon(W, n, ld, beta, c, rowSum)`: W_ij <- exp(beta (S_ij - c)) with one common shift c,
 *   computed on the upper triangle only and mirrored (so each exp serves (i, j) and (j, i)); zeroes the
 *   padding columns and writes the row sums.
 * - `softmaxRowMax(W, n, ld, beta, shift, rowSum)`: the same with each row's own maximum as its shift
 *   (scores that are not symmetric), writing the shifts too.
 * - `finish`: SA normalisation and the tangent projection of eq. (2.3), row by row.
 * - `transposePad` and `repack`: the copies between the callers' dense arrays and the padded layout.
 * - `expArray(src, dst, groups)`: the vector exp on its own (groups of 2 LANES entries), for tests.
 *
 * The TypeScript kernels (src/kernels/gemmAbt.ts, exp.ts and the softmax of
 * src/models/attentionDrift.ts) stay the tested reference that these are compared with.
 */

/** 1 / ln 2. */
const INV_LN2 = 1.4426950408889634;
/** ln 2 split (fdlibm): LN2_HI has 21 trailing zero bits, so k * LN2_HI is exact for |k| < 2^21. */
const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
/** 1.5 * 2^52: x + ROUND - ROUND rounds x to an integer, and the low bits of x + ROUND hold it. */
const ROUND = 6755399441055744;
/** Below this e^x is under 3.3e-308: returned as 0 (2^k stays a normal float for k >= -1021). */
const X_LOW = -708;
/** Above this 2^k would overflow the exponent field; the kernels never exceed 0 by more than rounding. */
const X_HIGH = 709;
/** Taylor coefficients 1/k!, k = 0..13: on |r| <= ln(2)/2 the truncation error is below 5e-18. */
const INV_FACT = Array.from({ length: 14 }, (_, k) => {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return 1 / f;
});

/** Vectors the exp kernels process side by side: independent chains hide latency and share each constant's load. */
const LANES = 2;

type ExpTemps = Record<'xc' | 'tt' | 'kf' | 'r' | 'r2' | 'r4' | 'q' | 'e0' | 'e1' | 'f0', Local>;

/** Locals of the exp: temporaries per vector and the constants, set once before the loops (V8 builds a v128.const anew at each use). */
interface ExpLocals {
  readonly tmp: ExpTemps[];
  readonly k: Map<number, Local>;
  readonly bias: Local;
}

/** Declares the exp's locals and emits the constants' initialisation (call before the loops). */
function expLocals(f: FunctionBuilder): ExpLocals {
  const v = () => f.local('v128');
  const tmp = Array.from({ length: LANES }, () => ({ xc: v(), tt: v(), kf: v(), r: v(), r2: v(), r4: v(), q: v(), e0: v(), e1: v(), f0: v() }));
  const k = new Map<number, Local>();
  for (const c of [0, X_LOW, X_HIGH, INV_LN2, ROUND, LN2_HI, LN2_LO, ...INV_FACT]) {
    if (k.has(c)) continue;
    const l = v();
    f.f64x2Const(c).set(l);
    k.set(c, l);
  }
  const bias = v();
  f.i64(1023n).i64x2Splat().set(bias);
  return { tmp, k, bias };
}

/**
 * Emits out[v] = e^{x[v]} for the v128 locals x[v] (v < LANES), the vectors interleaved step by step.
 * x = k ln 2 + r (Cody-Waite), e^r by the degree-13 Taylor polynomial in Estrin form (a short
 * dependency chain), 2^k built in the exponent bits. Within a few ulp of Math.exp on [-708, 709]; 0
 * below -708; NaN stays NaN (pmax/pmin keep a NaN first operand, and NaN < X_LOW is false).
 * `out` may be `x`.
 */
function emitExp(f: FunctionBuilder, x: readonly Local[], out: readonly Local[], e: ExpLocals): void {
  const K = (c: number) => { f.get(e.k.get(c)!); };
  const c = INV_FACT;
  const each = (step: (t: ExpTemps, v: number) => void) => x.forEach((_, v) => step(e.tmp[v], v));
  each((t, v) => { f.get(x[v]); K(X_LOW); f.f64x2Pmax(); K(X_HIGH); f.f64x2Pmin(); f.set(t.xc); });
  each((t) => { f.get(t.xc); K(INV_LN2); f.f64x2Mul(); K(ROUND); f.f64x2Add().set(t.tt); });
  each((t) => { f.get(t.tt); K(ROUND); f.f64x2Sub().set(t.kf); });
  each((t) => { f.get(t.xc).get(t.kf); K(LN2_HI); f.f64x2Mul().f64x2Sub(); f.get(t.kf); K(LN2_LO); f.f64x2Mul().f64x2Sub().set(t.r); });
  each((t) => { f.get(t.r).get(t.r).f64x2Mul().set(t.r2); });
  each((t) => { f.get(t.r2).get(t.r2).f64x2Mul().set(t.r4); });
  // q_m = c_2m + c_2m+1 r (Estrin's scheme: e = q0 + q1 r2, ...; p = f0 + f1 r^8)
  const q = (t: ExpTemps, m: number) => { K(c[2 * m]); K(c[2 * m + 1]); f.get(t.r).f64x2Mul().f64x2Add(); };
  each((t) => { q(t, 0); q(t, 1); f.get(t.r2).f64x2Mul().f64x2Add().set(t.e0); });
  each((t) => { q(t, 2); q(t, 3); f.get(t.r2).f64x2Mul().f64x2Add().set(t.e1); });
  each((t) => { f.get(t.e0).get(t.e1).get(t.r4).f64x2Mul().f64x2Add().set(t.f0); });
  each((t) => { q(t, 4); q(t, 5); f.get(t.r2).f64x2Mul().f64x2Add(); q(t, 6); f.get(t.r4).f64x2Mul().f64x2Add().set(t.q); });
  // p * 2^k, where the low bits of tt hold k and (bits + 1023) << 52 is the float 2^k; 0 where x < X_LOW.
  each((t, v) => {
    K(0);
    f.get(t.f0).get(t.q).get(t.r4).f64x2Mul().get(t.r4).f64x2Mul().f64x2Add();
    f.get(t.tt).get(e.bias).i64x2Add().i32(52).i64x2Shl();
    f.f64x2Mul();
    f.get(x[v]); K(X_LOW); f.f64x2Lt();
    f.v128Bitselect().set(out[v]);
  });
}

function gemm(): FunctionBuilder {
  const f = new FunctionBuilder('gemm', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [A, B, C, m, k, nc, lda, ldb, ldc, upper] = f.params;
  const i = f.local('i32'), j = f.local('i32');
  const pa0 = f.local('i32'), pa1 = f.local('i32'), pa2 = f.local('i32'), pa3 = f.local('i32');
  const pb = f.local('i32'), pEnd = f.local('i32'), pc = f.local('i32');
  const ldaB = f.local('i32'), ldbB = f.local('i32'), ldcB = f.local('i32');
  const acc = Array.from({ length: 8 }, () => f.local('v128'));
  const b0 = f.local('v128'), b1 = f.local('v128'), a = f.local('v128');
  f.get(lda).i32(3).i32Shl().set(ldaB);
  f.get(ldb).i32(3).i32Shl().set(ldbB);
  f.get(ldc).i32(3).i32Shl().set(ldcB);
  f.forRange(i, () => f.i32(0), () => f.get(m), 4, () => {
    // With `upper`, column blocks start at the diagonal block (i is a multiple of 4).
    f.forRange(j, () => { f.get(upper).get(i).i32Mul(); }, () => f.get(nc), 4, () => {
      for (const s of acc) f.f64x2Const(0).set(s);
      f.get(A).get(i).get(ldaB).i32Mul().i32Add().set(pa0);
      f.get(pa0).get(ldaB).i32Add().set(pa1);
      f.get(pa1).get(ldaB).i32Add().set(pa2);
      f.get(pa2).get(ldaB).i32Add().set(pa3);
      f.get(pa0).get(k).i32(3).i32Shl().i32Add().set(pEnd);
      f.get(B).get(j).i32(3).i32Shl().i32Add().set(pb);
      f.forRange(pa0, () => f.get(pa0), () => f.get(pEnd), 8, () => {
        f.get(pb).v128Load(0).set(b0);
        f.get(pb).v128Load(16).set(b1);
        [pa0, pa1, pa2, pa3].forEach((pa, r) => {
          f.get(pa).loadSplat(0).set(a);
          f.get(acc[2 * r]).get(a).get(b0).f64x2Mul().f64x2Add().set(acc[2 * r]);
          f.get(acc[2 * r + 1]).get(a).get(b1).f64x2Mul().f64x2Add().set(acc[2 * r + 1]);
        });
        for (const pa of [pa1, pa2, pa3]) f.get(pa).i32(8).i32Add().set(pa);
        f.get(pb).get(ldbB).i32Add().set(pb);
      });
      f.get(C).get(i).get(ldcB).i32Mul().i32Add().get(j).i32(3).i32Shl().i32Add().set(pc);
      for (let r = 0; r < 4; r++) {
        f.get(pc).get(acc[2 * r]).v128Store(0);
        f.get(pc).get(acc[2 * r + 1]).v128Store(16);
        if (r < 3) f.get(pc).get(ldcB).i32Add().set(pc);
      }
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

function softmaxCommon(): FunctionBuilder {
  const f = new FunctionBuilder('softmaxCommon', ['i32', 'i32', 'i32', 'f64', 'f64', 'i32']);
  const [W, n, ld, beta, c, rowSum] = f.params;
  const i = f.local('i32'), j = f.local('i32'), p = f.local('i32'), end = f.local('i32'), row = f.local('i32');
  const src = f.local('i32'), dst = f.local('i32'), ldB = f.local('i32');
  const betaV = f.local('v128'), cV = f.local('v128');
  const x = Array.from({ length: LANES }, () => f.local('v128'));
  const t = expLocals(f);
  f.get(ld).i32(3).i32Shl().set(ldB);
  f.get(beta).f64x2Splat().set(betaV);
  f.get(c).f64x2Splat().set(cV);
  // Exps on the upper triangle, from the aligned group of 4 that holds the diagonal (eq. 2.3 with
  // the common shift c >= every score, Cauchy-Schwarz); the few entries left of the diagonal are
  // overwritten by the mirror below.
  f.forRange(i, () => f.i32(0), () => f.get(n), 1, () => {
    f.get(W).get(i).get(ldB).i32Mul().i32Add().set(row);
    f.get(row).get(ldB).i32Add().set(end);
    emitShiftedExps(f, p, () => { f.get(row).get(i).i32(-4).i32And().i32(3).i32Shl().i32Add(); }, end, cV, betaV, x, t);
  });
  // Mirror: W_ji = W_ij for j > i.
  f.forRange(i, () => f.i32(0), () => f.get(n), 1, () => {
    f.get(W).get(i).get(ldB).i32Mul().i32Add().get(i).i32(3).i32Shl().i32Add().set(src);
    f.get(src).get(ldB).i32Add().set(dst);
    f.forRange(j, () => { f.get(i).i32(1).i32Add(); }, () => f.get(n), 1, () => {
      f.get(src).i32(8).i32Add().set(src);
      f.get(dst).get(src).f64Load(0).f64Store(0);
      f.get(dst).get(ldB).i32Add().set(dst);
    });
  });
  f.forRange(i, () => f.i32(0), () => f.get(n), 1, () => {
    f.get(W).get(i).get(ldB).i32Mul().i32Add().set(row);
    zeroPadAndSum(f, row, n, ld, rowSum, i);
  });
  return f;
}

function softmaxRowMax(): FunctionBuilder {
  const f = new FunctionBuilder('softmaxRowMax', ['i32', 'i32', 'i32', 'f64', 'i32', 'i32']);
  const [W, n, ld, beta, shift, rowSum] = f.params;
  const i = f.local('i32'), p = f.local('i32'), end = f.local('i32'), row = f.local('i32'), ldB = f.local('i32');
  const m = f.local('f64'), s = f.local('f64');
  const betaV = f.local('v128'), mV = f.local('v128');
  const x = Array.from({ length: LANES }, () => f.local('v128'));
  const t = expLocals(f);
  f.get(ld).i32(3).i32Shl().set(ldB);
  f.get(beta).f64x2Splat().set(betaV);
  f.forRange(i, () => f.i32(0), () => f.get(n), 1, () => {
    f.get(W).get(i).get(ldB).i32Mul().i32Add().set(row);
    // The row maximum over the n real columns (stable softmax, eq. 2.4); NaN ignored like the TS kernel.
    f.f64(-Infinity).set(m);
    f.get(row).get(n).i32(3).i32Shl().i32Add().set(end);
    f.forRange(p, () => f.get(row), () => f.get(end), 8, () => {
      f.get(p).f64Load(0).tee(s).get(m).f64Gt();
      f.ifThen(() => { f.get(s).set(m); });
    });
    f.get(shift).get(i).i32(3).i32Shl().i32Add().get(m).f64Store(0);
    f.get(m).f64x2Splat().set(mV);
    f.get(row).get(ldB).i32Add().set(end);
    emitShiftedExps(f, p, () => f.get(row), end, mV, betaV, x, t);
    zeroPadAndSum(f, row, n, ld, rowSum, i);
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
 * `transposePad(src, dst, rows, cols, ld)`: dst (cols x ld) = src^T for the dense rows x cols src,
 * columns rows..ld of dst zeroed: the k x n4 right operand of the score product.
 */
function transposePad(): FunctionBuilder {
  const f = new FunctionBuilder('transposePad', ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, dst, rows, cols, ld] = f.params;
  const c = f.local('i32'), r = f.local('i32'), ps = f.local('i32'), pd = f.local('i32'), colsB = f.local('i32');
  f.get(cols).i32(3).i32Shl().set(colsB);
  f.forRange(c, () => f.i32(0), () => f.get(cols), 1, () => {
    f.get(src).get(c).i32(3).i32Shl().i32Add().set(ps);
    f.get(dst).get(c).get(ld).i32Mul().i32(3).i32Shl().i32Add().set(pd);
    f.forRange(r, () => f.i32(0), () => f.get(rows), 1, () => {
      f.get(pd).get(ps).f64Load(0).f64Store(0);
      f.get(ps).get(colsB).i32Add().set(ps);
      f.get(pd).i32(8).i32Add().set(pd);
    });
    f.forRange(r, () => f.get(rows), () => f.get(ld), 1, () => {
      f.get(pd).f64(0).f64Store(0);
      f.get(pd).i32(8).i32Add().set(pd);
    });
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
 * `finish(U, X, n, ld, rowSum, normalize, project)`, in place on the n rows of U (leading dimension
 * ld, a multiple of 4, padding zero in U and X): U_i <- U_i / rowSum_i when `normalize` (SA, eq.
 * 2.4), then U_i <- U_i - <U_i, x_i> x_i when `project` (P^perp of eq. 2.3).
 */
function finish(): FunctionBuilder {
  const f = new FunctionBuilder('finish', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [U, X, n, ld, rowSum, normalize, project] = f.params;
  const i = f.local('i32'), c = f.local('i32'), pu = f.local('i32'), px = f.local('i32'), ldB = f.local('i32');
  const inv = f.local('f64');
  const scale = f.local('v128'), s0 = f.local('v128'), s1 = f.local('v128'), u0 = f.local('v128'), u1 = f.local('v128');
  f.get(ld).i32(3).i32Shl().set(ldB);
  f.forRange(i, () => f.i32(0), () => f.get(n), 1, () => {
    f.get(U).get(i).get(ldB).i32Mul().i32Add().set(pu);
    f.get(X).get(i).get(ldB).i32Mul().i32Add().set(px);
    f.f64(1).set(inv);
    f.get(normalize).ifThen(() => { f.f64(1).get(rowSum).get(i).i32(3).i32Shl().i32Add().f64Load(0).f64Div().set(inv); });
    f.get(inv).f64x2Splat().set(scale);
    f.f64x2Const(0).set(s0);
    f.f64x2Const(0).set(s1);
    f.forRange(c, () => f.i32(0), () => f.get(ldB), 32, () => {
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
      f.forRange(c, () => f.i32(0), () => f.get(ldB), 16, () => {
        f.get(pu).get(c).i32Add();
        f.get(pu).get(c).i32Add().v128Load(0).get(s0).get(px).get(c).i32Add().v128Load(0).f64x2Mul().f64x2Sub();
        f.v128Store(0);
      });
    });
  });
  return f;
}

/** The module's bytes (assembled on each call; callers cache the compiled module). */
export function driftModuleBytes(): Uint8Array {
  return assembleModule([gemm(), softmaxCommon(), softmaxRowMax(), expArray(), transposePad(), repack(), finish()]);
}
