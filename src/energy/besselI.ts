import { AttnflowError } from '../errors.ts';
import { gamma, logGamma } from './logGamma.ts';

/** I_nu(x) = m * 2^e2 * (withExp ? e^x : 1): a float64-safe representation of any value of I_nu. */
interface BesselParts {
  readonly m: number;
  readonly e2: number;
  readonly withExp: boolean;
}

// ln 2 split so that e2 * LN2_HI is exact for |e2| < 2^20 (fdlibm's constants).
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const RESCALE_BITS = 900;
const RESCALE_AT = 2 ** RESCALE_BITS;
const RESCALE_BY = 2 ** -RESCALE_BITS;

function ldexp(m: number, e: number): number {
  while (e > 1000) { m *= 2 ** 1000; e -= 1000; }
  while (e < -1000) { m *= 2 ** -1000; e += 1000; }
  return m * 2 ** e;
}

function checkArgs(nu: number, x: number): void {
  if (!(Number.isFinite(nu) && nu >= 0)) {
    throw new AttnflowError('nu', `the order must be a finite real >= 0, got ${nu}`, 'pass nu >= 0 (for the sphere S^{d-1}, nu = d/2 - 1 with d >= 2)');
  }
  if (!(Number.isFinite(x) && x >= 0)) {
    throw new AttnflowError('x', `the argument must be a finite real >= 0, got ${x}`, 'pass x >= 0 (here x = beta)');
  }
}

/**
 * Hankel's large-x expansion I_nu(x) ~ e^x / sqrt(2 pi x) sum_k (-1)^k a_k(nu) / x^k (DLMF 10.40.1),
 * a_k = prod_{j<=k} (4nu^2 - (2j-1)^2) / (k! 8^k). Used only when its terms decrease to 1e-17 of the sum
 * before they start growing (roughly x > nu^2/2); the neglected e^{-2x} branch is < 1e-21 for x >= 25.
 * Returns null when the expansion is not accurate enough.
 */
function hankel(nu: number, x: number): number | null {
  const mu = 4 * nu * nu;
  let term = 1, sum = 1, prev = Infinity;
  for (let k = 1; k < 500; k++) {
    term *= -(mu - (2 * k - 1) * (2 * k - 1)) / (8 * k * x);
    const a = Math.abs(term);
    if (a === 0) return sum; // half-integer nu: the expansion terminates and is exact
    if (a > prev) return null;
    sum += term;
    if (a < 1e-17 * Math.abs(sum)) return sum;
    prev = a;
  }
  return null;
}

/**
 * The power series I_nu(x) = (x/2)^nu / Gamma(nu+1) sum_k (x^2/4)^k / (k! (nu+1)_k) (DLMF 10.25.2).
 * All terms are positive, so there is no cancellation; the running sum is rescaled by 2^-900 whenever it
 * grows past 2^900, which keeps x in the thousands in range.
 */
function series(nu: number, x: number): BesselParts {
  const q = (x * x) / 4;
  let term = 1, sum = 1, e2 = 0;
  for (let k = 1; k < 10_000_000; k++) {
    term *= q / (k * (nu + k));
    sum += term;
    if (sum > RESCALE_AT) {
      sum *= RESCALE_BY;
      term *= RESCALE_BY;
      e2 += RESCALE_BITS;
    }
    const r = q / ((k + 1) * (nu + k + 1)); // ratio of the next term; decreasing in k
    if (r < 0.5 && term * r < 1e-17 * (1 - r) * sum) break;
  }
  if (nu === 0) return { m: sum, e2, withExp: false };
  // Prefactor (x/2)^nu / Gamma(nu+1): direct where it is representable, else through logs.
  const direct = Math.pow(x / 2, nu) / gamma(nu + 1);
  if (Number.isFinite(direct) && direct > 1e-300) return { m: direct * sum, e2, withExp: false };
  const logPf = nu * Math.log(x / 2) - logGamma(nu + 1);
  const E = Math.floor(logPf / Math.LN2);
  return { m: Math.exp(logPf - E * LN2_HI - E * LN2_LO) * sum, e2: e2 + E, withExp: false };
}

function parts(nu: number, x: number): BesselParts {
  checkArgs(nu, x);
  if (x === 0) return { m: nu === 0 ? 1 : 0, e2: 0, withExp: false };
  if (x >= 25) {
    const s = hankel(nu, x);
    if (s !== null) return { m: s / Math.sqrt(2 * Math.PI * x), e2: 0, withExp: true };
  }
  return series(nu, x);
}

/**
 * The modified Bessel function of the first kind I_nu(x), for real order nu >= 0 and x >= 0, to about
 * 1e-14 relative (power series, or Hankel's expansion for large x). It appears in the uniform energy (S4)
 * and the Fourier expansion of e^{beta cos theta} (§1.9). Throws (`not-finite`) where I_nu(x) exceeds
 * float64 (x > ~713): use {@link besselIScaled} or {@link logBesselI} there.
 */
export function besselI(nu: number, x: number): number {
  const p = parts(nu, x);
  const v = p.withExp ? ldexp(p.m * Math.exp(Math.min(x, 700)), p.e2) * (x > 700 ? Math.exp(x - 700) : 1) : ldexp(p.m, p.e2);
  if (!Number.isFinite(v)) {
    throw new AttnflowError('x', `I_${nu}(${x}) exceeds float64`, 'use besselIScaled (e^{-x} I_nu(x)) or logBesselI', 'not-finite');
  }
  return v;
}

/** The exponentially scaled e^{-x} I_nu(x): finite for every x >= 0 (about 1/sqrt(2 pi x) for large x). */
export function besselIScaled(nu: number, x: number): number {
  const p = parts(nu, x);
  if (p.withExp) return ldexp(p.m, p.e2);
  if (p.m === 0) return 0;
  // e2 ln2 - x, with ln 2 split so that the large cancellation is exact.
  return p.m * Math.exp(p.e2 * LN2_HI - x + p.e2 * LN2_LO);
}

/** log I_nu(x), finite for every x > 0 (-Infinity for x = 0 and nu > 0). */
export function logBesselI(nu: number, x: number): number {
  const p = parts(nu, x);
  return Math.log(p.m) + p.e2 * LN2_HI + p.e2 * LN2_LO + (p.withExp ? x : 0);
}
