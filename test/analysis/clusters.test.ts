import { describe, expect, it } from 'vitest';
import { clusters } from '../../src/analysis/clusters.ts';
import { fromRows } from '../../src/linalg/mat.ts';
import { fromAngles, orthogonalStart } from '../../src/random/sphere.ts';

describe('clusters', () => {
  it('two tight groups on the circle are two clusters, labelled in order of first appearance', () => {
    const X = fromAngles([0, 2, 0.01, 2.01, 0.005]);
    const c = clusters(X);
    expect(c.count).toBe(2);
    expect(Array.from(c.labels)).toEqual([0, 1, 0, 1, 0]);
  });

  it('links are transitive: a chain of tokens each within delta of the next is one cluster', () => {
    // successive angles 0.04 apart: <x_i, x_{i+1}> = cos 0.04 > 1 - 1e-3, but the ends are 0.2 apart
    const X = fromAngles([0, 0.04, 0.08, 0.12, 0.16, 0.2]);
    expect(clusters(X).count).toBe(1);
    expect(clusters(X, { delta: 1e-4 }).count).toBe(6);
  });

  it('an orthonormal start is n singleton clusters and a single token is one cluster', () => {
    expect(clusters(orthogonalStart(5, 5)).count).toBe(5);
    expect(clusters(fromRows([[1, 0]])).count).toBe(1);
  });

  it('rejects delta outside (0, 2] naming options.delta', () => {
    const X = fromRows([[1, 0], [0, 1]]);
    expect(() => clusters(X, { delta: 0 })).toThrow(/options\.delta/);
    expect(() => clusters(X, { delta: NaN })).toThrow(/options\.delta/);
  });
});
