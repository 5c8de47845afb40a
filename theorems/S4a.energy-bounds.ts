import fc from 'fast-check';
import { betaArbitrary, CONFIGURATIONS, configuration } from '../properties/arbitraries.ts';
import { tokensOf } from '../properties/cases.ts';
import { mat, toRows } from '../src/linalg/mat.ts';
import { maxEnergy, uniformEnergy } from '../src/energy/uniformEnergy.ts';
import { energyOf } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtLeast, assertAtMost } from './types.ts';

/** Tokens and beta for an energy bound (Q = K = I). */
export interface EnergyBoundCase {
  readonly beta: number;
  readonly X: number[][];
}

/**
 * The exact gap e^beta/(2 beta) - E_beta(X) = (1/(2 beta n^2)) sum_{ij} e^beta (1 - e^{-beta |x_i - x_j|^2 / 2}),
 * formed with expm1 and |x_i - x_j|^2 so that nearly equal tokens keep their digits.
 */
export function gapToMax(X: number[][], beta: number): number {
  const n = X.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let q = 0;
      for (let k = 0; k < X[i].length; k++) q += (X[i][k] - X[j][k]) ** 2;
      s += -Math.expm1((-beta * q) / 2);
    }
  }
  return (Math.exp(beta) * s) / (2 * beta * n * n);
}

/**
 * S4a (Prop 3.4, §2 S4): for beta > 0 and every n-point configuration, E[sigma_d] < E_beta(X) <= e^beta / (2 beta),
 * with equality on the right iff all tokens coincide (Dirac masses are the maximisers). E[sigma_d] is the
 * closed form (1/(2 beta)) Gamma(d/2) (2/beta)^{d/2-1} I_{d/2-1}(beta) of src/energy/uniformEnergy.
 */
export const energyBounds: Theorem<EnergyBoundCase> = {
  id: 'S4a',
  title: 'the energy of n tokens lies in (E_beta[sigma_d], e^beta/(2 beta)], with equality on the right iff all tokens coincide',
  source: 'Prop 3.4; eq. (3.5) and Remark 3.8 (particle form); §2 S4 closed form [DERIVED]',
  hypotheses:
    'Q = K = I, beta in (0, 10], d in [2, 6], n in [1, 8], every configuration family, plus all-equal configurations (n copies of one token). ' +
    'The lower gap can be far below rounding (a regular n-gon at small beta matches sigma_d\'s first n-1 Gegenbauer moments), so the strict lower inequality is checked where the gap is resolvable, i.e. as E >= E[sigma_d] - tol',
  conclusion:
    'E(X) >= E[sigma_d] (1 - tol); E(X) <= e^beta/(2 beta) (1 + tol); all tokens equal => |E - e^beta/(2 beta)| <= tol e^beta/(2 beta); ' +
    'otherwise, where the exact gap g = e^beta/(2 beta) - E(X) exceeds 100 tol e^beta/(2 beta), e^beta/(2 beta) - E(X) >= g/2 (strict inequality)',
  tolerance:
    'relative eps (256 + 16 beta) n: an n^2-term sum of exponentials whose exponents are rounded by eps beta, and the Bessel closed form (1e-14 relative) inside the budget',
  tier: 'must',
  kind: 'exact',
  cost: 'fast',
  needs: { ops: ['energy'], models: [] },
  runs: 100,
  arbitrary: () =>
    fc
      .record({
        beta: betaArbitrary([1e-3, 10]).filter((b) => b > 0),
        n: fc.integer({ min: 1, max: 8 }),
        d: fc.integer({ min: 2, max: 6 }),
        config: fc.constantFrom(...CONFIGURATIONS),
        allEqual: fc.boolean(),
        seed: fc.nat({ max: 0x7fffffff }),
      })
      .map(({ beta, n, d, config, allEqual, seed }) => {
        const X = configuration(config, n, d, seed);
        if (allEqual) {
          const Y = mat(n, d);
          for (let i = 0; i < n; i++) Y.data.set(X.data.subarray(0, d), i * d);
          return { beta, X: toRows(Y) };
        }
        return { beta, X: toRows(X) };
      }),
  async check(ctx, c) {
    const n = c.X.length, d = c.X[0].length;
    const X = tokensOf(c);
    const E = await energyOf(ctx.impl, { beta: c.beta, Q: null, K: null, X });
    const tol = ctx.profile.eps * (256 + 16 * c.beta) * n;
    const lo = uniformEnergy(c.beta, d), hi = maxEnergy(c.beta);
    assertAtLeast('E(X) / E[sigma_d]', E / lo, 1 - tol);
    const out = assertAtMost('E(X) / (e^beta / (2 beta))', E / hi, 1 + tol);
    const gap = gapToMax(c.X, c.beta);
    const allEqual = c.X.every((row) => row.every((v, k) => v === c.X[0][k]));
    if (allEqual) return assertAtMost('|E(X) - e^beta/(2 beta)| / (e^beta/(2 beta)) for all-equal tokens', Math.abs(E - hi) / hi, tol);
    if (gap > 100 * tol * hi) return assertAtLeast('(e^beta/(2 beta) - E(X)) / exact gap', (hi - E) / gap, 0.5);
    return out;
  },
};
