import { Decimal } from 'decimal.js';
import { hemisphereCertificate } from '../analysis/hemisphere.ts';
import { AttnflowError, assertFinite, assertInteger } from '../errors.ts';
import { decimalContext } from '../highprec/context.ts';
import type { DMat } from '../highprec/dmat.ts';
import { toDMat } from '../highprec/dmat.ts';
import { toDParams } from '../highprec/params.ts';
import { rk4StepD } from '../highprec/rk4.ts';
import type { Tokens } from '../linalg/mat.ts';
import { clone, isIdentity, mat } from '../linalg/mat.ts';
import { normalizeRows } from '../linalg/vec.ts';
import type { AttentionParams } from '../models/params.ts';
import { validateParams, validateTokens } from '../models/params.ts';
import { velocity } from '../models/velocity.ts';
import { exactHemisphereCertificate } from './exactHemisphere.ts';
import type { HemisphereCertificate } from './types.ts';
import { verifyCertificate } from './verifyCertificate.ts';
import { witnessCertificate } from './witnessCertificate.ts';

/** Options of {@link certifyOneCluster}. */
export interface CertifyOneClusterOptions {
  /** RK4 step (default 0.05). */
  readonly h?: number;
  /** Give up after this time (default 40). */
  readonly maxTime?: number;
  /** Digits of the reference RK4 (default 50). */
  readonly precision?: number;
  /** Factor on the step-halving truncation estimate (default 2). */
  readonly safety?: number;
  /**
   * Float margin the detector must report before the exact check runs (default 1e-3): margins grow once
   * inside the hemisphere (S10), so waiting for a margin well above the integration error costs little.
   */
  readonly minMargin?: number;
}

/** Upper bounds (exact decimal strings, rounded outward) on how far the float64 state may be from the true one. */
export interface IntegrationErrorBound {
  /** max_i |x_i^float - x_i^ref|, ref = `precision`-digit RK4 with the same steps, plus its own rounding allowance. */
  readonly rounding: string;
  /** safety * (16/15) * max_i |x_i^ref(h) - x_i^ref(h/2)|: Richardson estimate of the RK4 truncation error. */
  readonly truncationEstimate: string;
  /** |w| * (rounding + truncationEstimate): what the true margins can lose against the exact float margins. */
  readonly marginLoss: string;
}

/** The verdict of {@link certifyOneCluster}. */
export interface OneClusterVerdict {
  /** True when the hemisphere condition was verified at `time` (exactly on the float state, with the error bound below). */
  readonly certified: boolean;
  /** Time at which the hemisphere was certified (or the horizon reached). */
  readonly time: number;
  /** RK4 steps taken. */
  readonly steps: number;
  /** The exact hemisphere certificate of the float64 tokens at `time` (null if none was found). */
  readonly certificate: HemisphereCertificate | null;
  /** Null when certified at time 0 (no integration, nothing to bound). */
  readonly errorBound: IntegrationErrorBound | null;
  /** The theorem whose conclusion follows, and its hypotheses as checked. */
  readonly theorem: string;
  readonly hypotheses: string[];
  /** What is proved and what is estimated. */
  readonly rigour: string;
  /** Why it is not certified (absent when certified). */
  readonly reason?: string;
}

/** The self-contained float64 RK4 step, the same formula as `rk4StepD` so the two can be compared step by step. */
function rk4Step(X: Tokens, params: AttentionParams, h: number): Tokens {
  const n = X.rows, d = X.cols;
  const f = (Y: Tokens) => velocity(Y, params, { validate: false }).data;
  const ax = (k: Float64Array, s: number) => {
    const Y = clone(X);
    for (let q = 0; q < Y.data.length; q++) Y.data[q] += s * k[q];
    return Y;
  };
  const k1 = f(X), k2 = f(ax(k1, h / 2)), k3 = f(ax(k2, h / 2)), k4 = f(ax(k3, h));
  const out = mat(n, d);
  for (let q = 0; q < out.data.length; q++) out.data[q] = X.data[q] + (h / 6) * (k1[q] + 2 * k2[q] + 2 * k3[q] + k4[q]);
  normalizeRows(out.data, n, d);
  return out;
}

/** max_i |A_i - B_i| (Euclidean per row), every operation rounded upward. */
function maxRowDistUp(A: DMat, B: DMat, Up: typeof Decimal): Decimal {
  const d = A.cols;
  let worst = new Up(0);
  for (let i = 0; i < A.rows; i++) {
    let s = new Up(0);
    for (let k = 0; k < d; k++) {
      const e = new Up(A.data[i * d + k]).minus(B.data[i * d + k]).abs();
      s = s.plus(e.times(e));
    }
    const r = s.sqrt();
    if (r.gt(worst)) worst = r;
  }
  return worst;
}

/**
 * Certified one-cluster verdict for eq. (2.3) with V = I (any Q, K; SA or USA; beta >= 0):
 * integrate in float64 (classical RK4, step h, renormalised) until the float hemisphere detector
 * fires, certify the hemisphere EXACTLY on the float64 tokens reached (exact margins of w), and bound
 * how far the true state can be: if min_i <x_i^float, w> > |w| (rounding + truncation), the true
 * tokens lie in the open hemisphere of w, so by S10 it stays invariant and by Lemma 6.4 (S15) all
 * tokens converge exponentially to one point.
 * Rigorous: the exact margins; the rounding part (float vs 50-digit RK4 with the same steps, outward
 * rounded). Estimate: the truncation part (step halving with a safety factor), not a proof.
 * Certified at time 0 needs no integration, and then the verdict is fully rigorous.
 */
export function certifyOneCluster(X0: Tokens, params: AttentionParams, options: CertifyOneClusterOptions = {}): OneClusterVerdict {
  validateTokens(X0, true);
  validateParams(params, X0.cols);
  if (params.V && !isIdentity(params.V)) {
    throw new AttnflowError('params.V', 'the hemisphere certificate (S10, Lemma 6.4) needs V = I; for other V no collapse theorem applies', 'pass V = null (identity)');
  }
  const h = options.h ?? 0.05, maxTime = options.maxTime ?? 40, safety = options.safety ?? 2;
  const precision = options.precision ?? 50;
  const minMargin = options.minMargin ?? 1e-3;
  assertFinite(minMargin, 'options.minMargin');
  for (const [v, f] of [[h, 'options.h'], [maxTime, 'options.maxTime'], [safety, 'options.safety']] as const) {
    assertFinite(v, f);
    if (!(v > 0) && f !== 'options.maxTime') throw new AttnflowError(f, `must be > 0, got ${v}`, `pass a positive ${f}`);
  }
  if (safety < 1) throw new AttnflowError('options.safety', `must be >= 1, got ${safety}`, 'pass a safety factor >= 1 such as 2');
  assertInteger(precision, 'options.precision', 20, 1000);
  const model = params.model ?? 'sa';
  const theorem = params.beta > 0 ? 'Lemma 6.4 (cone collapse) via S10 / S15' : 'Thm 4.1 (beta = 0) via S10 / S15';
  const hypotheses = [
    'V = I (checked exactly: V absent or the exact identity); Q, K arbitrary',
    `model ${model}: attention weights a_ij > 0, all S10 uses`,
    `beta = ${params.beta} ${params.beta > 0 ? '> 0' : '= 0'}`,
    'all tokens in an open hemisphere at the certified time (exact rational check, then integration error bound)',
  ];
  const maxSteps = Math.ceil(maxTime / h - 1e-9);
  let X = X0;
  for (let step = 0; step <= maxSteps; step++) {
    const fl = hemisphereCertificate(X);
    if (fl.inHemisphere && (step === 0 || fl.margin >= minMargin)) {
      const cert = witnessCertificate(X, fl.w) ?? asHemisphere(exactHemisphereCertificate(X));
      if (cert && verifyCertificate(X, cert).valid) return finish(X0, X, params, step, h, precision, safety, cert, theorem, hypotheses);
    }
    if (step < maxSteps) X = rk4Step(X, params, h);
  }
  return {
    certified: false, time: maxSteps * h, steps: maxSteps, certificate: null, errorBound: null, theorem, hypotheses,
    rigour: 'nothing certified', reason: `the float64 hemisphere test never held up to t = ${maxSteps * h}`,
  };
}

function asHemisphere(c: ReturnType<typeof exactHemisphereCertificate>): HemisphereCertificate | null {
  return c.kind === 'hemisphere' ? c : null;
}

function finish(
  X0: Tokens, X: Tokens, params: AttentionParams, steps: number, h: number, precision: number, safety: number,
  cert: HemisphereCertificate, theorem: string, hypotheses: string[],
): OneClusterVerdict {
  const time = steps * h;
  if (steps === 0) {
    return {
      certified: true, time, steps, certificate: cert, errorBound: null, theorem, hypotheses,
      rigour: 'rigorous: the initial tokens themselves are certified exactly (no integration involved)',
    };
  }
  const D = decimalContext(precision);
  const Up = Decimal.clone({ precision, rounding: Decimal.ROUND_CEIL });
  const p = toDParams(params, D);
  let ref = toDMat(X0, D), half = ref;
  for (let s = 0; s < steps; s++) {
    ref = rk4StepD(ref, p, h);
    half = rk4StepD(rk4StepD(half, p, h / 2), p, h / 2);
  }
  // Allowance for the reference's own rounding: 10^{5 - precision} per step is far above 50-digit noise.
  const allowance = new Up(10).pow(5 - precision).times(steps);
  const rounding = maxRowDistUp(toDMat(X, D), ref, Up).plus(allowance);
  const trunc = maxRowDistUp(ref, half, Up).times(16).div(15).times(safety);
  let wn = new Up(0);
  for (const c of cert.w) wn = wn.plus(new Up(c).times(new Up(c)));
  const loss = wn.sqrt().times(rounding.plus(trunc));
  const ok = new Up(cert.minMargin).gt(loss);
  return {
    certified: ok, time, steps, certificate: cert,
    errorBound: { rounding: rounding.toString(), truncationEstimate: trunc.toString(), marginLoss: loss.toString() },
    theorem, hypotheses,
    rigour: 'rigorous: exact margins of the float64 tokens, and the float-vs-reference distance (outward rounded); ' +
      'estimate: the RK4 truncation error (step halving, Richardson 16/15, times the safety factor)',
    ...(ok ? {} : { reason: `min margin ${cert.minMargin} does not exceed the possible loss ${loss.toString()}` }),
  };
}
