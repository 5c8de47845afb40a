import { describe, expect, it } from 'vitest';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { fromRows } from '../../src/linalg/mat.ts';
import { velocity } from '../../src/models/velocity.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';
import { logGradientField } from '../../theorems/E1.log-gradient-form.ts';
import { beta0RiemannianGradient } from '../../theorems/E6.beta0-half-gradient.ts';
import { gegenbauerByProjection, makeGegenbauerPositivityTheorem } from '../../theorems/P3.4g.gegenbauer-positivity.ts';
import { identityTheorems } from '../../theorems/identities.ts';
import type { Theorem } from '../../theorems/types.ts';
import { expectFails, expectPasses } from '../helpers/theoremBattery.ts';
import {
  energyMissingHalf,
  energyMissingInverseBeta,
  energyNoSelfInteraction,
  layerStepScaled,
  printedEq37,
  queryTransposed,
  selfExcluded,
  usaAsSa,
  valueIgnored,
} from '../helpers/mutants-identities.ts';
import { noTangentProjection, softmaxWrongAxis } from '../helpers/mutants.ts';
import type { Implementation } from '../../src/adapters/implementation.ts';

const reference = referenceImplementation();
const byId = (id: string): Theorem<any> => {
  const t = identityTheorems.find((x) => x.id === id);
  if (!t) throw new Error(`no theorem ${id} in the identity group`);
  return t;
};

/** For every theorem: the reference passes, and the named mutants fail (runs kept small: shrinking re-runs the check). */
const cases: [id: string, mutants: Implementation[], runs: number][] = [
  ['M-USA', [usaAsSa, selfExcluded], 30],
  ['M-ANG', [selfExcluded], 30],
  ['E1', [printedEq37], 30],
  ['E6', [selfExcluded], 30],
  ['S9', [noTangentProjection], 30],
  ['S7', [softmaxWrongAxis], 20],
  ['S4a', [energyMissingHalf], 30],
  ['P3.4', [energyNoSelfInteraction], 20],
  ['HessT', [energyMissingInverseBeta], 10],
  ['S3', [queryTransposed], 10],
  ['S5', [selfExcluded], 10],
  ['S5r', [valueIgnored], 10],
  ['S6', [usaAsSa], 10],
  ['M-DISC', [layerStepScaled], 10],
];

describe('identity theorems', () => {
  it('lists every theorem of the group exactly once, each with a mutant test below', () => {
    expect(identityTheorems.map((t) => t.id).sort()).toEqual([...cases.map((c) => c[0]), 'P3.4g'].sort());
  });
  for (const [id, mutants, runs] of cases) {
    describe(id, () => {
      it('holds for the reference engine', async () => {
        await expectPasses(byId(id), reference, { runs });
      });
      for (const m of mutants) {
        it(`fails for the mutant ${m.name}`, async () => {
          await expectFails(byId(id), m, { runs });
        });
      }
    });
  }
});

describe('P3.4g Gegenbauer positivity', () => {
  it('holds for the 50-digit projection', async () => {
    await expectPasses(byId('P3.4g'), reference, { runs: 4 });
  });
  it('fails when the projection runs at decimal.js\'s global default of 20 digits (cancellation eats the agreement)', async () => {
    await expectFails(makeGegenbauerPositivityTheorem({ coefficients: gegenbauerByProjection(20) }), reference, { runs: 4 });
  });
  it('fails for a coefficient routine with a sign error in odd coefficients', async () => {
    const flipped = (beta: number, d: number, K: number) => gegenbauerByProjection()(beta, d, K).map((a, k) => (k % 2 === 1 ? a.neg() : a));
    const r = await expectFails(makeGegenbauerPositivityTheorem({ coefficients: flipped }), reference, { runs: 2 });
    expect(r.failure?.message).toContain('sign');
  });
});

describe('errata E1 and E6 in printed form', () => {
  it('the printed (3.7), grad log \\int beta^{-1} e^{beta<x,y>} dmu, is beta times the SA field (E1)', () => {
    const X = uniformSphere(5, 3, new Rng(11));
    for (const beta of [0.5, 2, 7]) {
      const v = velocity(X, { beta });
      const printed = logGradientField(X, beta, 'printed');
      let ratioErr = 0, plainErr = 0;
      for (let p = 0; p < v.data.length; p++) {
        ratioErr = Math.max(ratioErr, Math.abs(printed.data[p] - beta * v.data[p]));
        plainErr = Math.max(plainErr, Math.abs(printed.data[p] - v.data[p]));
      }
      const tol = 1e-8;
      expect(ratioErr, `|printed - beta v| = ${ratioErr} vs tol ${tol}`).toBeLessThan(tol);
      expect(plainErr, `|printed - v| = ${plainErr} should be far above ${1e3 * tol}`).toBeGreaterThan(1e3 * tol);
    }
  });
  it('the beta = 0 flow is not the Riemannian gradient ascent of E_0 itself but half of it (E6)', () => {
    const X = fromRows([[1, 0, 0], [0, 1, 0], [0.6, 0, 0.8]]);
    const v = velocity(X, { beta: 0 });
    const g = beta0RiemannianGradient(X);
    let half = 0, full = 0;
    for (let p = 0; p < v.data.length; p++) {
      half = Math.max(half, Math.abs(v.data[p] - g.data[p] / 2));
      full = Math.max(full, Math.abs(v.data[p] - g.data[p]));
    }
    const tol = 1e-12;
    expect(half, `|v - grad/2| = ${half} vs tol ${tol}`).toBeLessThan(tol);
    expect(full, `|v - grad| = ${full} should be of order 1`).toBeGreaterThan(0.1);
  });
});
