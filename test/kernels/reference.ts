import type { Mat, Tokens } from '../../src/linalg/mat.ts';
import type { AttentionParams } from '../../src/models/params.ts';

/**
 * The plain reference the optimized kernels are checked against: eq. (2.3) written out loop by loop,
 * Math.exp, a per-row shift, no blocking, no symmetry, no threads. Returns the velocity (projected,
 * `project`) or the un-projected drift, or null where a USA factor overflows float64.
 */
export function referenceField(X: Tokens, params: AttentionParams, project: boolean): Float64Array | null {
  const n = X.rows, d = X.cols, x = X.data;
  const rowsOf = (M: Mat | null | undefined): Float64Array => {
    if (!M) return x;
    const out = new Float64Array(n * M.rows);
    for (let i = 0; i < n; i++) for (let r = 0; r < M.rows; r++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += M.data[r * d + c] * x[i * d + c];
      out[i * M.rows + r] = s;
    }
    return out;
  };
  const k = params.Q ? params.Q.rows : d;
  const qx = rowsOf(params.Q), kx = rowsOf(params.K), vx = rowsOf(params.V);
  const usa = params.model === 'usa';
  const out = new Float64Array(n * d);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) {
      let g = 0;
      for (let c = 0; c < k; c++) g += qx[i * k + c] * kx[j * k + c];
      s[j] = g;
      if (g > m) m = g;
    }
    let z = 0;
    for (let j = 0; j < n; j++) {
      s[j] = Math.exp(params.beta * (s[j] - m));
      z += s[j];
    }
    const f = usa ? Math.exp(params.beta * m) / n : 1 / z;
    if (!Number.isFinite(f)) return null;
    for (let j = 0; j < n; j++) for (let c = 0; c < d; c++) out[i * d + c] += s[j] * f * vx[j * d + c];
    if (project) {
      let p = 0;
      for (let c = 0; c < d; c++) p += out[i * d + c] * x[i * d + c];
      for (let c = 0; c < d; c++) out[i * d + c] -= p * x[i * d + c];
    }
  }
  return out;
}

/** Largest entry of |a - b| divided by the largest entry of |b| (normwise relative difference). */
export function relDiff(a: Float64Array, b: Float64Array): number {
  let e = 0, s = 0;
  for (let i = 0; i < b.length; i++) {
    const di = Math.abs(a[i] - b[i]);
    if (!(di <= e)) e = di;
    s = Math.max(s, Math.abs(b[i]));
  }
  return s === 0 ? e : e / s;
}

/** Largest |<q_i, k_j>| over the scores of (X, params): the scale that beta multiplies. */
export function maxScore(X: Tokens, params: AttentionParams): number {
  const n = X.rows, d = X.cols;
  const k = params.Q ? params.Q.rows : d;
  const rowsOf = (M: Mat | null | undefined): Float64Array => {
    if (!M) return X.data;
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let r = 0; r < k; r++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += M.data[r * d + c] * X.data[i * d + c];
      out[i * k + r] = s;
    }
    return out;
  };
  const qx = rowsOf(params.Q), kx = rowsOf(params.K);
  let m = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let g = 0;
    for (let r = 0; r < k; r++) g += qx[i * k + r] * kx[j * k + r];
    m = Math.max(m, Math.abs(g));
  }
  return m;
}

/** Largest entry of |a - b|. */
export function absDiff(a: Float64Array, b: Float64Array): number {
  let e = 0;
  for (let i = 0; i < b.length; i++) {
    const di = Math.abs(a[i] - b[i]);
    if (!(di <= e)) e = di;
  }
  return e;
}

/** Largest |entry| (1 for an all-zero array, so that it can divide). */
export function maxAbs(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i]));
  return s === 0 ? 1 : s;
}
