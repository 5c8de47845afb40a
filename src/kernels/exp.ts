/**
 * An inline exp for the softmax hot loop of eq. (2.3). Math.exp is a call into the V8 runtime (about
 * 10-14 ns); at n = 64 the n (n + 1) / 2 weights alone would then cost a third of numpy's whole
 * velocity. Method: x = (64 m + j) ln(2) / 64 + r with |r| <= ln(2) / 128 (Cody-Waite, ln 2 split in
 * two so k * hi is exact), e^x = 2^m * 2^(j/64) * e^r, e^r by a degree-5 polynomial in Estrin form
 * (short dependency chain; truncation error < 4e-17). Relative error against Math.exp is a few ulp
 * (test/kernels/exp.test.ts), far inside the 1e-13 agreement the kernels promise.
 */

/** 64 / ln 2. */
export const INV_STEP = 92.33248261689366;
/** ln(2) / 64 split: STEP_HI has trailing zero bits so k * STEP_HI is exact for |k| < 2^17. */
export const STEP_HI = 0.01083042469326756;
/** The low part of ln(2) / 64 (see STEP_HI). */
export const STEP_LO = 2.9815858269852933e-12;
/** 1.5 * 2^52: adding and subtracting it rounds a float64 of magnitude < 2^51 to the nearest integer. */
export const ROUND = 6755399441055744;
/** exp(x) rounds to 0 in float64 below this (half the smallest subnormal). */
const X_MIN = -745.2;
/** exp(x) overflows float64 above this (ln of MAX_VALUE). */
const X_MAX = 709.782712893384;
const M_MIN = -1080;

/** POW2[m - M_MIN] = 2^m, down into the subnormals. */
const POW2 = (() => {
  const t = new Float64Array(1024 - M_MIN + 1);
  for (let m = M_MIN; m <= 1024; m++) t[m - M_MIN] = Math.pow(2, m);
  return t;
})();

/** T64[j] = 2^(j/64), rounded to float64. */
export const T64 = (() => {
  const t = new Float64Array(64);
  for (let j = 0; j < 64; j++) t[j] = Math.pow(2, j / 64);
  return t;
})();

/** e^x within a few ulp of Math.exp; 0 below -745.2, +Infinity above ln(Number.MAX_VALUE), NaN for NaN. */
export function fastExp(x: number): number {
  if (!(x > X_MIN)) return x !== x ? NaN : 0;
  if (x > X_MAX) return Infinity;
  const k = (x * INV_STEP + ROUND) - ROUND;
  const r = (x - k * STEP_HI) - k * STEP_LO;
  const ki = k | 0;
  const r2 = r * r;
  const p = (1 + r) + r2 * ((0.5 + r * (1 / 6)) + r2 * (1 / 24 + r * (1 / 120)));
  const m = ki >> 6; // arithmetic shift: ki = 64 m + j with 0 <= j < 64, also for negative ki
  const s = T64[ki & 63] * p;
  // Two factors keep 2^m in range at the ends (overflow threshold, subnormal results).
  if (m < -1000 || m > 1000) {
    const h = m >> 1;
    return s * POW2[h - M_MIN] * POW2[m - h - M_MIN];
  }
  return s * POW2[m - M_MIN];
}
