import type { Mat } from '../linalg/mat.ts';
import { isIdentity, mat, transpose } from '../linalg/mat.ts';
import type { AttentionParams } from './params.ts';
import { applyRows } from './scores.ts';

/**
 * How the scores <Q x_i, K x_j> and the values V x_j of eq. (2.3) are computed for one (Q, K, V):
 * the maps are private copies, so kernels may cache derived forms of them (packed operands) keyed by
 * these objects. `null` stands for the identity (the tokens themselves).
 */
export interface ProjectionPlan {
  /** Applied to x_i on the query side of the scores (k x d), or null. */
  readonly query: Mat | null;
  /** Applied to x_j on the key side (k x d), or null. */
  readonly key: Mat | null;
  /** query and key are one map (Q = K, or both the identity): the scores form a Gram matrix. */
  readonly symmetric: boolean;
  /** V (d x d), or null. */
  readonly value: Mat | null;
  /**
   * B = K^T Q (d x d) where Q and K are distinct and not the identity and B costs fewer
   * multiply-adds than the two projections (d < 2k): S_ij = <B x_i, x_j>, one product n d^2 per
   * evaluation instead of 2 n k d. Null otherwise. Use it only below {@link ProjectionPlan.bilinearBetaMax}.
   */
  readonly bilinear: Mat | null;
  /**
   * Largest beta at which the scores through B may replace those through Q and K: B changes the
   * rounding of each score by about u = sqrt(d) 2^-52 |Q|_2 |K|_2 (a sum of d products in another
   * order), which moves each exponent beta (S_ij - m_i) by beta u; it is kept below 1e-13, two
   * orders under the 1e-12 relative agreement of the velocity with a loop-by-loop reference.
   */
  readonly bilinearBetaMax: number;
}

/** Bound on beta times the score rounding that the bilinear form B = K^T Q may add (see ProjectionPlan.bilinearBetaMax). */
export const BILINEAR_EXPONENT_TOLERANCE = 1e-13;

/**
 * Plans kept for reuse, most recent first: up to 8 (the heads of a multi-head layer each have one),
 * and while they hold more than 2^22 float64 (32 MiB: two plans at d = 512) only 2.
 */
const CACHE_SIZE = 8;
const CACHE_ENTRIES = 1 << 22;

interface CacheEntry {
  /** The caller's arrays the plan was made from, and private snapshots of their contents. */
  readonly sources: readonly (Float64Array | null)[];
  readonly shapes: readonly number[];
  readonly snapshots: readonly (Float64Array | Buffer | null)[];
  readonly plan: ProjectionPlan;
  /** Float64 entries held: snapshots, the plan's copies and B. */
  readonly size: number;
}

const cache: CacheEntry[] = [];

/** A private copy of `a`, in the form {@link sameContents} compares against. */
function snapshot(a: Float64Array): Float64Array | Buffer {
  const copy = a.slice();
  return copy.length < 64 ? copy : Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
}

/** Bitwise equality of `a` with a snapshot (or another Float64Array): memcmp through Buffer for a snapshot of 64 entries or more. */
function sameContents(a: Float64Array, snap: Float64Array | Buffer): boolean {
  if (snap instanceof Float64Array) {
    if (a.length !== snap.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], snap[i])) return false;
    return true;
  }
  return a.byteLength === snap.byteLength && snap.equals(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** A private copy of M, or null for a missing or identity M. */
function own(m: Mat | null | undefined): Mat | null {
  if (!m || isIdentity(m)) return null;
  return mat(m.rows, m.cols, m.data.slice());
}

/**
 * Largest singular value of M from below, by 12 steps of power iteration on M^T M from a fixed start
 * (4 d^2 multiply-adds each): what the rounding estimate of ProjectionPlan.bilinearBetaMax needs is
 * its order of magnitude, and the estimate is enlarged by 1.1 where it is used.
 */
function spectralNorm(m: Mat): number {
  const { rows, cols, data } = m;
  let v = new Float64Array(cols), next = new Float64Array(cols);
  // A start with no symmetry, so that it is not orthogonal to the top singular vector by design.
  for (let c = 0; c < cols; c++) v[c] = 1 + ((c * 0.6180339887498949) % 1);
  const w = new Float64Array(rows);
  let sigma = 0;
  for (let it = 0; it < 12; it++) {
    let vn = 0;
    for (let c = 0; c < cols; c++) vn += v[c] * v[c];
    vn = Math.sqrt(vn);
    if (vn === 0) return 0;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0, o = r * cols; c < cols; c++) s += data[o + c] * v[c];
      w[r] = s / vn;
    }
    next.fill(0);
    let wn = 0;
    for (let r = 0; r < rows; r++) {
      const wr = w[r];
      wn += wr * wr;
      for (let c = 0, o = r * cols; c < cols; c++) next[c] += data[o + c] * wr;
    }
    sigma = Math.max(sigma, Math.sqrt(wn));
    [v, next] = [next, v];
  }
  return sigma;
}

/**
 * Token dimension from which distinct Q and K are planned as B = K^T Q: below it the projection B
 * saves (n d^2 multiply-adds) is smaller than the plan's own cost (d^3 for B, 48 d^2 for the norms)
 * spread over the few calls a one-off evaluation makes.
 */
export const BILINEAR_MIN_DIM = 16;

/**
 * Builds the plan of `params` from private copies of its matrices (no cache): what an integrator
 * takes once per flow, so that later changes to the caller's arrays cannot reach it.
 */
export function makeProjectionPlan(params: AttentionParams): ProjectionPlan {
  const V = own(params.V);
  const Q = own(params.Q);
  const K = params.Q === params.K ? Q : own(params.K);
  // Q = K (the same matrix, equal numbers, or both the identity): one map, symmetric scores.
  if (Q === K || (Q && K && Q.rows === K.rows && sameContents(Q.data, K.data))) return { query: Q, key: Q, symmetric: true, value: V, bilinear: null, bilinearBetaMax: 0 };
  if (!Q || !K || Q.cols >= 2 * Q.rows || Q.cols < BILINEAR_MIN_DIM) return { query: Q, key: K, symmetric: false, value: V, bilinear: null, bilinearBetaMax: 0 };
  // B = K^T Q: column b of B is K^T (column b of Q), i.e. row b of applyRows(Q^T, K^T) = B^T.
  const d = Q.cols;
  const bilinear = transpose(mat(d, d, applyRows(transpose(Q), transpose(K)).data));
  const u = Math.sqrt(d) * 2 ** -52 * (1.1 * spectralNorm(Q)) * (1.1 * spectralNorm(K));
  return { query: Q, key: K, symmetric: false, value: V, bilinear, bilinearBetaMax: u > 0 ? BILINEAR_EXPONENT_TOLERANCE / u : Infinity };
}

/**
 * The plan of `params` (see {@link ProjectionPlan}), reused across calls with the same matrices: a
 * cached plan serves only while the caller's Q, K and V arrays are the same objects and bitwise hold
 * what they held when it was made (one memcmp each), so mutating a matrix in place is always seen.
 */
export function projectionPlan(params: AttentionParams): ProjectionPlan {
  const sources = [params.Q?.data ?? null, params.K?.data ?? null, params.V?.data ?? null];
  const shapes = [params.Q?.rows ?? 0, params.Q?.cols ?? 0, params.K?.rows ?? 0, params.K?.cols ?? 0, params.V?.rows ?? 0, params.V?.cols ?? 0];
  for (let e = 0; e < cache.length; e++) {
    const entry = cache[e];
    if (!entry.sources.every((s, i) => s === sources[i]) || !entry.shapes.every((s, i) => s === shapes[i])) continue;
    if (!entry.snapshots.every((s, i) => s === null || sameContents(sources[i]!, s))) continue;
    if (e > 0) {
      cache.splice(e, 1);
      cache.unshift(entry);
    }
    return entry.plan;
  }
  const plan = makeProjectionPlan(params);
  const snapshots = sources.map((s) => (s ? snapshot(s) : null));
  const size = 2 * sources.reduce((a, s) => a + (s?.length ?? 0), 0) + (plan.bilinear?.data.length ?? 0);
  cache.unshift({ sources, shapes, snapshots, plan, size });
  let total = 0;
  for (let e = 0; e < cache.length; e++) {
    total += cache[e].size;
    if (e >= CACHE_SIZE || (e >= 2 && total > CACHE_ENTRIES)) {
      cache.length = e;
      break;
    }
  }
  return plan;
}

/** Forgets the cached plans (tests). */
export function clearProjectionPlans(): void {
  cache.length = 0;
}
