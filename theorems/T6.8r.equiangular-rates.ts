import fc from 'fast-check';
import { caseOf } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { tStar } from '../src/analysis/equiangular.ts';
import { flowOf } from './support.ts';
import type { SystemCase } from '../properties/cases.ts';
import { offDiagonalStats, rotatedOrthogonalStart } from './T6.8.equiangular.ts';
import type { Theorem, ToleranceProfile } from './types.ts';
import { assertAtMost } from './types.ts';

/**
 * The window of 1 - gamma used for the slope: [delta2, delta1] with delta1 = clamp(1e4 flowRtol, 1e-4, 1e-2)
 * and delta2 = delta1 / 100. Late enough that the linearisation at gamma = 1 is accurate to O(delta1 (1 + beta)),
 * early enough that 1 - gamma is well above the flow's accuracy.
 */
export function rateWindow(profile: ToleranceProfile): [number, number] {
  const d1 = Math.min(1e-2, Math.max(1e-4, 1e4 * profile.flowRtol));
  return [d1, d1 / 100];
}

/** The linearised rate at gamma = 1: 2 for SA (6.9), 2 e^beta for USA (6.10). */
export function equiangularRate(model: 'sa' | 'usa', beta: number): number {
  return model === 'sa' ? 2 : 2 * Math.exp(beta);
}

/**
 * T6.8r: from an orthogonal start, 1 - gamma ~ C e^{-2t} for SA (independent of beta and n) and
 * C e^{-2 e^beta t} for USA, read off as the late-time log-slope of the implementation's flow.
 */
export const equiangularRates: Theorem<SystemCase> = {
  id: 'T6.8r',
  title: 'from an orthogonal start 1 - <x_i, x_j> decays like e^{-2t} (SA) and e^{-2 e^beta t} (USA)',
  source: 'Thm 6.8 with (6.9)/(6.10) linearised at gamma = 1 (Rigollet survey; DERIVED); §6 table row T6.8r',
  hypotheses: 'Q = K = V = I; SA (beta in [0, 5]) or USA (beta in [0, 3]); n in [2, 6], d in [n, n + 2]; x_i(0) = O e_i, O Haar; times where 1 - gamma_beta = delta1 and delta2 (see tolerance)',
  conclusion: '|slope / rate - 1| <= tol with slope = -log(m(t2)/m(t1)) / (t2 - t1), m = mean over pairs of 1 - <x_i, x_j>, rate = 2 (SA) or 2 e^beta (USA)',
  tolerance:
    'relative: 2 delta1 (1 + beta) (the linearisation error of (6.9)/(6.10) on the window: the rate at 1 - gamma = delta differs from ' +
    'its limit by about delta ((n-1)/n + beta/n) relative) + 2 (4 flowRtol / delta2) / log(delta1/delta2) (the measurement error of the two ' +
    'log values), with delta1 = clamp(1e4 flowRtol, 1e-4, 1e-2), delta2 = delta1/100: about 0.018 for float64',
  tier: 'should',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa', 'usa'] },
  runs: 15,
  arbitrary: (ctx) =>
    fc
      .record({
        model: fc.constantFrom(...ctx.models),
        n: fc.integer({ min: 2, max: 6 }),
        extra: fc.integer({ min: 0, max: 2 }),
        beta: fc.oneof(fc.constantFrom(0, 1, 3), fc.double({ min: 0, max: 5, noNaN: true })),
        seed: fc.nat({ max: 0x7fffffff }),
      })
      .map((r) => caseOf(r.model, r.model === 'usa' ? Math.min(r.beta, 3) : r.beta, rotatedOrthogonalStart(r.n, r.n + r.extra, r.seed))),
  async check(ctx, c) {
    const n = c.X.length;
    const [d1, d2] = rateWindow(ctx.profile);
    // Times come from attnflow's own gamma_beta; the implementation is judged only by its slope.
    const times = [tStar(c.model, n, c.beta, d1), tStar(c.model, n, c.beta, d2)];
    const states = await flowOf(ctx.impl, { ...requestOf(c), times });
    const m = states.map((s) => offDiagonalStats(s, 0).meanOneMinus);
    const rate = equiangularRate(c.model, c.beta);
    const slope = m[0] > 0 && m[1] > 0 ? -Math.log(m[1] / m[0]) / (times[1] - times[0]) : NaN;
    const tol = 2 * d1 * (1 + c.beta) + (2 * (4 * ctx.profile.flowRtol / d2)) / Math.log(d1 / d2);
    const rel = Number.isFinite(slope) ? Math.abs(slope / rate - 1) : Infinity;
    return assertAtMost('|late-time decay rate of 1 - <x_i,x_j> / expected rate - 1|', rel, tol, {
      expected: rate, actual: slope,
    });
  },
};
