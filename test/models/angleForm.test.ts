import { describe, expect, it } from 'vitest';
import { angleVelocitySA, angleVelocityUSA } from '../../src/models/angleForm.ts';
import { velocity } from '../../src/models/velocity.ts';
import { Rng } from '../../src/random/rng.ts';
import { fromAngles } from '../../src/random/sphere.ts';

/** theta_i' = <v_i, (-sin theta_i, cos theta_i)> from the vector field (2.3) at d = 2. */
function projected(theta: Float64Array, model: 'sa' | 'usa', beta: number): Float64Array {
  const v = velocity(fromAngles(theta), { model, beta });
  return theta.map((t, i) => -Math.sin(t) * v.data[2 * i] + Math.cos(t) * v.data[2 * i + 1]);
}

function randomAngles(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => 2 * Math.PI * rng.uniform() - Math.PI);
}

describe('angle form on the circle (eq. 7.1, §1.9)', () => {
  it('SA: angleVelocitySA equals the rotated d = 2 vector field to 1e-14 absolute, beta in {0, 0.5, 1, 5, 20, 50}', () => {
    const rng = new Rng(61);
    const tol = 1e-14;
    for (const beta of [0, 0.5, 1, 5, 20, 50]) {
      for (let trial = 0; trial < 10; trial++) {
        const theta = randomAngles(1 + rng.int(16), rng);
        const a = angleVelocitySA(theta, beta), b = projected(theta, 'sa', beta);
        for (let i = 0; i < theta.length; i++) {
          const err = Math.abs(a[i] - b[i]);
          expect(err, `beta=${beta} trial ${trial} token ${i}: err ${err} vs tol ${tol}`).toBeLessThan(tol);
        }
      }
    }
  });

  it('USA: angleVelocityUSA equals the rotated d = 2 vector field to 1e-14 times max(1, e^{beta}) (its natural scale), beta in {0, 0.5, 1, 5, 20, 50}', () => {
    const rng = new Rng(62);
    for (const beta of [0, 0.5, 1, 5, 20, 50]) {
      // USA speeds are of order e^{beta}: an absolute 1e-14 is only meaningful relative to that.
      const tol = 1e-14 * Math.max(1, Math.exp(beta));
      for (let trial = 0; trial < 10; trial++) {
        const theta = randomAngles(1 + rng.int(16), rng);
        const a = angleVelocityUSA(theta, beta), b = projected(theta, 'usa', beta);
        for (let i = 0; i < theta.length; i++) {
          const err = Math.abs(a[i] - b[i]);
          expect(err, `beta=${beta} trial ${trial} token ${i}: err ${err} vs tol ${tol}`).toBeLessThan(tol);
        }
      }
    }
  });

  it('beta = 0 gives the Kuramoto model (7.2) with K = 1 for both SA and USA: theta_i\' = (1/n) sum_j sin(theta_j - theta_i), to 1e-15', () => {
    const rng = new Rng(63);
    const tol = 1e-15;
    for (let trial = 0; trial < 10; trial++) {
      const n = 1 + rng.int(12);
      const theta = randomAngles(n, rng);
      const sa = angleVelocitySA(theta, 0), usa = angleVelocityUSA(theta, 0);
      for (let i = 0; i < n; i++) {
        let k = 0;
        for (let j = 0; j < n; j++) k += Math.sin(theta[j] - theta[i]);
        k /= n;
        expect(Math.abs(sa[i] - k), `trial ${trial} token ${i}: SA err vs tol ${tol}`).toBeLessThan(tol);
        expect(Math.abs(usa[i] - k), `trial ${trial} token ${i}: USA err vs tol ${tol}`).toBeLessThan(tol);
      }
    }
  });

  it('SA is finite at beta = 1e6 and USA refuses, with a not-finite error, where e^{beta} overflows', () => {
    const theta = [0, 0.1, 2];
    for (const v of angleVelocitySA(theta, 1e6)) expect(Number.isFinite(v)).toBe(true);
    expect(() => angleVelocityUSA(theta, 1e4)).toThrow(/beta/);
    // Two coincident tokens have zero speed whatever beta: no spurious overflow.
    expect(Array.from(angleVelocityUSA([1, 1], 1e4))).toEqual([0, 0]);
  });

  it('rejects empty input, non-finite angles and negative beta with an error naming the field', () => {
    expect(() => angleVelocitySA([], 1)).toThrow(/^theta:/);
    expect(() => angleVelocitySA([0, NaN], 1)).toThrow(/theta\[1\]/);
    expect(() => angleVelocityUSA([0, 1], -1)).toThrow(/^beta:/);
  });
});
