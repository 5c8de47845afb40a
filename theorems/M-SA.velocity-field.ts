import { systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { scoreMatrix } from '../src/models/scores.ts';
import { entryScale, maxRowError, maxTangencyDefect, velocityOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/**
 * M-SA (eq. 2.3–2.5): the velocity is tangent at every token and equals the reference field. Run for
 * general Q, K (Q != K), non-symmetric V, beta from 0 to huge, and the hard configurations.
 */
export const velocityField: Theorem<SystemCase> = {
  id: 'M-SA',
  title: 'velocity(X) is tangent at every token and equals the reference field (2.3) for any Q, K, V, beta',
  source: '§2.2, eq. (2.3)–(2.5); PROTOCOL.md op velocity',
  hypotheses: 'n in [1, 8], d in [1, 6], beta in [0, 10] plus 0, 1e-8, 50, 1000, 1e6; all configuration and matrix families; SA and USA',
  conclusion: 'max_i |<x_i, v_i>| <= tol_t and max_i |v_i - v_i^ref| / max(|v_i^ref|, s_i) <= tol_r',
  tolerance:
    'tangency: 64 eps (1 + |V|) (rounding of one dot product and one axpy); agreement: eps (2e3 + 20 beta max|<Qx,Kx>|) d relative to the row, ' +
    'the beta term being the relative change a rounded score induces in exp(beta score); rows are compared to max(|v_ref|, drift scale) so near-zero velocities are held absolutely',
  tier: 'must',
  kind: 'exact',
  cost: 'fast',
  needs: { ops: ['velocity'], models: ['sa', 'usa'] },
  conformance: true,
  runs: 200,
  arbitrary: (ctx) => systemArbitrary({ models: ctx.models, hugeBeta: true, matrices: ['identity', 'qk', 'symmetric-v', 'repulsive', 'general'] }),
  async check(ctx, c) {
    const req = requestOf(c);
    // USA at huge beta is not representable (e^{beta} overflows); the reference refuses, so the check does not apply.
    if (c.model === 'usa' && c.beta > 600) return { status: 'inconclusive', reason: 'USA velocity not representable in float64 at this beta' };
    const v = await velocityOf(ctx.impl, req);
    const ref = await velocityOf(ctx.reference, req);
    const eps = ctx.profile.eps;
    const vNorm = entryScale(req.V, req.X.cols);
    // Scale of the un-projected drift sum_j w_ij V x_j: |V| for SA (convex weights), and
    // |V| e^{beta max_ij S_ij} for USA, whose weights are e^{beta S_ij} / n.
    let maxS = -Infinity;
    const S = scoreMatrix(req.X, req.Q, req.K);
    for (let i = 0; i < S.length; i++) maxS = Math.max(maxS, S[i]);
    const drift = c.model === 'sa' ? vNorm : vNorm * Math.exp(c.beta * Math.max(0, maxS));
    assertAtMost('max_i |<x_i, v_i>| (tangency)', maxTangencyDefect(req.X, v), 64 * eps * (1 + drift) * Math.max(1, req.X.cols));
    const maxScore = Math.max(1, entryScale(req.Q, req.X.cols)) * Math.max(1, entryScale(req.K, req.X.cols));
    // A score rounded by eps |S| moves exp(beta S) by beta eps |S| relatively: hence the beta term.
    const tol = eps * (2e3 + 20 * c.beta * maxScore) * Math.max(1, req.X.cols);
    return assertAtMost('max_i |v_i - v_i^ref| / max(|v_i^ref|, drift)', maxRowError(v, ref, 1e-3 * drift), tol, {
      expected: 'reference velocity',
    });
  },
};
