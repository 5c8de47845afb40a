import fc from 'fast-check';
import { caseOf } from '../properties/cases.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { betaArbitrary } from '../properties/arbitraries.ts';
import { fromAngles } from '../src/random/sphere.ts';
import { maxRowError, velocityOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/** A circle system: its angles (the tokens are (cos theta_i, sin theta_i)). */
export interface AngleCase extends SystemCase {
  readonly theta: number[];
}

/**
 * The (7.1) field in measure form (§1.9), written independently of (2.3): with h_beta(t) = e^{beta cos t}
 * and nu = (1/n) sum delta_{theta_j}, USA: theta_i' = beta^{-1} (h_beta' * nu)(theta_i); SA: the same
 * divided by (h_beta * nu)(theta_i). h_beta' = -beta sin(t) e^{beta cos t}, so beta^{-1} h_beta' needs
 * no division by beta. Exponents are shifted by beta (the row maximum) and restored for USA.
 */
export function angleField(theta: readonly number[], beta: number, model: 'sa' | 'usa'): Float64Array {
  const n = theta.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let dh = 0, h = 0;
    for (let j = 0; j < n; j++) {
      const t = theta[i] - theta[j];
      const s = Math.sin(t / 2);
      const w = Math.exp(-2 * beta * s * s); // e^{beta (cos t - 1)}
      dh -= Math.sin(t) * w;
      h += w;
    }
    out[i] = model === 'sa' ? dh / h : (Math.exp(beta) * dh) / n;
  }
  return out;
}

/**
 * M-ANG (eq. 7.1, §1.9): at d = 2 the velocity of (2.3) with Q = K = V = I is theta_i' (-sin theta_i, cos theta_i)
 * with theta' given by the angle ODE (7.1) for USA, and by (7.1) with the extra 1/(h_beta * nu) normaliser for SA.
 */
export const angleForm: Theorem<AngleCase> = {
  id: 'M-ANG',
  title: 'at d = 2 the velocity equals the angle ODE (7.1) times the unit tangent; SA carries the extra 1/(h_beta * nu) normaliser',
  source: '§7.1 eq. (7.1), §1.9 (measure form with h_beta); Table §6 row M-ANG',
  hypotheses: 'd = 2, Q = K = V = I, n in [1, 10], angles in [-pi, pi] (iid, or clustered within 1e-3), beta in [0, 10]; SA and USA',
  conclusion: 'max_i |v_i - theta_i\' (-sin theta_i, cos theta_i)| / max(|.|, drift scale / 100) <= tol, theta\' from the measure form of (7.1)',
  tolerance:
    'eps (1e3 n + 100 beta): the angle form rounds cos(theta_i - theta_j) differently from <x_i, x_j>, which moves e^{beta cos} by beta eps relatively, ' +
    'and the tangent projection of an O(s) drift leaves an absolute error ~ n eps s; rows are compared relative to max(|v_i|, s/100) with s = 1 (SA) or e^beta (USA), ' +
    'the size of the drift, so near-zero velocities are held to 10 n eps s absolutely (THEORY achieved 1e-15)',
  tier: 'must',
  kind: 'exact',
  cost: 'fast',
  needs: { ops: ['velocity'], models: ['sa', 'usa'] },
  runs: 100,
  arbitrary: (ctx) =>
    fc
      .record({
        model: fc.constantFrom(...ctx.models),
        beta: betaArbitrary([0, 10]),
        theta: fc.array(fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), { minLength: 1, maxLength: 10 }),
        clustered: fc.boolean(),
      })
      .map(({ model, beta, theta, clustered }) => {
        const th = clustered ? theta.map((t) => theta[0] + 1e-3 * Math.sin(7 * t)) : theta;
        return { ...caseOf(model, beta, fromAngles(th)), theta: th };
      }),
  async check(ctx, c) {
    const req = requestOf(c);
    const v = await velocityOf(ctx.impl, req);
    const om = angleField(c.theta, c.beta, c.model);
    const pred = { rows: v.rows, cols: 2, data: new Float64Array(2 * v.rows) };
    for (let i = 0; i < v.rows; i++) {
      pred.data[2 * i] = -om[i] * Math.sin(c.theta[i]);
      pred.data[2 * i + 1] = om[i] * Math.cos(c.theta[i]);
    }
    const scale = c.model === 'sa' ? 1 : Math.exp(c.beta);
    return assertAtMost('max_i |v_i - theta_i\' t_i| / max(|.|, drift/100)', maxRowError(v, pred, 1e-2 * scale), ctx.profile.eps * (1e3 * c.theta.length + 100 * c.beta), {
      expected: Array.from(om),
    });
  },
};
