/**
 * An exact answer to "is there w with <x_i, w> > 0 for every token?" (S15; Lemma 6.4 hypothesis).
 * Every number is an exact decimal string, so anyone can re-check it with rational arithmetic.
 */
export type HemisphereVerdict = HemisphereCertificate | GordanCertificate;

/** A w with <x_i, w> > 0 for all i: the tokens lie in the open hemisphere centred at w. */
export interface HemisphereCertificate {
  readonly kind: 'hemisphere';
  /** The witness w, exact decimals (a dyadic rational scaled so that max_k |w_k| lies in [1/2, 1)). */
  readonly w: string[];
  /** Exact margins <x_i, w> (all > 0), x_i the exact binary value of the float64 token. */
  readonly margins: string[];
  /** The smallest margin, exact. */
  readonly minMargin: string;
  /** w rounded to float64, for plotting; not part of the proof. */
  readonly wApprox: number[];
}

/**
 * Gordan's alternative: lambda >= 0, lambda != 0 with sum_i lambda_i x_i = 0 exactly, which rules
 * out any such w (it would give 0 = sum_i lambda_i <x_i, w> > 0).
 */
export interface GordanCertificate {
  readonly kind: 'gordan';
  /** lambda_i, exact non-negative integers (decimal strings) with gcd 1. */
  readonly lambda: string[];
  /** Indices i with lambda_i > 0. */
  readonly support: number[];
}
