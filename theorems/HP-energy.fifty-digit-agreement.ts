import { decimalContext } from '../src/highprec/context.ts';
import { energy as energyHP } from '../src/highprec/energy.ts';
import { exactDecimal } from '../src/highprec/exactDecimal.ts';
import { energyRequestOf } from '../properties/cases.ts';
import type { HardCase } from './HP-support.ts';
import { HP_COND, HP_REL, hardCaseArbitrary, scalesOf } from './HP-support.ts';
import { energyOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/**
 * HP-energy: the implementation's interaction energy E = (1/(2 beta n^2)) sum_ij e^{beta <Q x_i, K x_j>}
 * (Remark 3.8, S4) agrees with the 50-digit value at the same float64 input, relatively.
 */
export const hpEnergy: Theorem<HardCase> = {
  id: 'HP-energy',
  title: 'energy(X) agrees with the 50-digit reference on hard inputs within eps (4500 + 64 beta |Qx||Kx|) relative',
  source: 'Remark 3.8 / S4 (interaction energy); PROTOCOL.md op energy; src/highprec mirror',
  hypotheses:
    'the hard regimes of HP-velocity with beta > 0 and beta <= 50 (beta = 0 makes E undefined; beta >= 1000 overflows e^{beta} in float64 and beta = 1e-8 is kept, where E ~ 1/(2 beta)); ' +
    'V plays no part; n <= 8, d <= 6 (d = 128 with Q = K = I)',
  conclusion: '|E - E^50| / E^50 <= eps (4500 + 64 beta q k), q, k = max_j |Q x_j|, |K x_j|',
  tolerance:
    'relative: 4500 eps (1e-12 at float64, the engine target measured in test/highprec) plus the conditioning of e^{beta S} in a rounded score, beta |S| eps per term, ' +
    'which a sum of positive terms does not amplify (64 eps beta q k). Scales with the profile eps',
  tier: 'must',
  kind: 'high-prec',
  cost: 'fast',
  needs: { ops: ['energy'], models: ['sa'] },
  conformance: true,
  runs: 40,
  arbitrary: (ctx) => hardCaseArbitrary({ models: ctx.models, betaMax: 50 }).filter((c) => c.beta > 0),
  async check(ctx, c) {
    const req = energyRequestOf(c);
    const e = await energyOf(ctx.impl, req);
    const D = decimalContext(50);
    const truth = energyHP(req.X, { beta: c.beta, Q: req.Q, K: req.K });
    const rel = exactDecimal(e, D, 'energy').minus(truth).abs().div(truth).toNumber();
    const sc = scalesOf(c);
    return assertAtMost('|E - E^50| / E^50', rel, ctx.profile.eps * (HP_REL + HP_COND * c.beta * sc.q * sc.k), {
      expected: truth.toSignificantDigits(20).toString(), actual: e,
    });
  },
};
