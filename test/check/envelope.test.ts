import fc from 'fast-check';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, test } from 'vitest';
import { ENVELOPE, envelopeFor, envelopeProblem, fieldScales, spectralBound } from '../../src/check/envelope.ts';
import { FLOAT32 } from '../../theorems/types.ts';
import { fromRows } from '../../src/linalg/mat.ts';
import { velocity } from '../../src/models/velocity.ts';
import { ginibre } from '../../src/random/matrices.ts';
import { Rng } from '../../src/random/rng.ts';
import { flowInEnvelope, systemArbitrary } from '../../properties/arbitraries.ts';
import { paramsOfCase, requestOf, tokensOf } from '../../properties/cases.ts';
import { flowOf, maxRowDistance } from '../../theorems/support.ts';
import type { Implementation } from '../../src/adapters/implementation.ts';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { randomTangent, retract } from '../../theorems/sphereCalculus.ts';

const systems = systemArbitrary({ n: [1, 8], d: [1, 6], beta: [0, 4], matrices: ['identity', 'qk', 'general', 'repulsive'] });

function maxRowNorm(data: Float64Array, n: number, d: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.hypot(...data.subarray(i * d, (i + 1) * d)));
  return m;
}

describe('the feasibility envelope', () => {
  test('spectralBound is the largest singular value for d <= 16 and an upper bound on it above', () => {
    for (const d of [1, 3, 16, 17, 40]) {
      const A = ginibre(d, d, new Rng(d));
      const sigma = new SingularValueDecomposition(new Matrix(Array.from({ length: d }, (_, i) => Array.from(A.data.subarray(i * d, (i + 1) * d))))).diagonal[0];
      const b = spectralBound(A.data, d);
      expect(b, `d = ${d}`).toBeGreaterThanOrEqual(sigma);
      if (d <= 16) expect(b / sigma - 1, `d = ${d}`).toBeLessThan(1e-10);
    }
  });

  test('the speed bound dominates |dx_i/dt| on every generated system, SA and USA', () => {
    fc.assert(
      fc.property(systems, (c) => {
        const X = tokensOf(c), n = X.rows, d = X.cols;
        const { speed } = fieldScales(c.model, c.beta, requestOf(c).Q, requestOf(c).K, requestOf(c).V, d);
        const v = velocity(X, paramsOfCase(c));
        return maxRowNorm(v.data, n, d) <= speed * (1 + 1e-12) + 1e-15;
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  test('the rate bound dominates the measured Lipschitz quotient of the field along small moves on the sphere', () => {
    fc.assert(
      fc.property(systems, fc.nat(), (c, seed) => {
        const X = tokensOf(c), n = X.rows, d = X.cols;
        const req = requestOf(c);
        const { rate } = fieldScales(c.model, c.beta, req.Q, req.K, req.V, d);
        const Y = retract(X, randomTangent(X, seed), 1e-3);
        const dx = maxRowDistance(X, Y);
        if (dx === 0) return true;
        const dv = maxRowDistance(velocity(X, paramsOfCase(c)), velocity(Y, paramsOfCase(c)));
        // 1e-3 steps see the second-order term: 5% slack on top of the bound.
        return dv / dx <= rate * 1.05;
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  test('SA velocities at beta = 1e6 are inside; USA ones whose exact answer overflows are not', () => {
    const X = fromRows([[1, 0], [0.6, 0.8]]);
    expect(envelopeProblem({ op: 'velocity', model: 'sa', beta: 1e6, Q: null, K: null, V: null, X })).toBeNull();
    expect(envelopeProblem({ op: 'velocity', model: 'usa', beta: 1000, Q: null, K: null, V: null, X })).toMatch(/exceeds 600/);
    expect(envelopeProblem({ op: 'energy', beta: 700, Q: null, K: null, X })).toMatch(/energy overflows/);
    expect(envelopeProblem({ op: 'velocity', model: 'usa', beta: 500, Q: null, K: null, V: null, X })).toBeNull();
  });

  test('a USA flow whose speed bound |V| e^{beta ||Q^T K||} exceeds e^8 |V| is outside, whatever the horizon', () => {
    const X = fromRows([[1, 0], [0, 1]]);
    const Q = fromRows([[3, 0], [0, 3]]);
    expect(envelopeProblem({ op: 'flow', model: 'usa', beta: 1, Q, K: null, V: null, X, times: [0.01] })).toBeNull();
    expect(envelopeProblem({ op: 'flow', model: 'usa', beta: 3, Q, K: null, V: null, X, times: [0.01] })).toMatch(/USA flow with beta \|\|Q\^T K\|\| = 9/);
  });

  test('a flow request past 500 / L is outside; flowOf asks for it in consecutive requests that are inside, and gets the same solution', async () => {
    const X = fromRows([[1, 0], [0.6, 0.8], [0, 1]]);
    const req = { model: 'sa' as const, beta: 1, Q: null, K: null, V: null, X, times: [5, 200] };
    const L = fieldScales('sa', 1, null, null, null, 2).rate;
    expect(L * 200).toBeGreaterThan(ENVELOPE.maxRateHorizon);
    expect(envelopeProblem({ op: 'flow', ...req })).toMatch(/above 500/);
    const sent: number[][] = [];
    const ref = referenceImplementation();
    const recorder: Implementation = { ...ref, flow: async (r) => (sent.push([...r.times]), ref.flow!(r)) };
    const chained = await flowOf(recorder, req);
    expect(sent.length).toBe(Math.ceil((200 * L) / ENVELOPE.maxRateHorizon));
    for (const times of sent) expect(envelopeProblem({ op: 'flow', ...req, times })).toBeNull();
    const once = await ref.flow!(req);
    expect(chained.length).toBe(2);
    expect(maxRowDistance(chained[0], once[0])).toBeLessThan(1e-9);
    expect(maxRowDistance(chained[1], once[1])).toBeLessThan(1e-9);
  });

  test('flowInEnvelope filters exactly the cases envelopeProblem refuses', () => {
    fc.assert(
      fc.property(systems, fc.double({ min: 0.01, max: 5, noNaN: true }), (c, T) => {
        const inside = flowInEnvelope(c, [T]);
        return inside === (envelopeProblem({ op: 'flow', ...requestOf(c), times: [T] }) === null);
      }),
      { seed: 13, numRuns: 50 },
    );
  });

  test('under float32 the exponents stop at 80, where float32 answers still fit (a float64 answer of e^85 is fine)', () => {
    const f32 = envelopeFor(FLOAT32.maxValue);
    expect(f32.maxExponent).toBe(80);
    expect(envelopeFor().maxExponent).toBe(600);
    const X = fromRows([[1]]);
    const usa = { op: 'velocity' as const, model: 'usa' as const, beta: 85, Q: null, K: null, V: null, X };
    expect(envelopeProblem(usa)).toBeNull();
    expect(envelopeProblem(usa, f32)).toMatch(/exceeds 80/);
    // An energy whose every score is very negative underflows: e^{-100} is not a float32 number.
    const neg = { op: 'energy' as const, beta: 50, Q: fromRows([[-2]]), K: null, X };
    expect(envelopeProblem(neg)).toBeNull();
    expect(envelopeProblem(neg, f32)).toMatch(/underflows/);
  });
});
