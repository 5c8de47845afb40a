import fc from 'fast-check';
import { flowInEnvelope, systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { flowAmplification, flowOf, MAX_AMPLIFICATION, maxRowDistance } from './support.ts';
import type { Theorem } from './types.ts';
import { Violation } from './types.ts';

/** A system and the increasing times its flow is asked at. */
export interface FlowTimesCase extends SystemCase {
  readonly times: number[];
}

/**
 * M-FLOW: op `flow` returns the solution of (2.3) at every requested time (PROTOCOL.md "op flow"),
 * checked against attnflow's DOPRI5 at rtol 1e-11 over horizons up to the feasibility envelope. The
 * differential twin of M-SA for the flow: what HP-flow checks against 50 digits over T <= 0.5 on tiny
 * systems, this checks over T up to 30 on larger ones, where a step cap, a lost requested time, a
 * wrong clock or a low-order integrator shows.
 */
export const flowSolvesOde: Theorem<FlowTimesCase> = {
  id: 'M-FLOW',
  title: 'flow(X, times) is the solution of (2.3) at every requested time: it agrees with the reference DOPRI5 within 10 flowRtol A (T up to 30)',
  source: '§2.2 eq. (2.3); PROTOCOL.md op flow; THEORY.md §6 test-design note 1 (rtol <= 1e-10)',
  hypotheses:
    'SA or USA, Q = K = V = I, random Q, K, or (half the time) general Q, K, V, a third of the time with V scaled by 3; n in [1, 8], d in [1, 6], beta in [0, 10] (fast fields, where a low-order or coarse integrator shows); ' +
    'four increasing times t_1 < ... < t_4 = T with T in [0.2, 30], the first one possibly 0; horizons past 500 / L are asked for as consecutive requests (flowOf)',
  conclusion: 'max_k max_i |x_i(t_k) - x_i^ref(t_k)| <= 10 flowRtol A, x^ref from DOPRI5 at rtol 1e-11, atol 1e-13',
  tolerance:
    'absolute on unit tokens: 10 flowRtol A, A >= 1 the amplification of an initial perturbation over [0, T] measured on the reference ' +
    '(a correct integrator\'s errors are amplified like any perturbation, so flowRtol A is what it can deliver; 10x headroom for the ' +
    'reference\'s own error, 1e-11 A, and for integrators that meet rtol per step rather than globally). Cases with A > 1e5 are inconclusive (ill-conditioned)',
  tier: 'must',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa', 'usa'] },
  conformance: true,
  horizon: 'short',
  runs: 30,
  arbitrary: (ctx) =>
    fc
      .tuple(
        systemArbitrary({ models: ctx.models, n: [1, 8], d: [1, 6], beta: [0, 10], matrices: ['identity', 'qk', 'general', 'general'] }),
        fc.double({ min: 0.2, max: 30, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        fc.constantFrom(1, 1, 3),
      )
      .map(([c, T, fractions, fromZero, speed]): FlowTimesCase => {
        const f = [...fractions].sort((a, b) => a - b);
        // Strictly increasing (at least T/1000 apart), ending at T (or just after); t_1 = 0 asks for the start itself.
        const raw = [fromZero ? 0 : f[0] * T, f[1] * T, f[2] * T, T];
        const times: number[] = [];
        for (const t of raw) times.push(times.length && t <= times[times.length - 1] + T * 1e-3 ? times[times.length - 1] + T * 1e-3 : t);
        // A third of the cases run 3x faster (V scaled by 3): where a coarse fixed step loses its accuracy.
        const d = c.X[0].length;
        const V = speed === 1 ? c.V : (c.V ?? Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)))).map((row) => row.map((v) => speed * v));
        return { ...c, V, times };
      })
      // Any horizon is asked for in requests of at most 500 / L; what must hold is that this system's flow may be asked at all (USA beta s <= 8).
      .filter((c) => flowInEnvelope(c, [0])),
  async check(ctx, c) {
    const req = { ...requestOf(c), times: c.times };
    const A = await flowAmplification(ctx.reference, req);
    if (A > MAX_AMPLIFICATION) return { status: 'inconclusive', reason: `the flow amplifies perturbations by ${A.toExponential(2)} over [0, ${c.times[3]}]` };
    const truth = await flowOf(ctx.reference, req);
    const states = await flowOf(ctx.impl, req);
    const errs = states.map((s, k) => maxRowDistance(s, truth[k]));
    const worst = Math.max(...errs);
    const tol = 10 * ctx.profile.flowRtol * A;
    if (!(worst <= tol)) {
      const k = errs.indexOf(worst);
      throw new Violation(`flow at t = ${c.times[k]} differs from the solution of (2.3) by ${worst.toExponential(3)}, more than 10 flowRtol A = ${tol.toExponential(3)} (A = ${A.toPrecision(3)})`, {
        quantity: 'max_{k,i} |x_i(t_k) - x_i^ref(t_k)|', measured: worst, tolerance: tol,
        expected: { amplification: A, times: c.times }, actual: { errorPerTime: errs },
      });
    }
    return { status: 'pass', measured: worst, tolerance: tol };
  },
};
