import { describe, expect, it } from 'vitest';
import type { Implementation } from '../../src/adapters/implementation.ts';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { fromRows } from '../../src/linalg/mat.ts';
import { paramsOfCase } from '../../properties/cases.ts';
import { flow } from '../../src/integrators/flow.ts';
import { highPrecisionTheorems } from '../../theorems/highPrecision.ts';
import { hardCaseArbitrary, HARD_REGIMES, highPrecisionTrajectory } from '../../theorems/HP-support.ts';
import type { Theorem } from '../../theorems/types.ts';
import { FLOAT32 } from '../../theorems/types.ts';
import { expectFails, expectPasses } from '../helpers/theoremBattery.ts';
import { energyMissingHalf } from '../helpers/mutants-identities.ts';
import { mutate } from '../helpers/mutants.ts';
import {
  energyFloat32Scores,
  flowCoarseEuler,
  layerHeun,
  layerSecondOrderTerm,
  layerWrongNormalisation,
  velocityFloat32,
  velocityNaiveExp,
} from '../helpers/mutants-highPrecision.ts';
import fc from 'fast-check';

const reference = referenceImplementation();
const byId = (id: string): Theorem<any> => {
  const t = highPrecisionTheorems.find((x) => x.id === id);
  if (!t) throw new Error(`no theorem ${id} in the high-precision group`);
  return t;
};

/** For every theorem: the reference passes, and each named mutant fails (runs kept small: shrinking re-runs the decimal check). */
const cases: [id: string, mutants: Implementation[], runs: number][] = [
  ['HP-velocity', [velocityNaiveExp, velocityFloat32], 30],
  ['HP-energy', [energyMissingHalf, energyFloat32Scores], 20],
  ['HP-layer', [layerSecondOrderTerm, layerWrongNormalisation], 12],
  ['HP-flow', [flowCoarseEuler], 3],
  ['HP-order', [layerHeun, layerWrongNormalisation], 3],
];

describe('high-precision theorems: agreement with the 50-digit mirror', () => {
  it('lists its five theorems, each high-precision with complete metadata', () => {
    expect(highPrecisionTheorems.map((t) => t.id)).toEqual(['HP-velocity', 'HP-energy', 'HP-layer', 'HP-flow', 'HP-order']);
    for (const t of highPrecisionTheorems) expect(t.kind).toBe('high-prec');
  });

  for (const [id, mutants, runs] of cases) {
    it(`${id} passes on the reference implementation`, async () => {
      await expectPasses(byId(id), reference, { runs, seed: 7 });
    });
    for (const m of mutants) {
      it(`${id} fails on the mutant ${m.name}`, async () => {
        const r = await expectFails(byId(id), m, { runs, seed: 7 });
        expect(r.failure?.details?.measured, 'the violation states its size').toBeDefined();
      });
    }
  }

  it('HP-velocity catches the naive exp at huge beta through the finiteness check', async () => {
    const r = await expectFails(byId('HP-velocity'), velocityNaiveExp, { runs: 30, seed: 7 });
    expect(r.failure?.details?.quantity).toBe('velocity finiteness');
    expect((r.failure?.counterexample as { beta: number }).beta, 'the shrunk case is at huge beta').toBeGreaterThanOrEqual(1000);
  });

  it('HP-velocity scales with the profile: the float32 velocity passes under the float32 profile', async () => {
    // float32's range ends at e^88 and USA at beta = 50 overflows it, so USA requests go to the float64 reference.
    const float32Sa = mutate('velocity-float32-sa', {
      velocity: async (req) => (req.model === 'usa' ? reference.velocity!(req) : velocityFloat32.velocity!(req)),
    });
    await expectPasses(byId('HP-velocity'), float32Sa, { runs: 30, seed: 7, profile: FLOAT32 });
  });

  it('the hard-case arbitrary reaches every regime and shrinks toward the basic one', () => {
    const seen = new Set(fc.sample(hardCaseArbitrary(), { numRuns: 300, seed: 1 }).map((c) => c.regime));
    expect([...seen].sort()).toEqual([...HARD_REGIMES].sort());
    const shrunk = fc.check(fc.property(hardCaseArbitrary(), () => false), { seed: 1 });
    expect((shrunk.counterexample?.[0] as { regime: string }).regime).toBe('basic');
  });

  it('the 50-digit Richardson trajectory agrees with dopri5 at rtol 1e-13 to 1e-10 (n = 3, d = 2, T = 0.5)', () => {
    const c = fc.sample(hardCaseArbitrary({ regimes: ['general Q, K, V'], nMax: 3, dMax: 2, betaMax: 2 }), { numRuns: 1, seed: 11 })[0];
    const truth = highPrecisionTrajectory(c, 0.5, 16);
    const ref = flow(fromRows(c.X), paramsOfCase(c), [0.5], { integrator: 'dopri5', rtol: 1e-13, atol: 1e-15 }).states[0];
    let err = 0;
    for (let k = 0; k < ref.data.length; k++) err = Math.max(err, Math.abs(ref.data[k] - truth.states[31].data[k]));
    const tol = 1e-10;
    expect(err, `err ${err} vs tol ${tol}`).toBeLessThan(tol);
    expect(truth.errorEstimate, `estimate ${truth.errorEstimate} vs 1e-8`).toBeLessThan(1e-8);
  });
});
