import type { Tokens } from '../linalg/mat.ts';
import type { HemisphereVerdict } from './types.ts';

/** The outcome of {@link verifyCertificate}. */
export interface CertificateCheck {
  /** True iff the certificate proves its claim about exactly these tokens. */
  readonly valid: boolean;
  /** Why it was rejected (absent when valid). */
  readonly reason?: string;
}

/** An exact rational num / den with den > 0 (not necessarily reduced). */
interface Q {
  num: bigint;
  den: bigint;
}

/**
 * A float64 read exactly from its radix-2 expansion: V8 prints radix 2 exactly, since every shorter
 * binary string is itself another float64. Deliberately not the IEEE bit reader the solver uses,
 * so a bug there cannot hide here.
 */
function floatToQ(x: number): Q {
  let s = x.toString(2);
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  const [int, frac = ''] = s.split('.');
  const num = BigInt('0b' + (int + frac || '0'));
  return { num: neg ? -num : num, den: 1n << BigInt(frac.length) };
}

/** Parses a plain decimal string such as "-12.5" exactly; null if it is not one. */
function decimalToQ(s: unknown): Q | null {
  if (typeof s !== 'string' || !/^-?\d+(\.\d+)?$/.test(s)) return null;
  const neg = s.startsWith('-');
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  const num = BigInt(int + frac);
  return { num: neg ? -num : num, den: 10n ** BigInt(frac.length) };
}

function add(a: Q, b: Q): Q {
  return { num: a.num * b.den + b.num * a.den, den: a.den * b.den };
}

function mul(a: Q, b: Q): Q {
  return { num: a.num * b.num, den: a.den * b.den };
}

function sign(a: Q): number {
  return a.num > 0n ? 1 : a.num < 0n ? -1 : 0;
}

function equal(a: Q, b: Q): boolean {
  return a.num * b.den === b.num * a.den;
}

function reject(reason: string): CertificateCheck {
  return { valid: false, reason };
}

/**
 * Re-checks a hemisphere or Gordan certificate against the float64 tokens `X` with exact rational
 * arithmetic, independently of the solver: for `hemisphere`, every <x_i, w> > 0 and equals the stated
 * margin; for `gordan`, every lambda_i >= 0, some > 0, and sum_i lambda_i x_i = 0 in every coordinate.
 */
export function verifyCertificate(X: Tokens, cert: HemisphereVerdict): CertificateCheck {
  const n = X.rows, d = X.cols;
  const x: Q[][] = [];
  for (let i = 0; i < n; i++) {
    const row: Q[] = [];
    for (let k = 0; k < d; k++) {
      const v = X.data[i * d + k];
      if (!Number.isFinite(v)) return reject(`X[${i}][${k}] is not finite`);
      row.push(floatToQ(v));
    }
    x.push(row);
  }
  if (cert?.kind === 'hemisphere') {
    if (!Array.isArray(cert.w) || cert.w.length !== d) return reject(`w must have ${d} entries`);
    const w = cert.w.map(decimalToQ);
    if (w.some((v) => v === null)) return reject('w holds an entry that is not a plain decimal string');
    if (!Array.isArray(cert.margins) || cert.margins.length !== n) return reject(`margins must have ${n} entries`);
    for (let i = 0; i < n; i++) {
      let s: Q = { num: 0n, den: 1n };
      for (let k = 0; k < d; k++) s = add(s, mul(x[i][k], w[k] as Q));
      if (sign(s) <= 0) return reject(`<x_${i}, w> = ${s.num}/${s.den} is not > 0`);
      const stated = decimalToQ(cert.margins[i]);
      if (!stated || !equal(stated, s)) return reject(`stated margin ${i} differs from <x_${i}, w>`);
    }
    const min = decimalToQ(cert.minMargin);
    if (!min || !cert.margins.some((m) => equal(decimalToQ(m) as Q, min)) || cert.margins.some((m) => sign(add(decimalToQ(m) as Q, { num: -min.num, den: min.den })) < 0)) {
      return reject('minMargin is not the smallest margin');
    }
    return { valid: true };
  }
  if (cert?.kind === 'gordan') {
    if (!Array.isArray(cert.lambda) || cert.lambda.length !== n) return reject(`lambda must have ${n} entries`);
    const lam = cert.lambda.map(decimalToQ);
    if (lam.some((v) => v === null)) return reject('lambda holds an entry that is not a plain decimal string');
    if (lam.some((v) => sign(v as Q) < 0)) return reject('lambda has a negative entry');
    if (!lam.some((v) => sign(v as Q) > 0)) return reject('lambda is zero');
    for (let k = 0; k < d; k++) {
      let s: Q = { num: 0n, den: 1n };
      for (let i = 0; i < n; i++) s = add(s, mul(lam[i] as Q, x[i][k]));
      if (sign(s) !== 0) return reject(`coordinate ${k} of sum_i lambda_i x_i is ${s.num}/${s.den}, not 0`);
    }
    return { valid: true };
  }
  return reject('kind must be "hemisphere" or "gordan"');
}
