import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { besselI, besselIScaled, logBesselI } from '../../src/energy/besselI.ts';
import { AttnflowError } from '../../src/errors.ts';
import { Rng } from '../../src/random/rng.ts';

const D = Decimal.clone({ precision: 60 });

/** e^{-x} I_nu(x) by the power series at 60 digits, for integer or half-integer nu (exact Gamma). */
function scaledReference(nu: number, x: number): InstanceType<typeof D> {
  const X = new D(x);
  const half = X.div(2);
  const q = half.mul(half);
  // Gamma(nu + 1) exactly from Gamma(1) = 1 or Gamma(1/2) = sqrt(pi).
  let g = Number.isInteger(nu) ? new D(1) : D.acos(-1).sqrt();
  for (let w = Number.isInteger(nu) ? 1 : 0.5; w < nu + 1; w += 1) g = g.mul(w);
  let term = half.pow(nu).div(g);
  let sum = term;
  for (let k = 1; k < 100000; k++) {
    term = term.mul(q).div(k * (nu + k));
    sum = sum.add(term);
    if (k > x && term.lt(sum.mul('1e-40'))) break;
  }
  return sum.mul(X.neg().exp());
}

describe('besselI', () => {
  it('matches known values: I_0(1), I_1(1), I_0(10), I_0(50) (rel tol 4e-16, 4e-16, 4e-16, 5e-15 for the 15-digit reference)', () => {
    const cases: [number, number, number, number][] = [
      [0, 1, 1.2660658777520082, 4e-16],
      [1, 1, 0.5651591039924851, 4e-16],
      [0, 10, 2815.716628466254, 4e-16],
      [0, 50, 2.93255378384933e20, 5e-15],
    ];
    for (const [nu, x, ref, tol] of cases) {
      const err = Math.abs(besselI(nu, x) - ref) / ref;
      expect(err, `I_${nu}(${x}): rel err ${err} vs tol ${tol}`).toBeLessThan(tol);
    }
  });

  it('agrees with a 60-digit decimal.js series for integer and half-integer orders up to nu = 255 (rel tol 2e-14 for nu <= 12.5)', () => {
    let worst = 0;
    for (const nu of [0, 0.5, 1, 1.5, 2, 2.5, 3, 5.5, 10, 12.5]) {
      for (const x of [1e-3, 0.3, 1, 3, 10, 24.99, 25, 40, 80, 200]) {
        const ref = scaledReference(nu, x);
        const got = besselIScaled(nu, x);
        const err = new D(got).sub(ref).abs().div(ref).toNumber();
        worst = Math.max(worst, err);
        expect(err, `e^-x I_${nu}(${x}): rel err ${err} vs tol 2e-14`).toBeLessThan(2e-14);
      }
    }
    // d = 512 gives nu = 255: compare logs (the values underflow), abs tol 1e-12.
    for (const x of [10, 300, 1000]) {
      const ref = scaledReference(255, x).ln().toNumber() + x;
      const err = Math.abs(logBesselI(255, x) - ref);
      expect(err, `log I_255(${x}): abs err ${err} vs tol 1e-12`).toBeLessThan(1e-12);
    }
    expect(worst).toBeGreaterThanOrEqual(0);
  });

  it('equals the elementary forms I_{1/2}(x) = sqrt(2/(pi x)) sinh x and I_{3/2}(x) = sqrt(2/(pi x))(cosh x - sinh x / x) (rel tol 2e-15)', () => {
    for (const x of [1, 2.5, 7, 20, 24.999, 25, 60, 300]) {
      // scaled forms: e^-x sinh x = (1 - e^{-2x})/2, e^-x cosh x = (1 + e^{-2x})/2
      const s = -Math.expm1(-2 * x) / 2, c = (1 + Math.exp(-2 * x)) / 2;
      const f = Math.sqrt(2 / (Math.PI * x));
      const e05 = Math.abs(besselIScaled(0.5, x) / (f * s) - 1);
      const e15 = Math.abs(besselIScaled(1.5, x) / (f * (c - s / x)) - 1);
      expect(e05, `I_0.5(${x}): rel err ${e05} vs tol 2e-15`).toBeLessThan(2e-15);
      expect(e15, `I_1.5(${x}): rel err ${e15} vs tol 2e-15`).toBeLessThan(2e-15);
    }
  });

  it('satisfies the recurrence I_{nu-1}(x) - I_{nu+1}(x) = (2 nu / x) I_nu(x) for real orders (tol 1e-13 times I_{nu-1})', () => {
    const rng = new Rng(41);
    let worst = 0;
    for (let trial = 0; trial < 300; trial++) {
      const nu = 1 + 20 * rng.uniform(), x = 0.05 + 150 * rng.uniform();
      const a = besselIScaled(nu - 1, x), b = besselIScaled(nu + 1, x), c = besselIScaled(nu, x);
      const err = Math.abs(a - b - (2 * nu / x) * c) / a;
      worst = Math.max(worst, err);
      expect(err, `nu ${nu}, x ${x}: rel err ${err} vs tol 1e-13`).toBeLessThan(1e-13);
    }
  });

  it('follows the large-x asymptotics e^{-x} I_nu(x) sqrt(2 pi x) = 1 - (4 nu^2 - 1)/(8x) + O(x^-2) (tol 1e-11 at x = 1e6)', () => {
    for (const nu of [0, 1, 2.5, 7]) {
      const x = 1e6;
      const mu = 4 * nu * nu;
      const expect2 = 1 - (mu - 1) / (8 * x) + ((mu - 1) * (mu - 9)) / (2 * 64 * x * x);
      const err = Math.abs(besselIScaled(nu, x) * Math.sqrt(2 * Math.PI * x) - expect2);
      expect(err, `nu ${nu}: err ${err} vs tol 1e-11`).toBeLessThan(1e-11);
    }
  });

  it('besselI throws not-finite past float64 while besselIScaled and logBesselI stay finite and consistent (tol 1e-14 rel)', () => {
    expect(() => besselI(0, 800)).toThrow(AttnflowError);
    const l = logBesselI(0, 800), s = besselIScaled(0, 800);
    const err = Math.abs(l - (Math.log(s) + 800)) / l;
    expect(err, `rel err ${err} vs tol 1e-14`).toBeLessThan(1e-14);
    expect(besselI(0, 0)).toBe(1);
    expect(besselI(2, 0)).toBe(0);
  });

  it('rejects a negative order or argument and non-finite inputs, naming the field', () => {
    expect(() => besselI(-1, 1)).toThrow(/nu/);
    expect(() => besselI(0, -1)).toThrow(/^x/);
    expect(() => besselIScaled(NaN, 1)).toThrow(/nu/);
    expect(() => logBesselI(0, Infinity)).toThrow(/^x/);
  });
});
