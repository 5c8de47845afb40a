import { AttnflowError } from '../errors.ts';
import type { Tokens } from '../linalg/mat.ts';
import { compareDyadic, dyadic, dyadicToDecimalString } from '../highprec/exactDecimal.ts';
import type { GordanCertificate, HemisphereCertificate, HemisphereVerdict } from './types.ts';

function abs(a: bigint): bigint {
  return a < 0n ? -a : a;
}

function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

function bitLength(a: bigint): number {
  return a === 0n ? 0 : abs(a).toString(2).length;
}

/**
 * Token i as an integer row: x_i = 2^{shift_i} * row_i exactly. Scaling a token by a positive number
 * changes neither the hemisphere question nor the sign pattern of a Gordan combination.
 */
function integerRows(X: Tokens): { rows: bigint[][]; shift: number[] } {
  const n = X.rows, d = X.cols;
  const rows: bigint[][] = [], shift: number[] = [];
  for (let i = 0; i < n; i++) {
    const parts = [];
    let emin = Infinity;
    for (let k = 0; k < d; k++) {
      const p = dyadic(X.data[i * d + k], `X[${i}][${k}]`);
      parts.push(p);
      if (p.mant !== 0n && p.exp < emin) emin = p.exp;
    }
    if (emin === Infinity) emin = 0;
    rows.push(parts.map((p) => (p.mant === 0n ? 0n : p.mant << BigInt(p.exp - emin))));
    shift.push(emin);
  }
  return { rows, shift };
}

/**
 * Phase 1 of the simplex method on Gordan's system  sum_i lambda_i x_i = 0, sum_i lambda_i = 1,
 * lambda >= 0, with integer (fraction-free, Bareiss) pivoting so every entry stays an exact integer,
 * and Bland's rule so the heavily degenerate problem cannot cycle.
 * Returns either a feasible lambda (no hemisphere) or the phase-1 dual y, whose negation's first d
 * entries form w with <x_i, w> >= -y_d... > 0 (Farkas), scaled to integers.
 */
function solve(rows: bigint[][], d: number): { feasible: true; lambda: bigint[] } | { feasible: false; w: bigint[] } {
  const n = rows.length;
  const m = d + 1; // constraint rows: d coordinates and the normalisation sum lambda = 1
  const N = n + m; // columns: lambda_1..n, artificial a_0..a_d
  const rhs = N;
  const T: bigint[][] = [];
  for (let r = 0; r < m; r++) {
    const row = new Array<bigint>(N + 1).fill(0n);
    for (let i = 0; i < n; i++) row[i] = r < d ? rows[i][r] : 1n;
    row[n + r] = 1n;
    row[rhs] = r < d ? 0n : 1n;
    T.push(row);
  }
  // Reduced costs of the phase-1 objective sum of artificials; the rhs slot holds -(objective).
  const obj = new Array<bigint>(N + 1).fill(0n);
  for (let j = 0; j < n; j++) for (let r = 0; r < m; r++) obj[j] -= T[r][j];
  obj[rhs] = -1n;
  const basis = Array.from({ length: m }, (_, r) => n + r);
  let den = 1n; // every non-basic entry is true value * den; basic columns carry den on their row
  for (let iter = 0; ; iter++) {
    if (iter > 100_000) throw new AttnflowError('X', 'the exact simplex did not terminate', 'report this input as a bug', 'internal');
    let q = -1;
    for (let j = 0; j < N; j++) if (obj[j] < 0n) { q = j; break; } // Bland: lowest index
    if (q < 0) break;
    let p = -1;
    for (let r = 0; r < m; r++) {
      if (T[r][q] <= 0n) continue;
      if (p < 0) { p = r; continue; }
      const lhs = T[r][rhs] * T[p][q], rhsv = T[p][rhs] * T[r][q];
      if (lhs < rhsv || (lhs === rhsv && basis[r] < basis[p])) p = r;
    }
    if (p < 0) throw new AttnflowError('X', 'phase 1 is unbounded, which cannot happen', 'report this input as a bug', 'internal');
    const P = T[p][q];
    const pivotRow = T[p];
    for (const row of [...T.filter((_, r) => r !== p), obj]) {
      const f = row[q];
      if (f === 0n) {
        if (P !== den) for (let j = 0; j <= N; j++) row[j] = (row[j] * P) / den;
        continue;
      }
      for (let j = 0; j <= N; j++) row[j] = (row[j] * P - f * pivotRow[j]) / den;
    }
    den = P;
    basis[p] = q;
  }
  if (obj[rhs] === 0n) {
    const lambda = new Array<bigint>(n).fill(0n);
    for (let r = 0; r < m; r++) if (basis[r] < n) lambda[basis[r]] = T[r][rhs];
    return { feasible: true, lambda };
  }
  // y_k = 1 - r_{a_k}; w = -y restricted to the coordinates, times den to clear the denominator.
  const w: bigint[] = [];
  for (let k = 0; k < d; k++) w.push(obj[n + k] - den);
  return { feasible: false, w };
}

/**
 * Decides EXACTLY whether the tokens (float64 numbers, read as exact binary fractions) lie in an open
 * hemisphere, i.e. whether some w has <x_i, w> > 0 for all i (S15, Lemma 6.4), by an exact rational
 * simplex on Gordan's alternative. Returns the witness w with its exact margins, or the Gordan
 * certificate lambda >= 0, lambda != 0 with sum_i lambda_i x_i = 0. Tokens need not be unit vectors
 * (the question is invariant under positive scaling); a zero token forces the Gordan answer.
 * Re-check any answer with `verifyCertificate`.
 */
export function exactHemisphereCertificate(X: Tokens): HemisphereVerdict {
  if (!X || !(X.data instanceof Float64Array) || X.rows < 1 || X.cols < 1 || X.data.length !== X.rows * X.cols) {
    throw new AttnflowError('X', 'expected an n x d token matrix with n >= 1 and d >= 1', 'pass tokens as rows of equal length');
  }
  const n = X.rows, d = X.cols;
  const { rows, shift } = integerRows(X);
  const res = solve(rows, d);
  if (res.feasible) {
    // lambda'_i for the integer rows; lambda_i = lambda'_i 2^{-shift_i} for the tokens, cleared to integers.
    const support = res.lambda.flatMap((l, i) => (l > 0n ? [i] : []));
    const top = Math.max(...support.map((i) => shift[i]));
    let lam = res.lambda.map((l, i) => (l > 0n ? l << BigInt(top - shift[i]) : 0n));
    let g = 0n;
    for (const l of lam) g = gcd(g, l);
    lam = lam.map((l) => l / g);
    const cert: GordanCertificate = { kind: 'gordan', lambda: lam.map(String), support };
    return cert;
  }
  let g = 0n;
  for (const v of res.w) g = gcd(g, v);
  const W = res.w.map((v) => v / g);
  const s = Math.max(...W.map(bitLength)); // w = W / 2^s has max |w_k| in [1/2, 1)
  const margins: string[] = [];
  let minIdx = 0;
  const marginInt: bigint[] = [];
  for (let i = 0; i < n; i++) {
    let acc = 0n;
    for (let k = 0; k < d; k++) acc += rows[i][k] * W[k];
    marginInt.push(acc);
    // <x_i, w> = acc * 2^{shift_i - s}
    margins.push(dyadicToDecimalString(acc, shift[i] - s));
    if (compareDyadic(acc, shift[i], marginInt[minIdx], shift[minIdx]) < 0) minIdx = i;
  }
  const cert: HemisphereCertificate = {
    kind: 'hemisphere',
    w: W.map((v) => dyadicToDecimalString(v, -s)),
    margins,
    minMargin: margins[minIdx],
    wApprox: W.map((v) => Number(v) / 2 ** s),
  };
  return cert;
}
