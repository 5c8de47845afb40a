import { describe, expect, it } from 'vitest';
import { gamma, logGamma } from '../../src/energy/logGamma.ts';
import { Rng } from '../../src/random/rng.ts';

describe('logGamma', () => {
  it('gamma is exact-ish at integers and half-integers: Gamma(k+1) = k!, Gamma(1/2) = sqrt(pi) (rel tol 1e-15)', () => {
    let f = 1;
    for (let k = 1; k <= 20; k++) {
      f *= k;
      expect(Math.abs(gamma(k + 1) / f - 1), `Gamma(${k + 1})`).toBeLessThan(1e-15);
    }
    expect(Math.abs(gamma(0.5) / Math.sqrt(Math.PI) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(gamma(2.5) / (0.75 * Math.sqrt(Math.PI)) - 1)).toBeLessThan(1e-15);
  });

  it('logGamma matches log of the exact values and the recurrence log Gamma(z+1) - log Gamma(z) = log z (abs tol 2e-14 + 1e-15 |log Gamma|)', () => {
    for (const z of [0.5, 1, 3.5, 10, 40.5, 150]) {
      const err = Math.abs(logGamma(z) - Math.log(gamma(z)));
      expect(err, `z ${z}: abs err ${err} vs tol 2e-14`).toBeLessThan(2e-14);
    }
    const rng = new Rng(9);
    for (let i = 0; i < 200; i++) {
      const z = 0.01 + 60 * rng.uniform();
      const err = Math.abs(logGamma(z + 1) - logGamma(z) - Math.log(z));
      const tol = 2e-14 + 1e-15 * Math.abs(logGamma(z + 1));
      expect(err, `z ${z}: abs err ${err} vs tol ${tol}`).toBeLessThan(tol);
    }
  });

  it('refuses z <= 0 with an error naming z', () => {
    expect(() => logGamma(0)).toThrow(/^z/);
    expect(() => gamma(-1)).toThrow(/^z/);
  });
});
