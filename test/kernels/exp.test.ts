import { describe, expect, it } from 'vitest';
import { fastExp } from '../../src/kernels/exp.ts';
import { Rng } from '../../src/random/rng.ts';

describe('fastExp', () => {
  it('agrees with Math.exp to 2e-15 relative on [-745, 709.78] and on the softmax range [-50, 0]', () => {
    const tol = 2e-15;
    const rng = new Rng(11);
    let worst = 0, at = 0;
    for (let t = 0; t < 200_000; t++) {
      const x = t % 2 === 0 ? -745 + 1454.78 * rng.uniform() : -50 * rng.uniform();
      const e = Math.exp(x);
      if (e < 1e-300) continue; // subnormal results carry fewer significant bits
      const r = Math.abs(fastExp(x) - e) / e;
      if (r > worst) { worst = r; at = x; }
    }
    expect(worst, `max rel err ${worst} at x = ${at} vs tol ${tol}`).toBeLessThan(tol);
  });

  it('is exact at 0 and handles the ends of the float64 range like Math.exp', () => {
    expect(fastExp(0)).toBe(1);
    expect(fastExp(-0)).toBe(1);
    expect(fastExp(-Infinity)).toBe(0);
    expect(fastExp(-800)).toBe(0);
    expect(fastExp(Infinity)).toBe(Infinity);
    expect(fastExp(710)).toBe(Infinity);
    expect(Number.isNaN(fastExp(NaN))).toBe(true);
    for (const x of [709.78, -740, -708.5, -1e-300, 1e-300]) {
      const e = Math.exp(x);
      expect(Math.abs(fastExp(x) - e) / e, `x = ${x}`).toBeLessThan(1e-14);
    }
  });
});
