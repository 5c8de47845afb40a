import fc from 'fast-check';
import { caseOf, requestOf } from '../properties/cases.ts';
import type { SystemCase } from '../properties/cases.ts';
import { diameter } from '../src/analysis/diameter.ts';
import { hemisphereCertificate } from '../src/analysis/hemisphere.ts';
import { Rng } from '../src/random/rng.ts';
import { uniformSphere } from '../src/random/sphere.ts';
import { maxAbsDiff } from '../src/linalg/mat.ts';
import { flowOf } from './support.ts';
import type { Theorem } from './types.ts';
import { Violation, fmt } from './types.ts';

/** Doubling horizons at which the hemisphere certificate (S15) is tried: 2.5, 5, ..., 2560. */
export const CIRCLE_HORIZONS = Array.from({ length: 11 }, (_, k) => 2.5 * 2 ** k);

/**
 * Drift per unit time of the slowest metastable states reachable here: three clusters a third of a
 * turn apart at beta = 10 interact with weight e^{-15}. A profile whose stop threshold exceeds this
 * drift over a horizon cannot tell such a state from an equilibrium (float32 arithmetic freezes it:
 * h e^{-15} is below half an ulp of 1).
 */
export const METASTABLE_DRIFT = Math.exp(-15);

/**
 * FU-circle (Polyanskiy-Rigollet-Yao 2025; Criscitiello et al. 2024 for beta <= 1): on the circle every
 * beta >= 0 gives global synchronisation from a.e. start. Decided by the hemisphere certificate on the
 * implementation's states at doubling horizons, then the diameter shrinking; out of horizons is inconclusive.
 */
export const circleSynchronisation: Theorem<SystemCase> = {
  id: 'FU-circle',
  title: 'on the circle (d = 2) every beta in [0, 10] synchronises: iid starts reach an open hemisphere, then the diameter shrinks',
  source: 'Problem 3 (§7.2) as settled by Polyanskiy-Rigollet-Yao (arXiv 2507.22857, beta >= -0.16) and Criscitiello et al. (arXiv 2405.18273); S15; §6 table row FU-circle',
  hypotheses: `SA (beta in [0, 10]) or USA (beta in [0, 5]: USA runs e^beta times faster, so its metastable stretches cost e^beta more steps), Q = K = V = I, d = 2, n in [2, 12], iid uniform start; flow continued from each state to the next horizon ${CIRCLE_HORIZONS[0]}, ${CIRCLE_HORIZONS[1]}, ..., ${CIRCLE_HORIZONS.at(-1)}`,
  conclusion:
    'the first horizon T whose state is certified in an open hemisphere exists, and at 2T the state is still certified with diameter <= diameter(T) + tol; ' +
    'a run that reaches the last horizon uncertified but still moving is inconclusive; one that has stopped moving (a non-synchronised equilibrium) fails',
  tolerance:
    'hemisphere margin > 1e-12 (float detector); diameter increase <= 10 flowRtol; "stopped moving" means max |x(T) - x(T_prev)| <= 10 flowRtol (1e-7) over a ' +
    'whole horizon, far below the drift of the metastable states reachable here (three clusters a third of a turn apart at beta = 10 interact with weight ' +
    'e^{-15} = 3e-7 per unit time, so over >= 1280 time units they move ~4e-4 times their asymmetry); equilibria of the mutants are reached exponentially fast. ' +
    'A profile whose 10 flowRtol is at least e^{-15} times the horizon step (float32) cannot resolve that drift: a stop is then inconclusive, not a failure',
  tier: 'should',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa', 'usa'] },
  runs: 12,
  arbitrary: (ctx) =>
    fc
      .record({
        model: fc.constantFrom(...ctx.models),
        n: fc.integer({ min: 2, max: 12 }),
        beta: fc.oneof(fc.constantFrom(0, 1, 10), fc.double({ min: 0, max: 10, noNaN: true })),
        seed: fc.nat({ max: 0x7fffffff }),
      })
      .map((r) => caseOf(r.model, r.model === 'usa' ? Math.min(r.beta, 5) : r.beta, uniformSphere(r.n, 2, new Rng(r.seed)))),
  async check(ctx, c) {
    const req = requestOf(c);
    // The dynamics is autonomous, so each horizon continues from the previous state instead of restarting at 0.
    let prev = req.X, tPrev = 0;
    for (let k = 0; k < CIRCLE_HORIZONS.length; k++) {
      const T = CIRCLE_HORIZONS[k];
      if (performance.now() >= (ctx.deadline ?? Infinity)) return { status: 'inconclusive', reason: `the time budget ran out at t = ${tPrev}, before an open hemisphere` };
      const [X] = await flowOf(ctx.impl, { ...req, X: prev, times: [T - tPrev] });
      if (hemisphereCertificate(X).inHemisphere) {
        const [Y] = await flowOf(ctx.impl, { ...req, X, times: [T] });
        const cert = hemisphereCertificate(Y);
        const grow = diameter(Y) - diameter(X);
        if (!cert.inHemisphere || grow > 10 * ctx.profile.flowRtol) {
          throw new Violation(`certified at t = ${T} but at t = ${2 * T} ${cert.inHemisphere ? `the diameter grew by ${fmt(grow)}` : 'the tokens left every open hemisphere'}`, {
            quantity: 'diameter(2T) - diameter(T)', measured: cert.inHemisphere ? grow : Infinity, tolerance: 10 * ctx.profile.flowRtol,
          });
        }
        return { status: 'pass', measured: T, tolerance: CIRCLE_HORIZONS.at(-1)! };
      }
      if (k > 0 && maxAbsDiff(X, prev) <= 10 * ctx.profile.flowRtol) {
        if (10 * ctx.profile.flowRtol >= METASTABLE_DRIFT * (T - tPrev)) {
          return {
            status: 'inconclusive',
            reason: `the tokens stopped moving at t = ${T} outside every open hemisphere, but at flow tolerance ${ctx.profile.flowRtol} a stop cannot be told from a metastable state drifting at e^-15 per unit time`,
          };
        }
        throw new Violation(`at t = ${T} the tokens have stopped moving (max |x(T) - x(T/2)| = ${fmt(maxAbsDiff(X, prev))}) outside every open hemisphere: a non-synchronised equilibrium`, {
          quantity: 'max |x(T) - x(T/2)| while not certified', measured: maxAbsDiff(X, prev), tolerance: 10 * ctx.profile.flowRtol,
        });
      }
      prev = X;
      tPrev = T;
    }
    return { status: 'inconclusive', reason: `no open hemisphere by t = ${CIRCLE_HORIZONS.at(-1)}` };
  },
};
