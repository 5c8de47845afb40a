import { describe, it } from 'vitest';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { velocityField } from '../../theorems/M-SA.velocity-field.ts';
import { sphereInvariance } from '../../theorems/S1.sphere-invariance.ts';
import { permutationEquivariance } from '../../theorems/S2.permutation-equivariance.ts';
import { expectFails, expectPasses } from '../helpers/theoremBattery.ts';
import { indexDependent, noTangentProjection, softmaxWrongAxis } from '../helpers/mutants.ts';

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
