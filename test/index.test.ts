import { describe, expect, it } from 'vitest';
import * as attnflow from '../src/index.ts';

describe('the public barrel', () => {
  it('exports the engine, the checks and the runner under the paper\'s names', () => {
    for (const name of ['velocity', 'velocityInto', 'attentionWeights', 'projectTangent', 'energy', 'flow', 'hemisphereCertificate', 'gammaBeta', 'checkImplementation', 'runTheorem', 'theorems', 'referenceImplementation', 'setDriftKernel', 'configurePool']) {
      expect(typeof (attnflow as Record<string, unknown>)[name], name).not.toBe('undefined');
    }
  });

  it('computes a velocity through the barrel alone', () => {
    const X = attnflow.fromRows([[1, 0], [0, 1]]);
    const v = attnflow.velocity(X, { beta: 0 });
    // beta = 0: each token moves toward the mean, P_{e1}((e1 + e2)/2) = (0, 1/2)
    expect(Array.from(v.data)).toEqual([0, 0.5, 0.5, 0]);
  });
});
