import type { Tokens } from '../linalg/mat.ts';
import { compareDyadic, dyadic, dyadicToDecimalString } from '../highprec/exactDecimal.ts';
import type { HemisphereCertificate } from './types.ts';

/**
 * Turns a candidate direction w (float64, e.g. from the float hemisphere detector) into an exact
 * hemisphere certificate: the margins <x_i, w> are computed exactly on the binary values of the
 * float64 tokens and of w. Returns null when some exact margin is <= 0 (the float test was fooled).
 */
export function witnessCertificate(X: Tokens, w: ArrayLike<number>): HemisphereCertificate | null {
  const n = X.rows, d = X.cols;
  const wd = Array.from({ length: d }, (_, k) => dyadic(w[k], `w[${k}]`));
  const margins: string[] = [];
  let minIdx = -1;
  let minN = 0n, minE = 0;
  for (let i = 0; i < n; i++) {
    // Sum of products m_x m_w 2^{e_x + e_w}, brought to the smallest exponent so it is one integer.
    const terms: { m: bigint; e: number }[] = [];
    for (let k = 0; k < d; k++) {
      const x = dyadic(X.data[i * d + k], `X[${i}][${k}]`);
      if (x.mant !== 0n && wd[k].mant !== 0n) terms.push({ m: x.mant * wd[k].mant, e: x.exp + wd[k].exp });
    }
    const e0 = terms.length ? Math.min(...terms.map((t) => t.e)) : 0;
    let acc = 0n;
    for (const t of terms) acc += t.m << BigInt(t.e - e0);
    if (acc <= 0n) return null;
    margins.push(dyadicToDecimalString(acc, e0));
    if (minIdx < 0 || compareDyadic(acc, e0, minN, minE) < 0) {
      minIdx = i;
      minN = acc;
      minE = e0;
    }
  }
  return {
    kind: 'hemisphere',
    w: wd.map((p) => dyadicToDecimalString(p.mant, p.exp)),
    margins,
    minMargin: margins[minIdx],
    wApprox: Array.from({ length: d }, (_, k) => w[k]),
  };
}
