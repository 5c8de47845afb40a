import { assertInteger } from '../errors.ts';
import { dyadicToDecimalString } from '../highprec/exactDecimal.ts';

/** An exact probability numerator / denominator (denominator a power of 2). */
export interface WendelProbability {
  readonly numerator: bigint;
  readonly denominator: bigint;
  /** The exact value as a terminating decimal string. */
  readonly decimal: string;
  /** Rounded to float64. */
  readonly value: number;
}

/**
 * Wendel's formula (Thm 6.7): the probability that n iid uniform points on S^{d-1} lie in an open
 * hemisphere, 2^{-(n-1)} sum_{k=0}^{d-1} binom(n-1, k), exactly with BigInt (equal to 1 when d >= n).
 */
export function wendelProbability(n: number, d: number): WendelProbability {
  assertInteger(n, 'n', 1, 100_000);
  assertInteger(d, 'd', 1, 100_000);
  let binom = 1n, sum = 0n;
  for (let k = 0; k <= Math.min(d - 1, n - 1); k++) {
    sum += binom;
    binom = (binom * BigInt(n - 1 - k)) / BigInt(k + 1);
  }
  const denominator = 1n << BigInt(n - 1);
  return { numerator: sum, denominator, decimal: dyadicToDecimalString(sum, -(n - 1)), value: ratio(sum, n - 1) };
}

/**
 * Monte Carlo sample size N for which Hoeffding's bound P(|p_hat - p| >= eps) <= 2 exp(-2 N eps^2)
 * keeps the false-failure probability at most `delta` (Thm 6.7 statistical check).
 */
export function hoeffdingSampleSize(eps: number, delta: number): number {
  return Math.ceil(Math.log(2 / delta) / (2 * eps * eps));
}

/** sum / 2^e as float64 without overflowing either part. */
function ratio(sum: bigint, e: number): number {
  const cut = Math.max(0, e - 1000);
  return Number(sum >> BigInt(cut)) / 2 ** (e - cut);
}
