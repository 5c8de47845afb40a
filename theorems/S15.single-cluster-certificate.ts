import type { Implementation, SystemRequest } from '../src/adapters/implementation.ts';
import { diameter } from '../src/analysis/diameter.ts';
import { hemisphereCertificate } from '../src/analysis/hemisphere.ts';
import type { Tokens } from '../src/linalg/mat.ts';
import { maxAbsDiff } from '../src/linalg/mat.ts';
import { systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { flowOf } from './support.ts';
import type { Outcome, Theorem, TheoremContext, ToleranceProfile } from './types.ts';
import { fmt, Violation } from './types.ts';

/** Options of {@link runToConsensus}. Defaults in brackets. */
export interface ConsensusOptions {
  /** First horizon [1]; later horizons double. */
  readonly firstHorizon?: number;
  /** No further flow request after this time on the performance.now() clock (TheoremContext.deadline) [Infinity]. */
  readonly deadline?: number;
  /** Last horizon tried before the run is declared inconclusive [256]. */
  readonly maxHorizon?: number;
  /** Diameter that counts as one cluster [max(1e-8, flowRtol)]. */
  readonly target?: number;
  /** Horizons requested per flow call [4]. */
  readonly chunk?: number;
}

/** What {@link runToConsensus} saw. */
export type ConsensusRun =
  | {
      readonly status: 'consensus';
      /** First horizon at which the hemisphere certificate held (0 = the start). */
      readonly tCertified: number;
      /** First horizon at which the diameter was below the target. */
      readonly tConsensus: number;
      readonly diameter: number;
    }
  | { readonly status: 'budget'; readonly reason: string; readonly certified: boolean; readonly tReached: number };

/**
 * Follows the implementation's flow at doubling horizons and decides eventual clustering the way
 * THEORY.md test-design note 2 prescribes: first the hemisphere certificate (S15), then the diameter.
 * Each flow call restarts from the last returned state, so no fixed horizon is assumed.
 *
 * Throws a {@link Violation} when, after a certificate with direction w and margin m, (a) some later
 * state has min_i <x_i, w> below m (the open hemisphere is invariant and the margin non-decreasing,
 * S10), or (b) the state stops moving while its diameter is above 1e-3: in an open hemisphere the only
 * equilibria of (2.3) with V = I are consensus states (at the token with the least <x_i, w>,
 * sum_j a_ij <x_j, w> >= r sum_j a_ij forces <sum_j a_ij x_j, x_i> = sum_j a_ij, i.e. x_j = x_i).
 * Returns `budget` when the certificate or the target diameter is not reached by `maxHorizon`.
 */
export async function runToConsensus(
  impl: Implementation,
  req: SystemRequest,
  profile: ToleranceProfile,
  options: ConsensusOptions = {},
): Promise<ConsensusRun> {
  const target = options.target ?? Math.max(1e-8, profile.flowRtol);
  const maxHorizon = options.maxHorizon ?? 256;
  const chunk = options.chunk ?? 4;
  // A certificate margin above the flow's own error holds for the exact trajectory too.
  const certTol = 10 * profile.flowRtol;
  let X: Tokens = req.X;
  let t = 0;
  let cert: { w: Float64Array; margin: number; t: number; k: number } | null = null;
  let k = 0;
  const look = (S: Tokens, time: number, prev: Tokens | null): ConsensusRun | null => {
    k++;
    const D = diameter(S);
    if (!cert) {
      const h = hemisphereCertificate(S, { tol: certTol });
      if (h.inHemisphere) cert = { w: h.w, margin: h.margin, t: time, k };
    } else {
      const r = marginAlong(S, cert.w);
      const tol = 2 * profile.flowRtol * (k - cert.k + 1);
      if (r < cert.margin - tol) {
        throw new Violation(
          `tokens certified in the open hemisphere <x, w> > 0 at t = ${fmt(cert.t)} (margin ${fmt(cert.margin)}) have min_i <x_i, w> = ${fmt(r)} at t = ${fmt(time)}`,
          { quantity: 'drop of min_i <x_i(t), w> after the certificate', measured: cert.margin - r, tolerance: tol, expected: 'non-decreasing (S10, S15)' },
        );
      }
      if (prev && D > 1e-3) {
        const moved = maxAbsDiff(S, prev);
        if (moved <= 1e-6) {
          throw new Violation(
            `certified tokens stopped moving at t = ${fmt(time)} with diameter ${fmt(D)}: no equilibrium other than consensus lies in an open hemisphere`,
            { quantity: 'max displacement over a doubled horizon while the diameter exceeds 1e-3', measured: moved, tolerance: 1e-6, expected: 'moving toward consensus' },
          );
        }
      }
    }
    if (cert && D <= target) return { status: 'consensus', tCertified: cert.t, tConsensus: time, diameter: D };
    return null;
  };
  const first = look(X, 0, null);
  if (first) return first;
  let horizon = options.firstHorizon ?? 1;
  while (horizon <= maxHorizon) {
    if (performance.now() >= (options.deadline ?? Infinity)) {
      return { status: 'budget', certified: cert !== null, tReached: t, reason: `the time budget ran out at t = ${fmt(t)}, before consensus` };
    }
    const abs: number[] = [];
    for (let h = horizon; abs.length < chunk && h <= maxHorizon; h *= 2) abs.push(h);
    const states = await flowOf(impl, { ...req, X, times: abs.map((a) => a - t) });
    let prev: Tokens | null = X;
    for (let i = 0; i < states.length; i++) {
      const done = look(states[i], abs[i], prev);
      if (done) return done;
      prev = states[i];
    }
    X = states[states.length - 1];
    t = abs[abs.length - 1];
    horizon = 2 * t;
  }
  const c = cert as { t: number } | null;
  return {
    status: 'budget',
    certified: c !== null,
    tReached: t,
    reason: c ? `certified at t = ${fmt(c.t)} but diameter ${fmt(diameter(X))} > target at t = ${fmt(t)}` : `no hemisphere certificate by t = ${fmt(t)}`,
  };
}

/** min_i <x_i, w>. */
export function marginAlong(X: Tokens, w: ArrayLike<number>): number {
  const d = X.cols;
  let m = Infinity;
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += X.data[i * d + k] * w[k];
    if (s < m) m = s;
  }
  return m;
}

/** A {@link ConsensusRun} as a theorem outcome: consensus passes, an exhausted budget is inconclusive. */
export function consensusOutcome(run: ConsensusRun, target: number): Outcome {
  if (run.status === 'budget') return { status: 'inconclusive', reason: run.reason };
  return { status: 'pass', measured: run.diameter, tolerance: target };
}

/**
 * The check of S15, T4.1, T4.3 and T6.1: {@link runToConsensus} to the diameter max(1e-8, flowRtol) within
 * `maxHorizon`, as an outcome.
 */
export async function consensusCheck(ctx: TheoremContext, req: SystemRequest, maxHorizon: number): Promise<Outcome> {
  const target = Math.max(1e-8, ctx.profile.flowRtol);
  return consensusOutcome(await runToConsensus(ctx.impl, req, ctx.profile, { maxHorizon, target, deadline: ctx.deadline }), target);
}

/**
 * S15 (Lemma 6.4 + proof of Thm 4.2): once the tokens lie in an open hemisphere they stay there and
 * collapse to one point, for SA and USA with any Q, K and V = I.
 */
export const singleClusterCertificate: Theorem<SystemCase> = {
  id: 'S15',
  title: 'once the tokens lie in an open hemisphere they stay in it and converge to a single point',
  source: '§2 S15; Lemma 6.4 (Step 1 and (6.7)); proof of Thm 4.2',
  hypotheses:
    'SA or USA, V = I, Q = K = I or random Q, K; n in [2, 8], d in [2, 4], beta in [0, 2]; starts in a hemisphere, clustered, or iid uniform (certified later or never)',
  conclusion:
    'after the first horizon t_c (doubling from 1) at which the hemisphere certificate holds with direction w and margin m: min_i <x_i(t), w> >= m for t > t_c, the state keeps moving while its diameter exceeds 1e-3, and the diameter falls below max(1e-8, flowRtol) by t = 64 (else inconclusive)',
  tolerance:
    'certificate margin > 10 flowRtol (so it also holds for the exact trajectory); margin drop <= 2 flowRtol per flow state since the certificate (each restart adds one flow error); "stopped" = displacement <= 1e-6 over a doubled horizon with diameter > 1e-3',
  tier: 'should',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa', 'usa'] },
  runs: 12,
  arbitrary: (ctx) =>
    systemArbitrary({ models: ctx.models, n: [2, 8], d: [2, 4], beta: [0, 2], configurations: ['hemisphere', 'clustered', 'uniform'], matrices: ['identity', 'qk'] }),
  check: (ctx, c) => consensusCheck(ctx, requestOf(c), 64),
};
