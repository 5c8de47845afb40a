import { AttnflowError } from '../errors.ts';

/**
 * A dense real matrix stored flat and row-major: entry (i, j) is `data[i * cols + j]`.
 * Token configurations are `Mat`s too: n rows (tokens) by d columns (coordinates).
 */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A token configuration X: row i is the token x_i in R^d (on S^{d-1} for the normalised models). */
export type Tokens = Mat;

/** Allocates a rows x cols matrix, zero-filled unless `data` is given (which is used, not copied). */
export function mat(rows: number, cols: number, data?: Float64Array): Mat {
  const buf = data ?? new Float64Array(rows * cols);
  if (buf.length !== rows * cols) {
    throw new AttnflowError('data', `length ${buf.length} does not match ${rows} x ${cols}`, 'pass rows * cols entries');
  }
  return { rows, cols, data: buf };
}

/** The d x d identity. */
export function identity(d: number): Mat {
  const m = mat(d, d);
  for (let i = 0; i < d; i++) m.data[i * d + i] = 1;
  return m;
}

/** `lambda` times the d x d identity. */
export function scaledIdentity(d: number, lambda: number): Mat {
  const m = identity(d);
  for (let i = 0; i < d; i++) m.data[i * d + i] = lambda;
  return m;
}

/** A deep copy. */
export function clone(m: Mat): Mat {
  return mat(m.rows, m.cols, Float64Array.from(m.data));
}

/**
 * Builds a matrix from an array of rows, validating shape and finiteness.
 * @param field - name used in error messages (e.g. `X` or `V`).
 */
export function fromRows(rows: readonly (readonly number[])[], field = 'matrix'): Mat {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new AttnflowError(field, 'expected a non-empty array of rows', `pass ${field} as [[...], [...], ...]`);
  }
  const first = rows[0];
  if (!Array.isArray(first) || first.length === 0) {
    throw new AttnflowError(`${field}[0]`, 'expected a non-empty array of numbers', 'every row must be an array of numbers');
  }
  const cols = first.length;
  const m = mat(rows.length, cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Array.isArray(r) || r.length !== cols) {
      throw new AttnflowError(
        `${field}[${i}]`,
        `expected ${cols} entries like row 0, got ${Array.isArray(r) ? r.length : typeof r}`,
        'make every row the same length',
      );
    }
    for (let j = 0; j < cols; j++) {
      const v = r[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new AttnflowError(`${field}[${i}][${j}]`, `expected a finite number, got ${String(v)}`, 'replace it by a finite number');
      }
      m.data[i * cols + j] = v;
    }
  }
  return m;
}

/** The matrix as an array of rows (plain numbers), e.g. for JSON. */
export function toRows(m: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** C = A B. */
export function matmul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) {
    throw new AttnflowError('matmul', `inner dimensions ${a.cols} and ${b.rows} differ`, 'check matrix shapes');
  }
  const n = a.rows, k = a.cols, m = b.cols;
  const c = mat(n, m);
  const A = a.data, B = b.data, C = c.data;
  for (let i = 0; i < n; i++) {
    const ci = i * m;
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      if (aip === 0) continue;
      const bp = p * m;
      for (let j = 0; j < m; j++) C[ci + j] += aip * B[bp + j];
    }
  }
  return c;
}

/** A^T. */
export function transpose(a: Mat): Mat {
  const t = mat(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j];
  return t;
}

/** True if `m` is exactly the identity (so fast paths may skip the multiplication). */
export function isIdentity(m: Mat): boolean {
  if (m.rows !== m.cols) return false;
  const d = m.rows;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (m.data[i * d + j] !== (i === j ? 1 : 0)) return false;
  return true;
}

/** True if `m` is exactly symmetric. */
export function isSymmetric(m: Mat, tol = 0): boolean {
  if (m.rows !== m.cols) return false;
  const d = m.rows;
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) if (Math.abs(m.data[i * d + j] - m.data[j * d + i]) > tol) return false;
  return true;
}

/** Largest absolute entrywise difference between two equally shaped matrices. */
export function maxAbsDiff(a: Mat, b: Mat): number {
  if (a.rows !== b.rows || a.cols !== b.cols) return Infinity;
  let m = 0;
  for (let i = 0; i < a.data.length; i++) {
    const e = Math.abs(a.data[i] - b.data[i]);
    if (!(e <= m)) m = e; // NaN propagates as a maximal difference
  }
  return m;
}

/** Frobenius norm. */
export function frobenius(a: Mat): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * a.data[i];
  return Math.sqrt(s);
}
