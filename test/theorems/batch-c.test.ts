import { describe, expect, it } from 'vitest';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { hardmaxVelocity } from '../../src/models/hardmax.ts';
import { makeHardmaxMidpointTheorem, hardmaxMidpoint } from '../../theorems/Ex9.3.hardmax-midpoint.ts';
import { makeHullShrinkTheorem, hullShrinks } from '../../theorems/Tab1-V=I.hull-shrinks.ts';
import { makeWendelTheorem, wendel, WENDEL_DRAWS } from '../../theorems/T6.7.wendel.ts';
import { equiangular } from '../../theorems/T6.8.equiangular.ts';
import { equiangularRates } from '../../theorems/T6.8r.equiangular-rates.ts';
import { repulsiveSimplex } from '../../theorems/T9.2.repulsive-simplex.ts';
import { hemisphereCertificate } from '../../src/analysis/hemisphere.ts';
import { expectFails, expectPasses } from '../helpers/theoremBattery.ts';
import { biasedSoftmaxField, energyNoDiagonal, halfBeta, halfSpeed, ignoreV, unrescaledField } from '../helpers/mutants-c.ts';

const reference = referenceImplementation();

describe('T6.7 Wendel', () => {
  it('holds for attnflow\'s hemisphere detector', async () => {
    await expectPasses(wendel, reference);
  });
  it('fails for a detector that only tries the mean direction', async () => {
    const meanOnly = makeWendelTheorem((X) => {
      const d = X.cols, m = new Float64Array(d);
      for (let i = 0; i < X.rows; i++) for (let k = 0; k < d; k++) m[k] += X.data[i * d + k];
      for (let i = 0; i < X.rows; i++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += X.data[i * d + k] * m[k];
        if (!(s > 0)) return false;
      }
      return true;
    });
    const r = await expectFails(meanOnly, reference);
    expect(r.failure?.details?.measured).toBeGreaterThan(0.025);
  });
  it('sizes the sample from Hoeffding with a union bound over 5 cells at total false-failure 1e-6', () => {
    expect(WENDEL_DRAWS).toBe(Math.ceil(Math.log(2 * 5 / 1e-6) / (2 * 0.025 ** 2)));
    expect(2 * 5 * Math.exp(-2 * WENDEL_DRAWS * 0.025 ** 2)).toBeLessThanOrEqual(1e-6);
  });
  it('the detector agrees with the hemisphere certificate on a regular hexagon (closed, not open, hemisphere)', () => {
    const X = { rows: 6, cols: 2, data: Float64Array.from(Array.from({ length: 6 }, (_, i) => [Math.cos(i * Math.PI / 3), Math.sin(i * Math.PI / 3)]).flat()) };
    expect(hemisphereCertificate(X).inHemisphere).toBe(false);
  });
});

describe('T6.8 equiangular reduction', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(equiangular, reference);
  });
  it('fails for an implementation that uses beta / 2', async () => {
    await expectFails(equiangular, halfBeta);
  });
});

describe('T6.8r equiangular rates', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(equiangularRates, reference);
  });
  it('fails for a flow that runs at half speed (rate 1 instead of 2)', async () => {
    const r = await expectFails(equiangularRates, halfSpeed);
    expect(r.failure?.details?.measured).toBeGreaterThan(0.4);
  });
});

describe('T9.2 repulsive descent to the simplex', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(repulsiveSimplex, reference);
  });
  it('fails for a flow that ignores V (it clusters: energy stalls at its maximum)', async () => {
    await expectFails(repulsiveSimplex, ignoreV, { runs: 1 });
  });
  it('fails for an energy that drops the diagonal terms (it goes below the simplex)', async () => {
    await expectFails(repulsiveSimplex, energyNoDiagonal, { runs: 1 });
  });
});

describe('Tab1-V=I nested hulls', () => {
  it('holds for attnflow\'s rescaled field (9.3)', async () => {
    await expectPasses(hullShrinks, reference, { runs: 10 });
  });
  it('fails for a field that forgets the rescaling z = e^{-tV} x', async () => {
    await expectFails(makeHullShrinkTheorem((_t, Z, p) => unrescaledField(Z, p)), reference, { runs: 5 });
  });
});

describe('Ex9.3 hardmax midpoint selection', () => {
  it('holds for attnflow\'s (9.4) and hardmax fields', async () => {
    await expectPasses(hardmaxMidpoint, reference);
  });
  it('fails for a softmax with a positional bias on token 1', async () => {
    await expectFails(makeHardmaxMidpointTheorem({ field: biasedSoftmaxField, hardmax: (Z) => hardmaxVelocity(Z) }), reference);
  });
});
