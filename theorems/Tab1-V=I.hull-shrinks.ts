import fc from 'fast-check';
import { hemisphereCertificate } from '../src/analysis/hemisphere.ts';
import { flowGeneric } from '../src/integrators/flow.ts';
import type { Mat, Tokens } from '../src/linalg/mat.ts';
import { mat, toRows, fromRows } from '../src/linalg/mat.ts';
import { rescaledVelocity } from '../src/models/rescaled.ts';
import type { AttentionParams } from '../src/models/params.ts';
import { psd } from '../src/random/matrices.ts';
import { Rng } from '../src/random/rng.ts';
import { marginAlong } from './S15.single-cluster-certificate.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/** The field z' = F(t, Z) of the rescaled dynamics (9.3), injectable for the mutant test. */
export type RescaledField = (t: number, Z: Tokens, params: AttentionParams) => Mat;

/** A case: initial tokens in R^d, the key matrix K (Q = V = I) and the sampling times. */
export interface HullCase {
  readonly beta: number;
  readonly Z0: number[][];
  readonly K: number[][];
  readonly times: number[];
}

/**
 * A certified lower bound on dist(p, conv{z_j}): 0 when p is (numerically) in the hull; otherwise, with w
 * the unit direction of an open hemisphere containing every z_j - p (Gordan's alternative, found by
 * attnflow's hemisphere detector), min_j <z_j - p, w> > 0, which is at most the distance.
 */
export function hullDistanceLowerBound(Z: Tokens, p: ArrayLike<number>): number {
  const n = Z.rows, d = Z.cols;
  const rows: number[][] = [];
  for (let j = 0; j < n; j++) {
    const y = Array.from({ length: d }, (_, k) => Z.data[j * d + k] - p[k]);
    if (Math.hypot(...y) <= 1e-300) return 0; // p is a hull point
    rows.push(y);
  }
  const Y = fromRows(rows, 'Z - p');
  const cert = hemisphereCertificate(Y);
  if (!cert.inHemisphere) return 0;
  return Math.max(0, marginAlong(Y, cert.w));
}

/**
 * Tab1-V=I with an injectable field: without layer normalisation, V = I and Q^T K > 0, the rescaled tokens
 * z = e^{-t} x of (9.3) move by convex combinations of the z_j - z_i, so each z_i(t2) lies in conv{z_j(t1)}.
 */
export function makeHullShrinkTheorem(field: RescaledField = (t, Z, p) => rescaledVelocity(t, Z, p, { validate: false })): Theorem<HullCase> {
  return {
    id: 'Tab1-V=I',
    title: 'without layer norm, V = I and Q^T K > 0, the convex hull of the rescaled tokens z = e^{-t} x shrinks: K(t2) in K(t1)',
    source: '§9.2, eqs. (9.1)-(9.3), Table 1 row V = I (GLPR24 Thm 3.1); §6 table row Tab1-V=I',
    hypotheses:
      'pure self-attention (9.1) without normalisation, rescaled by (9.2); checks attnflow\'s rescaled field (src/models/rescaled.ts) integrated by flowGeneric, ' +
      'so it needs no ops; n in [3, 8], d in [1, 3], Q = V = I, K = G G^T/d + 0.2 I (so Q^T K > 0), beta in [0, 4], Z(0) Gaussian in R^d, times 0, 0.25, 0.5, 1, 1.5',
    conclusion: 'for consecutive sampled times t1 < t2 and every i, dist(z_i(t2), conv{z_j(t1)}) <= tol (certified lower bound from a separating hyperplane)',
    tolerance: 'absolute 1e-9 max_j |z_j(0)| (THEORY: LP tolerance 1e-9): the flow is integrated at rtol 1e-11, so each point is accurate to about 1e-10 of the scale',
    tier: 'must',
    kind: 'floating',
    cost: 'fast',
    needs: { ops: [], models: [] },
    runs: 20,
    arbitrary: () =>
      fc
        .record({
          n: fc.integer({ min: 3, max: 8 }),
          d: fc.integer({ min: 1, max: 3 }),
          beta: fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 4, noNaN: true })),
          seed: fc.nat({ max: 0x7fffffff }),
        })
        .map((r) => {
          const rng = new Rng(r.seed);
          const Z0 = Array.from({ length: r.n }, () => Array.from({ length: r.d }, () => rng.normal()));
          const K = psd(r.d, rng);
          for (let k = 0; k < r.d; k++) K.data[k * r.d + k] += 0.2;
          return { beta: r.beta, Z0, K: toRows(K), times: [0, 0.25, 0.5, 1, 1.5] };
        }),
    async check(_ctx, c) {
      const n = c.Z0.length, d = c.Z0[0].length;
      const params: AttentionParams = { model: 'sa', beta: c.beta, Q: null, K: fromRows(c.K, 'K'), V: null };
      const Z0 = fromRows(c.Z0, 'Z0');
      const res = flowGeneric((t, y, dy) => dy.set(field(t, mat(n, d, y), params).data), Float64Array.from(Z0.data), c.times, { rtol: 1e-11, atol: 1e-13 });
      let scale = 0;
      for (const v of Z0.data) scale = Math.max(scale, Math.abs(v));
      let worst = 0;
      for (let k = 1; k < res.states.length; k++) {
        const old = mat(n, d, res.states[k - 1]);
        const now = res.states[k];
        for (let i = 0; i < n; i++) worst = Math.max(worst, hullDistanceLowerBound(old, now.subarray(i * d, i * d + d)));
      }
      return assertAtMost('max_{i,k} dist(z_i(t_{k+1}), conv{z_j(t_k)}) (lower bound)', worst, 1e-9 * Math.max(1, scale));
    },
  };
}

/** Tab1-V=I with attnflow's rescaled field (9.3). */
export const hullShrinks: Theorem<HullCase> = makeHullShrinkTheorem();
