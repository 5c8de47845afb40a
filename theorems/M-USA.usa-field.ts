import { systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { scoreMatrix } from '../src/models/scores.ts';
import { partition, scaleRows } from './sphereCalculus.ts';
import { entryScale, maxRowError, maxTangencyDefect, velocityOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/**
 * M-USA (§3.3, §1.12): the USA field replaces Z_{beta,i} by n, so the SA velocity is the USA velocity
 * times n / Z_{beta,i}: same direction, a per-token positive speed factor (hence the same equilibria).
 */
export const usaField: Theorem<SystemCase> = {
  id: 'M-USA',
  title: 'the USA velocity is tangent and equals Z_{beta,i}/n times the SA velocity at every token',
  source: '§3.3 (USA), §1.12 [DERIVED]; Table §6 row M-USA',
  hypotheses: 'n in [1, 8], d in [1, 6], beta in [0, 8]; Q = K = V = I, random Q, K, or general Q, K, V (the identity holds for any of them); same X for both models',
  conclusion: 'max_i |<x_i, v_i^usa>| <= tol_t and max_i |v_i^usa - (Z_i/n) v_i^sa| / max(|.|, s) <= tol_r, Z_i = sum_k e^{beta <Q x_i, K x_k>} computed by attnflow',
  tolerance:
    'tangency: 64 eps d (1 + |V| e^{beta max S}) like M-SA; agreement: eps (4e3 + 40 beta max|<Qx,Kx>|) d relative to the row, ' +
    'twice the M-SA budget because two velocities and Z_i each carry rounding; rows are compared to max(|v|, 1e-3 drift scale) so near-zero velocities are held absolutely',
  tier: 'must',
  kind: 'exact',
  cost: 'fast',
  needs: { ops: ['velocity'], models: ['sa', 'usa'] },
  runs: 100,
  arbitrary: () => systemArbitrary({ models: ['sa'], beta: [0, 8], matrices: ['identity', 'qk', 'general'] }),
  async check(ctx, c) {
    const sa = requestOf({ ...c, model: 'sa' });
    const usa = requestOf({ ...c, model: 'usa' });
    const vSa = await velocityOf(ctx.impl, sa);
    const vUsa = await velocityOf(ctx.impl, usa);
    const n = sa.X.rows, d = sa.X.cols, eps = ctx.profile.eps;
    const S = scoreMatrix(sa.X, sa.Q, sa.K);
    let maxS = -Infinity, maxAbsS = 1;
    for (let i = 0; i < S.length; i++) {
      maxS = Math.max(maxS, S[i]);
      maxAbsS = Math.max(maxAbsS, Math.abs(S[i]));
    }
    const vNorm = entryScale(sa.V, d);
    // USA weights are e^{beta S_ij}/n: the drift scale is |V| e^{beta max S}.
    const drift = vNorm * Math.exp(c.beta * Math.max(0, maxS));
    assertAtMost('max_i |<x_i, v_i^usa>| (tangency)', maxTangencyDefect(usa.X, vUsa), 64 * eps * (1 + drift) * Math.max(1, d));
    const Z = partition(sa.X, c.beta, sa.Q, sa.K).map((z) => z / n);
    const predicted = scaleRows(vSa, Z);
    const tol = eps * (4e3 + 40 * c.beta * maxAbsS) * Math.max(1, d);
    return assertAtMost('max_i |v_i^usa - (Z_i/n) v_i^sa| / max(|.|, drift)', maxRowError(vUsa, predicted, 1e-3 * drift), tol, {
      expected: '(Z_i / n) v_i^sa',
    });
  },
};
