import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import type { Mat } from '../linalg/mat.ts';
import { scoreMatrix } from '../models/scores.ts';
import type { ModelKind } from '../models/params.ts';

/**
 * The feasibility envelope: what attnflow promises never to ask an implementation (README "What attnflow
 * will ask your implementation"). Every request `check` sends lies inside it, so a correct float64
 * implementation with a textbook integrator answers it finitely, accurately and in a bounded number of
 * steps; a NaN, an infinity or a hang on such a request is the implementation's, never the case's.
 */
export interface EnvelopeLimits {
  /** Most tokens in one request. */
  readonly maxTokens: number;
  /** Largest dimension d. */
  readonly maxDim: number;
  /**
   * Largest beta max_ij <Q x_i, K x_j> of a USA velocity or layer request, or an energy request:
   * e^600 ~ 4e260, so the USA answers (which carry that factor) and the energy stay finite in float64.
   * SA requests have no such limit: the softmax is shift-invariant, so beta = 1e6 has a finite answer.
   */
  readonly maxExponent: number;
  /**
   * Largest beta s of a USA flow, s = ||Q^T K||_2: the USA field's speed bound |V| e^{beta s} is then
   * at most e^8 ~ 3000 |V|, so the exact flow stays finite and a step of 1e-4 / |V| resolves it.
   */
  readonly maxUsaFlowExponent: number;
  /**
   * Largest L T of a flow request, L the rate bound of {@link fieldScales} and T the last requested
   * time: a fixed-step RK4 with h = 0.05 / L needs at most 20 L T steps, so 500 means 10^4 steps.
   */
  readonly maxRateHorizon: number;
}

/** The envelope in force for float64 implementations. */
export const ENVELOPE: EnvelopeLimits = {
  maxTokens: 64,
  maxDim: 128,
  maxExponent: 600,
  maxUsaFlowExponent: 8,
  maxRateHorizon: 500,
};

/**
 * The envelope for an implementation whose largest finite number is `maxValue` (float64's by default;
 * float32's 3.4e38 under the float32 profile): USA answers and energies carry e^{beta S_ij} summed over
 * up to 64 tokens and scaled by |V|, so the exponent may reach ln(maxValue) - 8.7 (80 for float32),
 * and no more than 600; and their exact values must not underflow either (energy >= e^-exponent).
 */
export function envelopeFor(maxValue: number = Number.MAX_VALUE): EnvelopeLimits {
  return { ...ENVELOPE, maxExponent: Math.min(ENVELOPE.maxExponent, Math.floor(Math.log(maxValue) - 8.7)) };
}

/** Size scales of the field of one system (eq. 2.3), from the parameters alone. */
export interface FieldScales {
  /** An upper bound on s = ||Q^T K||_2 >= |<Q x, K y>| for unit x, y (exact up to rounding for d <= 16). */
  readonly scoreBound: number;
  /** An upper bound on ||V||_2. */
  readonly valueNorm: number;
  /** Speed bound: max_i |dx_i/dt| <= |V| (SA: convex weights) or |V| e^{beta s} (USA). */
  readonly speed: number;
  /**
   * Lipschitz bound of X -> dX/dt in the max-over-tokens norm on the sphere: SA |V| (3 + 4 beta s),
   * USA |V| e^{beta s} (3 + 2 beta s). The projection contributes 2|y| <= 2 speed, the values |V|,
   * and the weights' derivative beta w_ij (ds_ij - sum_k w_ik ds_ik) with |ds| <= 2 s.
   */
  readonly rate: number;
}

/** The scales of {@link FieldScales} for a system. */
export function fieldScales(model: ModelKind, beta: number, Q: Mat | null, K: Mat | null, V: Mat | null, d: number): FieldScales {
  const B = gramProduct(Q, K, d);
  const s = B === null ? 1 : spectralBound(B, d);
  const nu = V === null ? 1 : spectralBound(V.data, d);
  const bs = beta * s;
  if (model === 'sa') return { scoreBound: s, valueNorm: nu, speed: nu, rate: nu * (3 + 4 * bs) };
  const g = Math.exp(bs);
  return { scoreBound: s, valueNorm: nu, speed: nu * g, rate: nu * g * (3 + 2 * bs) };
}

/** Q^T K as a flat d x d array, or null when both are the identity. */
function gramProduct(Q: Mat | null, K: Mat | null, d: number): Float64Array | null {
  if (Q === null && K === null) return null;
  const B = new Float64Array(d * d);
  if (Q === null || K === null) {
    const M = (Q ?? K)!;
    // Q^T K with one factor the identity: K itself, or Q^T (same singular values).
    B.set(M.data.subarray(0, d * d));
    return B;
  }
  const k = Q.rows;
  for (let r = 0; r < k; r++) {
    for (let a = 0; a < d; a++) {
      const q = Q.data[r * d + a];
      if (q === 0) continue;
      for (let b = 0; b < d; b++) B[a * d + b] += q * K.data[r * d + b];
    }
  }
  return B;
}

/**
 * An upper bound on the spectral norm of a d x d matrix: the largest singular value (times 1 + 1e-12
 * for rounding) for d <= 16, else min(||A||_F, sqrt(||A||_1 ||A||_inf)), both of which dominate it.
 */
export function spectralBound(A: Float64Array, d: number): number {
  if (d <= 16) {
    const rows: number[][] = [];
    for (let i = 0; i < d; i++) rows.push(Array.from(A.subarray(i * d, (i + 1) * d)));
    const svd = new SingularValueDecomposition(new Matrix(rows), { computeLeftSingularVectors: false, computeRightSingularVectors: false });
    return svd.diagonal[0] * (1 + 1e-12);
  }
  let fro = 0, one = 0, inf = 0;
  const col = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let row = 0;
    for (let j = 0; j < d; j++) {
      const a = Math.abs(A[i * d + j]);
      fro += a * a;
      row += a;
      col[j] += a;
    }
    inf = Math.max(inf, row);
  }
  for (let j = 0; j < d; j++) one = Math.max(one, col[j]);
  return Math.min(Math.sqrt(fro), Math.sqrt(one * inf));
}

/** One request as the envelope sees it. */
export interface EnvelopeRequest {
  readonly op: 'velocity' | 'flow' | 'layer' | 'energy';
  readonly model?: ModelKind;
  readonly beta: number;
  readonly Q: Mat | null;
  readonly K: Mat | null;
  readonly V?: Mat | null;
  readonly X: Mat;
  readonly times?: readonly number[];
}

/** What the envelope measured on a request. */
export interface EnvelopeReading {
  readonly n: number;
  readonly d: number;
  /** beta max_ij <Q x_i, K x_j> at the request's X. */
  readonly exponent: number;
  readonly scales: FieldScales;
  /** Flow requests: the last requested time and L T. */
  readonly horizon?: number;
  readonly rateHorizon?: number;
}

/** Reads a request's envelope quantities (see {@link EnvelopeLimits}). */
export function readEnvelope(req: EnvelopeRequest): EnvelopeReading {
  const n = req.X.rows, d = req.X.cols;
  const S = scoreMatrix(req.X, req.Q, req.K);
  let smax = -Infinity;
  for (let i = 0; i < S.length; i++) if (S[i] > smax) smax = S[i];
  const exponent = req.beta === 0 ? 0 : req.beta * smax;
  const scales = fieldScales(req.model ?? 'sa', req.beta, req.Q, req.K, req.V ?? null, d);
  if (req.op !== 'flow' || !req.times?.length) return { n, d, exponent, scales };
  const horizon = req.times[req.times.length - 1];
  return { n, d, exponent, scales, horizon, rateHorizon: scales.rate * horizon };
}

/** Why a request lies outside the envelope, or null when it lies inside. */
export function envelopeProblem(req: EnvelopeRequest, limits: EnvelopeLimits = ENVELOPE): string | null {
  const r = readEnvelope(req);
  if (r.n > limits.maxTokens) return `n = ${r.n} tokens exceeds ${limits.maxTokens}`;
  if (r.d > limits.maxDim) return `d = ${r.d} exceeds ${limits.maxDim}`;
  if ((req.op === 'energy' || req.model === 'usa') && !(r.exponent <= limits.maxExponent)) {
    return `beta max <Qx_i, Kx_j> = ${r.exponent.toPrecision(4)} exceeds ${limits.maxExponent} (the exact ${req.op === 'energy' ? 'energy' : 'USA answer'} overflows the implementation's arithmetic)`;
  }
  // The energy (1/(2 beta n^2)) sum e^{beta S_ij} underflows when every score is far below 0.
  if (req.op === 'energy' && !(r.exponent >= -limits.maxExponent)) {
    return `beta max <Qx_i, Kx_j> = ${r.exponent.toPrecision(4)} is below -${limits.maxExponent} (the exact energy underflows the implementation's arithmetic)`;
  }
  if (req.op !== 'flow') return null;
  const bs = req.beta * r.scales.scoreBound;
  if (req.model === 'usa' && !(bs <= limits.maxUsaFlowExponent)) {
    return `a USA flow with beta ||Q^T K|| = ${bs.toPrecision(4)} above ${limits.maxUsaFlowExponent} (its speed bound |V| e^{beta s} = ${r.scales.speed.toPrecision(3)})`;
  }
  if (!(r.rateHorizon! <= limits.maxRateHorizon)) {
    return `flow horizon T = ${r.horizon!.toPrecision(4)} times the rate bound L = ${r.scales.rate.toPrecision(4)} is ${r.rateHorizon!.toPrecision(4)}, above ${limits.maxRateHorizon} ` +
      '(longer horizons are asked for in consecutive requests, see flowOf in theorems/support.ts)';
  }
  return null;
}

/** The last time a flow of this system may be asked for: maxRateHorizon / L (infinite at beta = 0 with V = 0). */
export function maxHorizon(model: ModelKind, beta: number, Q: Mat | null, K: Mat | null, V: Mat | null, d: number, limits: EnvelopeLimits = ENVELOPE): number {
  const { rate } = fieldScales(model, beta, Q, K, V, d);
  return rate > 0 ? limits.maxRateHorizon / rate : Infinity;
}
