import { frobenius } from '../src/linalg/mat.ts';
import { systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { sampleFlow } from './L6.4.cone-collapse-rate.ts';
import { normalisedMean, slope } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtLeast, fmt } from './types.ts';

/**
 * Thm 6.3: for d >= n and iid uniform X(0) (a.s. in an open hemisphere, Wendel), all tokens converge to one
 * point x* exponentially fast, for SA and USA and any Q, K with V = I. The late-time rate is fitted on the
 * diameter D(t) (D/2 <= max_i |x_i - x*| <= D once x* is in the cone of the tokens, so both decay at the same
 * exponential rate; unlike |x_i - x_final| token by token, D also exposes a flow that converges to several
 * distinct points) and must be at least the Lemma 6.4 bound lambda/2 (the rate of 1 - alpha halved, since
 * |x_i - x*|^2 = 2(1 - <x_i, x*>)).
 */
export const exponentialRate: Theorem<SystemCase> = {
  id: 'T6.3',
  title: 'for d >= n and iid uniform starts the diameter decays exponentially, at least at the Lemma 6.4 rate',
  source: 'Thm 6.3; Lemma 6.4 (6.7) with erratum E2; Thm 6.7 (Wendel, d >= n)',
  errata: ['E2'],
  hypotheses: 'SA or USA, V = I, Q = K = I or random Q, K; n in [2, 6], d in [n, 6], beta in [0, 2]; X(0) iid uniform',
  conclusion:
    'the least-squares slopes of log D(t) and (once D < lo/10) of log max_i |x_i(t) - x_final| over the late window [lo, hi], lo = max(1e-9, 100 flowRtol), hi = max(1e-3, 30 lo) (samples every 0.5), are both <= -lambda/2, lambda = 1/(2 n e^{2 beta b}) (SA) or 1/(2 n e^{beta b}) (USA), b = |Q|_F |K|_F (1 for the identity); inconclusive if fewer than 4 samples fall in the window by t = 100',
  tolerance:
    'none needed on the bound: the window stays 10x above the flow accuracy floor so rounding does not bend the fit; the measured rates (about 1 for SA, e^beta for USA) are 10-100x above the bound',
  tier: 'should',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa', 'usa'] },
  runs: 12,
  arbitrary: (ctx) =>
    systemArbitrary({ models: ctx.models, n: [2, 6], d: [2, 6], beta: [0, 2], configurations: ['uniform'], matrices: ['identity', 'qk'] }).filter((c) => c.X[0].length >= c.X.length),
  async check(ctx, c) {
    const req = requestOf(c);
    const n = req.X.rows;
    const b = (req.Q ? frobenius(req.Q) : 1) * (req.K ? frobenius(req.K) : 1);
    const lambda = 1 / (2 * n * Math.exp((c.model === 'sa' ? 2 : 1) * c.beta * b));
    // The window sits 100x above the flow's accuracy floor so rounding does not bend the fit.
    const lo = Math.max(1e-9, 100 * ctx.profile.flowRtol), hi = Math.max(1e-3, 30 * lo);
    const run = await sampleFlow(ctx.impl, req, { dt: 0.5, maxT: 100, stopDiameter: lo / 10, deadline: ctx.deadline });
    if (run.outOfTime) return { status: 'inconclusive', reason: 'the time budget ran out before the diameter reached the late window' };
    const ts: number[] = [], ys: number[] = [];
    for (let k = 0; k < run.times.length; k++) {
      const D = run.diameters[k];
      if (D <= hi && D >= lo) {
        ts.push(run.times[k]);
        ys.push(Math.log(D));
      }
    }
    if (ts.length < 4) {
      return { status: 'inconclusive', reason: `only ${ts.length} samples with D in [${fmt(lo)}, ${fmt(hi)}] by t = ${fmt(run.times[run.times.length - 1])}` };
    }
    assertAtLeast('late-time decay rate -d/dt log D(t)', -slope(ts, ys), lambda / 2, { expected: `>= lambda/2 = ${lambda / 2}` });
    if (!run.converged) return { status: 'pass', measured: -slope(ts, ys), tolerance: lambda / 2 };
    // Once converged, also the rate of max_i |x_i(t) - x_final| with x_final the normalised mean of the last state
    // (its error, below lo/10, stays 10x under the window).
    const last = run.states[run.states.length - 1], d = last.cols;
    const xf = normalisedMean(last);
    const te: number[] = [], ye: number[] = [];
    for (let s = 0; s < run.times.length; s++) {
      const X = run.states[s];
      let e = 0;
      for (let i = 0; i < n; i++) {
        let q = 0;
        for (let k = 0; k < d; k++) q += (X.data[i * d + k] - xf[k]) ** 2;
        e = Math.max(e, Math.sqrt(q));
      }
      if (e <= hi && e >= lo) {
        te.push(run.times[s]);
        ye.push(Math.log(e));
      }
    }
    if (te.length < 4) return { status: 'pass', measured: -slope(ts, ys), tolerance: lambda / 2 };
    return assertAtLeast('late-time decay rate -d/dt log max_i |x_i(t) - x_final|', -slope(te, ye), lambda / 2, { expected: `>= lambda/2 = ${lambda / 2}` });
  },
};
