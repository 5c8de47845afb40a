import fc from 'fast-check';
import { flowGeneric } from '../src/integrators/flow.ts';
import type { Mat, Tokens } from '../src/linalg/mat.ts';
import { fromRows, mat } from '../src/linalg/mat.ts';
import { hardmaxVelocity } from '../src/models/hardmax.ts';
import { rescaledVelocityAutonomous } from '../src/models/rescaled.ts';
import type { Theorem } from './types.ts';
import { Violation, assertAtMost, fmt } from './types.ts';

/** The fields Example 9.3 needs, injectable for the mutant test. */
export interface HardmaxTools {
  /** Finite-beta field of (9.4), Q = K = V = I. */
  readonly field: (Z: Tokens, beta: number) => Mat;
  /** Hardmax field (9.5)-(9.6), Q = K = V = I. */
  readonly hardmax: (Z: Tokens) => Mat;
}

/** attnflow's fields (src/models/rescaled.ts, src/models/hardmax.ts). */
export const attnflowHardmaxTools: HardmaxTools = {
  field: (Z, beta) => rescaledVelocityAutonomous(Z, { beta }, { validate: false }),
  hardmax: (Z) => hardmaxVelocity(Z),
};

/** The inverse temperatures of the beta -> infinity sequence. */
export const EX93_BETAS = [8, 32, 128, 512];

/** z1 = (1,1), z2 = (-1,1) fixed; the three branches of z3 from (0,0) at time t (Example 9.3). */
export function ex93Branches(t: number): { midpoint: number[]; towardZ1: number[]; towardZ2: number[] } {
  const s = 1 - Math.exp(-t);
  return { midpoint: [0, s], towardZ1: [s, s], towardZ2: [-s, s] };
}

/**
 * Example 9.3 with injectable fields: from z1 = (1,1), z2 = (-1,1), z3 = (0,0) the hardmax ODE (9.5)-(9.6) has
 * several solutions (z3 heads to z1, to z2, or to their midpoint), and the finite-beta solutions of (9.4)
 * converge, as beta -> infinity, to the midpoint branch.
 */
export function makeHardmaxMidpointTheorem(tools: HardmaxTools = attnflowHardmaxTools): Theorem<{ T: number }> {
  return {
    id: 'Ex9.3',
    title: 'Example 9.3: the hardmax ODE has three solutions from (1,1), (-1,1), (0,0), and beta -> infinity selects the midpoint branch',
    source: 'Example 9.3, eqs. (9.4)-(9.6), §9.3; §6 table row Ex9.3',
    hypotheses:
      'pure mathematics of the rescaled model (no ops): checks attnflow\'s (9.4) and hardmax (9.5)-(9.6) fields; d = 2, n = 3, Q = K = V = I; ' +
      `z1 = (1,1), z2 = (-1,1), z3 = (0,0); horizon T in [1, 4]; beta in ${EX93_BETAS.join(', ')}`,
    conclusion:
      '(a) each branch z3(t) = (1 - e^{-t}) (0,1), (1,1), (-1,1) (z1, z2 fixed) satisfies (9.5) at t in (0, T]; ' +
      '(b) |z3^beta(T) - midpoint branch(T)| decreases strictly along the beta sequence and is <= 1/beta_max at the last beta',
    tolerance:
      '(a) absolute 1e-12 on the hardmax field (an exact average of exact differences); (b) 1/beta_max = 2e-3: the measured error is about 0.025/beta ' +
      '(2.4e-5 at beta = 1024), 20x headroom; integration at rtol 1e-10 adds < 1e-9',
    tier: 'should',
    kind: 'floating',
    cost: 'fast',
    needs: { ops: [], models: [] },
    runs: 3,
    arbitrary: () => fc.record({ T: fc.oneof(fc.constant(3), fc.double({ min: 1, max: 4, noNaN: true })) }),
    async check(_ctx, c) {
      // (a) Non-uniqueness: every branch solves (9.5) away from t = 0.
      for (const frac of [0.25, 0.5, 1]) {
        const t = frac * c.T;
        const b = ex93Branches(t);
        for (const [name, z3] of Object.entries(b)) {
          const Z = fromRows([[1, 1], [-1, 1], z3], 'Z');
          const v = tools.hardmax(Z).data;
          const e = Math.exp(-t);
          const target = name === 'midpoint' ? [0, e] : name === 'towardZ1' ? [e, e] : [-e, e];
          const err = Math.max(Math.abs(v[0]), Math.abs(v[1]), Math.abs(v[2]), Math.abs(v[3]), Math.abs(v[4] - target[0]), Math.abs(v[5] - target[1]));
          if (err > 1e-12) {
            throw new Violation(`the ${name} branch does not solve (9.5) at t = ${fmt(t)}: field error ${fmt(err)}`, {
              quantity: `|hardmax field - branch derivative| (${name})`, measured: err, tolerance: 1e-12, actual: Array.from(v),
            });
          }
        }
      }
      // (b) Selection: the finite-beta solutions approach the midpoint branch.
      const mid = ex93Branches(c.T).midpoint;
      const errs: number[] = [];
      for (const beta of EX93_BETAS) {
        const res = flowGeneric((_t, y, dy) => dy.set(tools.field(mat(3, 2, y), beta).data), Float64Array.from([1, 1, -1, 1, 0, 0]), [c.T], { rtol: 1e-10, atol: 1e-12 });
        const z = res.states[0];
        errs.push(Math.hypot(z[4] - mid[0], z[5] - mid[1]));
      }
      for (let k = 1; k < errs.length; k++) {
        if (!(errs[k] < errs[k - 1])) {
          throw new Violation(`|z3 - midpoint branch| did not decrease from beta = ${EX93_BETAS[k - 1]} (${fmt(errs[k - 1])}) to beta = ${EX93_BETAS[k]} (${fmt(errs[k])})`, {
            quantity: '|z3^beta(T) - midpoint(T)| increase', measured: errs[k] - errs[k - 1], tolerance: 0, actual: errs,
          });
        }
      }
      const betaMax = EX93_BETAS[EX93_BETAS.length - 1];
      return assertAtMost(`|z3^beta(T) - midpoint(T)| at beta = ${betaMax}`, errs[errs.length - 1], 1 / betaMax, { actual: errs });
    },
  };
}

/** Ex9.3 with attnflow's fields. */
export const hardmaxMidpoint: Theorem<{ T: number }> = makeHardmaxMidpointTheorem();
