import { describe, it } from 'vitest';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { velocityField } from '../../theorems/M-SA.velocity-field.ts';
import { sphereInvariance } from '../../theorems/S1.sphere-invariance.ts';
import { permutationEquivariance } from '../../theorems/S2.permutation-equivariance.ts';
import { flowSolvesOde } from '../../theorems/M-FLOW.flow-solves-ode.ts';
import { paramsOf } from '../../src/adapters/reference.ts';
import type { Tokens } from '../../src/linalg/mat.ts';
import { normalizeRows } from '../../src/linalg/vec.ts';
import { velocity } from '../../src/models/velocity.ts';
import { expectFails, expectPasses } from '../helpers/theoremBattery.ts';
import { indexDependent, mutate, noTangentProjection, softmaxWrongAxis } from '../helpers/mutants.ts';
import { horizonCapped, slowedFlow } from '../helpers/mutants-clustering.ts';
import { alternativeIntegrator } from '../check/altImplementations.ts';

/** Fixed-step explicit midpoint (second order) with retraction at h = 0.01: accurate to about 1e-5, not 1e-8. */
const midpointFlow = mutate('flow-midpoint-h0.01', {
  flow: async (req) => {
    const p = paramsOf(req), n = req.X.rows, d = req.X.cols;
    const step = (X: Tokens, h: number): Tokens => {
      const k1 = velocity(X, p);
      const Xm = { rows: n, cols: d, data: X.data.map((x, k) => x + (h / 2) * k1.data[k]) };
      const k2 = velocity(Xm, p);
      const data = X.data.map((x, k) => x + h * k2.data[k]);
      normalizeRows(data, n, d);
      return { rows: n, cols: d, data };
    };
    const out: Tokens[] = [];
    let X = req.X, t = 0;
    for (const T of req.times) {
      while (t < T - 1e-15) {
        const h = Math.min(0.01, T - t);
        X = step(X, h);
        t += h;
      }
      out.push(X);
    }
    return out;
  },
});

const reference = referenceImplementation();

describe('M-SA velocity field', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(velocityField, reference);
  });
  it('fails for an implementation without the tangent projection', async () => {
    await expectFails(velocityField, noTangentProjection);
  });
  it('fails for a softmax normalised over the wrong axis', async () => {
    await expectFails(velocityField, softmaxWrongAxis);
  });
});

describe('S1 sphere invariance', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(sphereInvariance, reference);
  });
  it('fails for a flow that integrates the un-projected drift', async () => {
    await expectFails(sphereInvariance, noTangentProjection);
  });
});

describe('S2 permutation equivariance', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(permutationEquivariance, reference);
  });
  it('fails for a velocity that depends on the token index', async () => {
    await expectFails(permutationEquivariance, indexDependent);
  });
});

describe('M-FLOW the flow op solves (2.3)', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(flowSolvesOde, reference);
  });
  it('holds for a different correct integrator (adaptive RK4 with step doubling)', async () => {
    await expectPasses(flowSolvesOde, alternativeIntegrator());
  });
  it('fails for a flow that silently stops at t = 2', async () => {
    await expectFails(flowSolvesOde, horizonCapped);
  });
  it('fails for a clock 1% slow', async () => {
    await expectFails(flowSolvesOde, slowedFlow(1.01));
  });
  it('fails for a second-order integrator at a fixed step 0.01 (a low-order integrator claiming float64 accuracy)', async () => {
    await expectFails(flowSolvesOde, midpointFlow);
  });
});
