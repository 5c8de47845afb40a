import { AttnflowError } from '../errors.ts';
import type { Mat } from './mat.ts';
import { mat } from './mat.ts';

/**
 * Padé coefficients b_0..b_m of the diagonal [m/m] approximant of e^x and the largest 1-norm theta_m for
 * which it meets unit roundoff in double precision (Higham 2005, "The scaling and squaring method for the
 * matrix exponential revisited", Table 2.3).
 */
const PADE: ReadonlyArray<{ m: number; theta: number; b: readonly number[] }> = [
  { m: 3, theta: 1.495585217958292e-2, b: [120, 60, 12, 1] },
  { m: 5, theta: 2.539398330063230e-1, b: [30240, 15120, 3360, 420, 30, 1] },
  { m: 7, theta: 9.504178996162932e-1, b: [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1] },
  { m: 9, theta: 2.097847961257068, b: [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1] },
  {
    m: 13,
    theta: 5.371920351148152,
    b: [
      64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
      670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
    ],
  },
];

/** n x n product of flat row-major square matrices. */
function mul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ci = i * n;
    for (let p = 0; p < n; p++) {
      const aip = a[ci + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
  return c;
}

/** Maximum absolute column sum (the matrix 1-norm, the norm Higham's theta_m refer to). */
function norm1(a: Float64Array, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]);
    if (s > best) best = s;
  }
  return best;
}

/** Solves P R = N for R (n x n right-hand sides) by LU with partial pivoting; P and N are overwritten. */
function solveInPlace(P: Float64Array, N: Float64Array, n: number): Float64Array {
  for (let k = 0; k < n; k++) {
    let piv = k, big = Math.abs(P[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(P[i * n + k]);
      if (v > big) { big = v; piv = i; }
    }
    if (big === 0) {
      // The Padé denominator is provably nonsingular for the scaled norms used here; reaching this means the input was not finite.
      throw new AttnflowError('expm', 'the Padé denominator is singular', 'pass a matrix with finite entries', 'internal');
    }
    if (piv !== k) {
      for (let j = 0; j < n; j++) {
        const t = P[k * n + j]; P[k * n + j] = P[piv * n + j]; P[piv * n + j] = t;
        const u = N[k * n + j]; N[k * n + j] = N[piv * n + j]; N[piv * n + j] = u;
      }
    }
    const pkk = P[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = P[i * n + k] / pkk;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) P[i * n + j] -= f * P[k * n + j];
      for (let j = 0; j < n; j++) N[i * n + j] -= f * N[k * n + j];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    const pkk = P[k * n + k];
    for (let j = 0; j < n; j++) {
      let s = N[k * n + j];
      for (let p = k + 1; p < n; p++) s -= P[k * n + p] * N[p * n + j];
      N[k * n + j] = s / pkk;
    }
  }
  return N;
}

/**
 * The matrix exponential e^{tA} of a square matrix, by scaling and squaring with the [m/m] Padé
 * approximant, m in {3, 5, 7, 9, 13} chosen from the 1-norm (Higham 2005). Used for the rescaling
 * z = e^{-tV} x of eq. (9.2). Cost O(d^3 log |tA|); meant for d up to a few hundred.
 * @param A - d x d matrix, finite entries.
 * @param t - scalar multiplying A (default 1), finite.
 */
export function expm(A: Mat, t = 1): Mat {
  if (!A || A.rows !== A.cols || A.rows < 1 || !(A.data instanceof Float64Array)) {
    throw new AttnflowError('A', `expected a non-empty square matrix, got ${A ? `${A.rows} x ${A.cols}` : String(A)}`, 'pass a d x d matrix');
  }
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    throw new AttnflowError('t', `expected a finite number, got ${String(t)}`, 'pass a finite time t');
  }
  const n = A.rows;
  const a = new Float64Array(n * n);
  for (let k = 0; k < a.length; k++) {
    const v = t * A.data[k];
    if (!Number.isFinite(v)) {
      throw new AttnflowError(`A[${Math.floor(k / n)}][${k % n}]`, `t * A entry is ${v}`, 'pass finite entries and a finite t');
    }
    a[k] = v;
  }
  const nrm = norm1(a, n);
  let pade = PADE[PADE.length - 1];
  let s = 0;
  const small = PADE.find((p) => nrm <= p.theta);
  if (small) pade = small;
  else {
    s = Math.max(0, Math.ceil(Math.log2(nrm / pade.theta)));
    const f = 2 ** -s;
    for (let k = 0; k < a.length; k++) a[k] *= f;
  }
  const { m, b } = pade;
  // Even powers A^2, A^4, ... shared by the odd part U and the even part V of the approximant.
  const A2 = mul(a, a, n);
  const evens: Float64Array[] = [identityData(n), A2];
  const U = new Float64Array(n * n), W = new Float64Array(n * n);
  if (m < 13) {
    for (let k = 2; k <= m / 2; k++) evens.push(mul(evens[k - 1], A2, n));
    const oddSum = new Float64Array(n * n);
    for (let k = 0; 2 * k <= m; k++) {
      const P = evens[k];
      const bo = b[2 * k + 1], be = b[2 * k];
      for (let q = 0; q < P.length; q++) {
        if (bo !== undefined) oddSum[q] += bo * P[q];
        W[q] += be * P[q];
      }
    }
    U.set(mul(a, oddSum, n));
  } else {
    // Higham's evaluation of the degree-13 approximant with 6 products (A^2, A^4, A^6 and three more).
    const A4 = mul(A2, A2, n), A6 = mul(A4, A2, n), I = evens[0];
    const inner = new Float64Array(n * n), innerV = new Float64Array(n * n);
    for (let q = 0; q < inner.length; q++) {
      inner[q] = b[13] * A6[q] + b[11] * A4[q] + b[9] * A2[q];
      innerV[q] = b[12] * A6[q] + b[10] * A4[q] + b[8] * A2[q];
    }
    const t1 = mul(A6, inner, n), t2 = mul(A6, innerV, n);
    const odd = new Float64Array(n * n);
    for (let q = 0; q < odd.length; q++) {
      odd[q] = t1[q] + b[7] * A6[q] + b[5] * A4[q] + b[3] * A2[q] + b[1] * I[q];
      W[q] = t2[q] + b[6] * A6[q] + b[4] * A4[q] + b[2] * A2[q] + b[0] * I[q];
    }
    U.set(mul(a, odd, n));
  }
  // r_m(A) = (V - U)^{-1} (V + U).
  const P = new Float64Array(n * n), N = new Float64Array(n * n);
  for (let q = 0; q < P.length; q++) {
    P[q] = W[q] - U[q];
    N[q] = W[q] + U[q];
  }
  let R = solveInPlace(P, N, n);
  for (let k = 0; k < s; k++) R = mul(R, R, n);
  for (let q = 0; q < R.length; q++) {
    if (!Number.isFinite(R[q])) {
      throw new AttnflowError('t', `e^{tA} overflows float64 (1-norm of tA is ${nrm})`, 'use a smaller t or a smaller A');
    }
  }
  return mat(n, n, R);
}

function identityData(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}
