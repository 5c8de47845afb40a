import fc from 'fast-check';
import { flowInEnvelope, systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import type { SystemRequest } from '../src/adapters/implementation.ts';
import type { Mat } from '../src/linalg/mat.ts';
import { fromRows, matmul, maxAbsDiff, toRows, transpose } from '../src/linalg/mat.ts';
import { haarOrthogonal } from '../src/random/matrices.ts';
import { Rng } from '../src/random/rng.ts';
import { flowAmplification, flowOf, MAX_AMPLIFICATION, velocityOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/** A system, an orthogonal matrix O (rows) and a time. */
export interface OrthogonalCase extends SystemCase {
  readonly O: number[][];
  readonly t: number;
}

/**
 * The system seen through O: tokens y_i = O x_i (rows X O^T), Q' = Q O^T and K' = K O^T (so that
 * B' = Q'^T K' = O B O^T and <Q' y_i, K' y_j> = <Q x_i, K x_j>), V' = O V O^T. Identity matrices stay
 * null: with Q = K = V = I the condition O B O^T = B, O V O^T = V holds for every O, reflections included.
 */
export function rotateRequest(req: SystemRequest, O: Mat): SystemRequest {
  const Ot = transpose(O);
  return {
    ...req,
    X: matmul(req.X, Ot),
    Q: req.Q && matmul(req.Q, Ot),
    K: req.K && matmul(req.K, Ot),
    V: req.V && matmul(matmul(O, req.V), Ot),
  };
}

/**
 * S3 [DERIVED]: for O in O(d), y_i = O x_i solves (2.3) with B = Q^T K replaced by O B O^T and V by O V O^T;
 * so the velocity and the flow map commute with O exactly when O B O^T = B and O V O^T = V, e.g. for
 * every O when Q = K = V = I.
 */
export const orthogonalEquivariance: Theorem<OrthogonalCase> = {
  id: 'S3',
  title: 'rotating the tokens by O and conjugating B = Q^T K and V by O rotates the velocity and the flow: f(OX; OBO^T, OVO^T) = O f(X)',
  source: '§2 S3 [DERIVED; used in §6.2 and §8]',
  hypotheses:
    'SA or USA, n in [1, 6], d in [1, 5], beta in [0, 5], O Haar-random in O(d) (det = -1 half the time); ' +
    'Q = K = V = I with parameters left unchanged (any O is a symmetry), or general Q, K, V transformed to Q O^T, K O^T, O V O^T; t in (0, 2]',
  conclusion: 'velocity(OX; params\') = O velocity(X; params) and flow_t(OX; params\') = O flow_t(X; params)',
  tolerance:
    'velocity: 256 eps d relative to max(1, max|v|) (the rotated inputs are rounded, and every product is re-associated); ' +
    'flow: 10 flowRtol A, A >= 1 the amplification of an initial perturbation over [0, t] measured on the reference (two independently integrated ' +
    'trajectories, each accurate to flowRtol A); cases with A > 1e5 are inconclusive (ill-conditioned); flows outside the feasibility envelope are not generated',
  tier: 'must',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['velocity', 'flow'], models: ['sa', 'usa'] },
  horizon: 'short',
  runs: 30,
  arbitrary: (ctx) =>
    fc
      .tuple(
        systemArbitrary({ models: ctx.models, n: [1, 6], d: [1, 5], beta: [0, 5], matrices: ['identity', 'general'] }),
        fc.nat({ max: 0x7fffffff }),
        fc.double({ min: 0.05, max: 2, noNaN: true }),
      )
      .map(([c, seed, t]) => ({ ...c, t, O: toRows(haarOrthogonal(c.X[0].length, new Rng(seed))) }))
      .filter((c) => flowInEnvelope(c, [c.t])),
  async check(ctx, c) {
    const req = requestOf(c);
    const O = fromRows(c.O, 'O');
    const Ot = transpose(O);
    const rreq = rotateRequest(req, O);
    const d = req.X.cols;
    const v = await velocityOf(ctx.impl, req);
    const rv = await velocityOf(ctx.impl, rreq);
    const scale = Math.max(1, ...Array.from(v.data, Math.abs));
    assertAtMost('max |velocity(OX) - O velocity(X)| / max(1, |v|)', maxAbsDiff(rv, matmul(v, Ot)) / scale, 256 * ctx.profile.eps * Math.max(1, d));
    const A = await flowAmplification(ctx.reference, { ...req, times: [c.t] });
    if (A > MAX_AMPLIFICATION) return { status: 'inconclusive', reason: `the flow amplifies perturbations by ${A.toExponential(2)} over [0, ${c.t}]` };
    const [f] = await flowOf(ctx.impl, { ...req, times: [c.t] });
    const [rf] = await flowOf(ctx.impl, { ...rreq, times: [c.t] });
    return assertAtMost('max |flow_t(OX) - O flow_t(X)|', maxAbsDiff(rf, matmul(f, Ot)), 10 * ctx.profile.flowRtol * A, { expected: { amplification: A } });
  },
};
