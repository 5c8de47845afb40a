/** Dot product of rows i of `a` and j of `b` (both flat row-major with `d` columns). */
export function rowDot(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let s = 0;
  const ai = i * d, bj = j * d;
  for (let k = 0; k < d; k++) s += a[ai + k] * b[bj + k];
  return s;
}

/** Euclidean norm of row i of a flat row-major array with `d` columns. */
export function rowNorm(a: Float64Array, i: number, d: number): number {
  // Scaled to avoid overflow/underflow for the pure (unnormalised) model whose tokens can blow up.
  const o = i * d;
  let scale = 0;
  for (let k = 0; k < d; k++) scale = Math.max(scale, Math.abs(a[o + k]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let k = 0; k < d; k++) {
    const v = a[o + k] / scale;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}

/** Divides every row of a flat row-major array by its Euclidean norm, in place (the retraction onto the sphere). */
export function normalizeRows(a: Float64Array, n: number, d: number): void {
  for (let i = 0; i < n; i++) {
    const r = rowNorm(a, i, d);
    if (r === 0) continue;
    const o = i * d;
    for (let k = 0; k < d; k++) a[o + k] /= r;
  }
}
