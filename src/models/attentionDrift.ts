import { AttnflowError } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import type { AttentionParams } from './params.ts';
import type { ProjectionPlan } from './projectionPlan.ts';
import { projectionPlan } from './projectionPlan.ts';
import { applyRows, mirrorUpper, scoresInto } from './scores.ts';
import { commonShift } from '../kernels/commonShift.ts';
import { fastExp } from '../kernels/exp.ts';
import { gemmAbt } from '../kernels/gemmAbt.ts';
import { PARALLEL_MIN_WORK, parallelDrift } from '../kernels/parallelDrift.ts';
import { driftKernel } from '../kernels/kernelChoice.ts';
import { wasmScaledDrift } from '../kernels/wasm/pathChoice.ts';
import { projectTangentInPlace } from './projectTangent.ts';

/**
 * The attention drift in scaled form: a_i = exp(logScale_i) * U_i, where a_i = sum_j w_ij V x_j is the
 * un-projected right-hand side of eq. (2.3). Keeping the scale apart lets USA at large beta, whose
 * weights e^{beta <Qx_i,Kx_j>}/n overflow float64, still produce a finite projected velocity.
 */
export interface ScaledDrift {
  /** n x d, row i is U_i. */
  readonly U: Float64Array;
  /** Length n: log of the factor multiplying row i (0 for SA, whose weights are normalised). */
  readonly logScale: Float64Array;
  /** Length n: the shifted normaliser sum_j exp(beta (S_ij - m_i)) with m_i the shift of row i. */
  readonly rowSum: Float64Array;
}

/** Softmax weights before normalisation, with the row shift that keeps them in range. */
export interface ShiftedWeights {
  /** n x n, entry (i, j) is exp(beta (S_ij - shift_i)). */
  readonly W: Float64Array;
  /** Length n: the shift subtracted in row i (>= max_j S_ij). */
  readonly shift: Float64Array;
  /** Length n: sum_j W_ij, so that the SA weights are W_ij / rowSum_i and Z_{beta,i} = e^{beta shift_i} rowSum_i. */
  readonly rowSum: Float64Array;
}

/**
 * exp(beta (S_ij - m_i)) with S_ij = <Q x_i, K x_j> and m_i >= max_j S_ij, the stable softmax of
 * test-design note 1: beta in the thousands neither overflows nor divides 0 by 0.
 * For Q = K the exponent matrix is symmetric when one common shift serves every row; then each exp
 * is computed once for (i, j) and (j, i).
 */
export function shiftedWeights(X: Tokens, params: AttentionParams): ShiftedWeights {
  const n = X.rows;
  const qx = applyRows(X, params.Q);
  const kx = params.Q === params.K || (!params.Q && !params.K) ? qx : applyRows(X, params.K);
  const symmetric = qx.data === kx.data;
  const W = new Float64Array(n * n); // scores, overwritten by weights
  scoresInto(W, qx.data, kx.data, n, qx.cols, symmetric, false);
  const shift = new Float64Array(n), rowSum = new Float64Array(n);
  softmaxRowsInPlace(W, n, params.beta, symmetric, shift, rowSum);
  return { W, shift, rowSum };
}

/**
 * Turns scores into shifted softmax weights in place: S_ij <- exp(beta (S_ij - m_i)), writing the
 * shifts m_i and the row sums. With `symmetric` S must be a Gram matrix (S_ij = <q_i, q_j>, the case
 * Q = K); only its upper triangle is read (the caller may skip the lower one) and the full matrix is
 * written.
 */
export function softmaxRowsInPlace(
  S: Float64Array, n: number, beta: number, symmetric: boolean, m: Float64Array, rowSum: Float64Array,
): void {
  rowSum.fill(0);
  if (symmetric) {
    const c = commonShift(S, n, n, 0, beta);
    if (c !== null) {
      m.fill(c);
      for (let i = 0; i < n; i++) {
        const w = fastExp(beta * (S[i * n + i] - c));
        S[i * n + i] = w;
        rowSum[i] = w;
      }
      // Tiles of T x T keep the mirrored (column) writes S_ji in cache for large n.
      const T = 64;
      for (let ib = 0; ib < n; ib += T) {
        const ie = Math.min(n, ib + T);
        for (let jb = ib; jb < n; jb += T) {
          const je = Math.min(n, jb + T);
          for (let i = ib; i < ie; i++) {
            const o = i * n;
            let z = 0;
            for (let j = Math.max(jb, i + 1); j < je; j++) {
              const w = fastExp(beta * (S[o + j] - c));
              S[o + j] = w;
              S[j * n + i] = w;
              z += w;
              rowSum[j] += w;
            }
            rowSum[i] += z;
          }
        }
      }
      return;
    }
    mirrorUpper(S, n);
  }
  for (let i = 0; i < n; i++) {
    const o = i * n;
    let r = -Infinity;
    for (let j = 0; j < n; j++) if (S[o + j] > r) r = S[o + j];
    m[i] = r;
    let z = 0;
    for (let j = 0; j < n; j++) {
      const w = fastExp(beta * (S[o + j] - r));
      S[o + j] = w;
      z += w;
    }
    rowSum[i] = z;
  }
}

/** Scratch arrays of {@link scaledDrift} (weights, transposed values, ...), reused while small. */
const SCRATCH_MAX = 1 << 20; // 8 MiB: the weights of n = 1024
const scratchPool: Float64Array[] = [];

function scratch(slot: number, size: number): Float64Array {
  if (size > SCRATCH_MAX) return new Float64Array(size);
  const have = scratchPool[slot];
  if (have && have.length >= size) return have;
  const fresh = new Float64Array(Math.max(size, 256));
  scratchPool[slot] = fresh;
  return fresh;
}

/**
 * Computes the drift in scaled form from the shifted weights (see {@link ScaledDrift}) on the
 * WebAssembly SIMD kernels (src/kernels/wasm), or on the TypeScript ones where those are selected
 * (src/kernels/kernelChoice.ts) or unavailable. The wasm kernels run on one thread or on the worker
 * pool of src/kernels/pool.ts by measured cost (src/kernels/wasm/pathChoice.ts); the TypeScript ones
 * on the pool above {@link PARALLEL_MIN_WORK} multiply-adds. With `transient`, `logScale` and `rowSum` live in scratch memory
 * that the next call overwrites: callers that use them at once (velocity, the layer) save two
 * allocations, each of which costs microseconds at small n. `out` (length n d, not aliasing X)
 * receives U instead of a new array. With `project`, U_i is replaced by P^perp_{x_i} U_i (linear, so
 * it commutes with the row scale).
 */
export function scaledDrift(
  X: Tokens, params: AttentionParams, transient = false, out?: Float64Array, project = false, plan: ProjectionPlan = projectionPlan(params),
): ScaledDrift {
  const n = X.rows, d = X.cols;
  const usa = (params.model ?? 'sa') === 'usa';
  // S_ij = <B x_i, x_j> with B = K^T Q saves a projection where its rounding cannot show (ProjectionPlan.bilinear).
  const bilinear = plan.bilinear !== null && params.beta <= plan.bilinearBetaMax;
  // Projections into scratch memory: fresh arrays of n k entries per call would cost allocations
  // and garbage collection about a tenth of a 64 x 64 evaluation.
  const query = bilinear ? plan.bilinear : plan.query, key = bilinear ? null : plan.key;
  const qx = applyRows(X, query, true, query ? scratch(5, n * query.rows) : undefined);
  const kx = plan.symmetric ? qx : applyRows(X, key, true, key ? scratch(6, n * key.rows) : undefined);
  const vx = applyRows(X, plan.value, true, plan.value ? scratch(7, n * d) : undefined).data; // row j is V x_j
  const symmetric = plan.symmetric;
  const U = out ?? new Float64Array(n * d);
  // One allocation for both length-n outputs: off-heap typed arrays cost a malloc and GC work each.
  const both = transient ? scratch(4, 2 * n).subarray(0, 2 * n) : new Float64Array(2 * n);
  const rowSum = both.subarray(0, n), logScale = both.subarray(n);
  const shift = scratch(0, n).subarray(0, n);
  const k = qx.cols;
  let finished = false;
  const wasm = driftKernel() === 'wasm';
  const finish = { normalize: !usa, project: project ? X.data : null };
  if (wasm && wasmScaledDrift(qx.data, kx.data, vx, n, d, k, params.beta, symmetric, U, shift, rowSum, finish)) {
    // WebAssembly SIMD (src/kernels/wasm), serial or pooled by measured cost (bitwise the same
    // result), normalised and projected there; the TypeScript kernels below are the reference it is
    // tested against.
    finished = true;
  } else if (n * n * (k + d) >= PARALLEL_MIN_WORK && n >= 64) {
    parallelDrift(qx.data, kx.data, vx, n, d, k, params.beta, symmetric, U, shift, rowSum);
  } else {
    const W = scratch(1, n * n);
    scoresInto(W, qx.data, kx.data, n, k, symmetric, false);
    softmaxRowsInPlace(W, n, params.beta, symmetric, shift, rowSum);
    const VT = scratch(2, n * d);
    for (let j = 0; j < n; j++) for (let c = 0; c < d; c++) VT[c * n + j] = vx[j * d + c];
    if (d < 12) {
      // U^T = (VX)^T W^T: with the d value rows as A the 3 x 4 register tile is full even for d = 3.
      const UT = scratch(3, d * n);
      gemmAbt(VT, W, UT, n, n, 0, d, 0, n);
      for (let c = 0; c < d; c++) for (let i = 0; i < n; i++) U[i * d + c] = UT[c * n + i];
    } else {
      // U = W (VX) as W (VX^T)^T, so that the kernel reads both operands along rows.
      gemmAbt(W, VT, U, n, d, 0, n, 0, d);
    }
  }
  if (usa) {
    const logN = Math.log(n);
    for (let i = 0; i < n; i++) logScale[i] = params.beta * shift[i] - logN;
  } else {
    if (transient) logScale.fill(0);
    for (let i = 0; i < n && !finished; i++) {
      const inv = 1 / rowSum[i];
      for (let c = i * d, e = c + d; c < e; c++) U[c] *= inv;
    }
  }
  if (project && !finished) projectTangentInPlace(X, U);
  return { U, logScale, rowSum };
}

/**
 * Multiplies row i of `U` by exp(logScale_i) in place, refusing to return an overflowed value:
 * where the true answer is not a finite float64 it throws an {@link AttnflowError} that says so.
 */
export function applyScale(U: Float64Array, logScale: Float64Array, n: number, d: number, what: string, beta: number): void {
  const LOG_MAX = Math.log(Number.MAX_VALUE);
  for (let i = 0; i < n; i++) {
    const s = logScale[i];
    if (s === 0) continue;
    const o = i * d;
    const f = Math.exp(s);
    if (Number.isFinite(f)) {
      for (let k = 0; k < d; k++) U[o + k] *= f;
      continue;
    }
    let nrm = 0;
    for (let k = 0; k < d; k++) nrm = Math.max(nrm, Math.abs(U[o + k]));
    if (nrm === 0) continue;
    if (s + Math.log(nrm) >= LOG_MAX) {
      throw new AttnflowError(
        'beta',
        `the USA ${what} of token ${i} has magnitude about e^${(s + Math.log(nrm)).toFixed(1)} at beta = ${beta}, which is not a finite float64`,
        'use the normalised model "sa" (same equilibria, bounded speed), or a smaller beta',
        'not-finite',
      );
    }
    for (let k = 0; k < d; k++) {
      const u = U[o + k];
      if (u === 0) continue;
      U[o + k] = Math.sign(u) * Math.exp(s + Math.log(Math.abs(u)));
    }
  }
}

/**
 * The un-projected attention drift a_i = sum_j w_ij V x_j (eq. 2.3 without P^perp; eq. 9.1 for the
 * model without layer normalisation), with w the SA or USA weights. Returns an n x d matrix.
 */
export function attentionDrift(X: Tokens, params: AttentionParams): Mat {
  const { U, logScale } = scaledDrift(X, params, true);
  applyScale(U, logScale, X.rows, X.cols, 'drift', params.beta);
  return mat(X.rows, X.cols, U);
}
