import type { Implementation, SystemRequest } from '../src/adapters/implementation.ts';
import { diameter } from '../src/analysis/diameter.ts';
import { hemisphereCertificate } from '../src/analysis/hemisphere.ts';
import type { Tokens } from '../src/linalg/mat.ts';
import { systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf, tokensOf } from '../properties/cases.ts';
import { marginAlong } from './S15.single-cluster-certificate.ts';
import { flowOf, normalisedMean } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost, fmt, Violation } from './types.ts';

/**
 * The rate of Lemma 6.4 that (6.7) actually gives: alpha' >= lambda (1 - alpha) with lambda = 1/(2 n e^{2 beta})
 * for SA (a_ij >= e^{-2 beta}/n) and 1/(2 n e^{beta}) for USA (a_ij >= e^{-beta}/n). Erratum E2: (6.8) prints
 * 1/(2 n e^{beta}) for SA, which (6.7) does not imply.
 */
export function coneCollapseRate(model: 'sa' | 'usa', n: number, beta: number): number {
  return 1 / (2 * n * Math.exp((model === 'sa' ? 2 : 1) * beta));
}

/** The SA rate as printed in (6.8) (erratum E2), kept only so tests can show it is not what (6.7) implies. */
export function printedConeCollapseRateSA(n: number, beta: number): number {
  return 1 / (2 * n * Math.exp(beta));
}

/** States of a flow on a uniform time grid until the diameter is below `stopDiameter` or `maxT` is passed. */
export interface SampledFlow {
  readonly times: number[];
  readonly states: Tokens[];
  /** diameter(states[k]), computed once here for the caller. */
  readonly diameters: number[];
  /** Whether the diameter fell below `stopDiameter` within `maxT`. */
  readonly converged: boolean;
  /** True when the theorem's deadline stopped the sampling before `maxT`. */
  readonly outOfTime?: boolean;
}

/**
 * Samples the implementation's flow every `dt` up to `maxT`, `perCall` samples per flow call (each call
 * restarts from the last returned state), stopping once the diameter is below `stopDiameter`.
 * `onState` (given each state's diameter) may throw a violation as soon as one is visible.
 */
export async function sampleFlow(
  impl: Implementation,
  req: SystemRequest,
  opts: { dt: number; maxT: number; stopDiameter: number; perCall?: number; onState?: (t: number, X: Tokens, D: number) => void; deadline?: number },
): Promise<SampledFlow> {
  const perCall = opts.perCall ?? 40;
  const times: number[] = [0], states: Tokens[] = [req.X], diameters: number[] = [diameter(req.X)];
  opts.onState?.(0, req.X, diameters[0]);
  let X = req.X, t = 0;
  while (t < opts.maxT - 1e-12) {
    if (performance.now() >= (opts.deadline ?? Infinity)) return { times, states, diameters, converged: false, outOfTime: true };
    const rel = Array.from({ length: perCall }, (_, k) => (k + 1) * opts.dt).filter((r) => t + r <= opts.maxT + 1e-12);
    const got = await flowOf(impl, { ...req, X, times: rel });
    for (let k = 0; k < got.length; k++) {
      const D = diameter(got[k]);
      times.push(t + rel[k]);
      states.push(got[k]);
      diameters.push(D);
      opts.onState?.(t + rel[k], got[k], D);
      if (D < opts.stopDiameter) return { times, states, diameters, converged: true };
    }
    X = got[got.length - 1];
    t += rel[rel.length - 1];
  }
  return { times, states, diameters, converged: false };
}

/**
 * Lemma 6.4 (cone collapse), with the rate of (6.7) (erratum E2): from a start in an open hemisphere, once
 * alpha(t) = min_i <x_i(t), x*> >= 1/2 at t0, 1 - alpha(t) <= (1/2) exp(-lambda (t - t0)).
 *
 * Two checks. (a) Without knowing x*: x* lies in the cone of the tokens at every time (S10), so
 * alpha(s) >= min_{ij} <x_i(s), x_j(s)> >= 1 - D(s)^2/2 and t0 <= t1, the first sample with diameter D <= 1;
 * and 1 - alpha(t) >= D(t)^2/8 for any unit x*. Hence D(t)^2 <= 4 exp(-lambda (t - t1)) for t >= t1, which is
 * checked on every sample as it arrives (so a flow that never converges still fails). (b) Once converged,
 * x* = the normalised mean of the last state and the lemma is checked as printed (with t0 the first sample
 * with alpha >= 1/2, which only weakens the bound).
 */
export const coneCollapseRateTheorem: Theorem<SystemCase> = {
  id: 'L6.4',
  title: 'after alpha(t) >= 1/2, 1 - alpha(t) <= (1/2) exp(-(t - t0)/(2 n e^{2 beta})) (SA; e^{beta} for USA)',
  source: 'Lemma 6.4, (6.7)-(6.8); §2 S10',
  errata: ['E2'],
  hypotheses: 'SA or USA, Q = K = V = I; n in [2, 8], d in [2, 4], beta in [0, 2]; X(0) in an open hemisphere (hemisphere, clustered or nearly clustered families)',
  conclusion:
    '(a) D(t)^2 <= 4 exp(-lambda (t - t1)) + tol for every sample t >= t1; (b) if the diameter reaches max(1e-10, 10 flowRtol) by t = 120: 1 - alpha(t) <= (1/2) exp(-lambda (t - t0)) + tol; lambda = 1/(2 n e^{2 beta}) (SA), 1/(2 n e^{beta}) (USA)',
  tolerance:
    'absolute 10 flowRtol on D^2 and on 1 - alpha (each state is accurate to flowRtol; chained restarts add at most a few flowRtol over the grid), plus the final diameter for (b), which bounds the error of x*',
  tier: 'must',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa', 'usa'] },
  runs: 16,
  arbitrary: (ctx) => systemArbitrary({ models: ctx.models, n: [2, 8], d: [2, 4], beta: [0, 2], configurations: ['hemisphere', 'clustered', 'nearly-clustered'] }),
  async check(ctx, c) {
    const req = requestOf(c);
    if (!hemisphereCertificate(tokensOf(c)).inHemisphere) return { status: 'inconclusive', reason: 'start not in an open hemisphere to float64 accuracy' };
    const n = req.X.rows;
    const lambda = coneCollapseRate(c.model, n, c.beta);
    const tol = 10 * ctx.profile.flowRtol;
    let t1: number | null = null;
    const run = await sampleFlow(ctx.impl, req, {
      dt: 0.5,
      maxT: 120,
      deadline: ctx.deadline,
      stopDiameter: Math.max(1e-10, 10 * ctx.profile.flowRtol),
      onState: (t, _X, D) => {
        if (t1 === null && D <= 1) t1 = t;
        if (t1 !== null) {
          const bound = 4 * Math.exp(-lambda * (t - t1));
          if (D * D > bound + tol) {
            throw new Violation(`diameter^2 = ${fmt(D * D)} at t = ${fmt(t)} exceeds 4 exp(-lambda (t - t1)) = ${fmt(bound)} (t1 = ${fmt(t1)}, lambda = ${fmt(lambda)})`, {
              quantity: 'D(t)^2 - 4 exp(-lambda (t - t1))', measured: D * D - bound, tolerance: tol, expected: `lambda = 1/(2 n e^{${c.model === 'sa' ? 2 : 1} beta})`,
            });
          }
        }
      },
    });
    if (run.outOfTime) return { status: 'inconclusive', reason: 'the time budget ran out before the diameter converged' };
    if (!run.converged) return { status: 'inconclusive', reason: `diameter not below max(1e-10, 10 flowRtol) by t = 120 (last ${fmt(run.diameters[run.diameters.length - 1])})` };
    const last = run.states[run.states.length - 1];
    const xs = normalisedMean(last);
    const tolB = tol + run.diameters[run.diameters.length - 1];
    let t0: number | null = null, worst = -Infinity;
    for (let s = 0; s < run.times.length; s++) {
      const alpha = marginAlong(run.states[s], xs);
      if (t0 === null && alpha >= 0.5) t0 = run.times[s];
      if (t0 !== null) worst = Math.max(worst, 1 - alpha - 0.5 * Math.exp(-lambda * (run.times[s] - t0)));
    }
    return assertAtMost('max_{t >= t0} (1 - alpha(t)) - (1/2) exp(-lambda (t - t0))', worst, tolB);
  },
};
