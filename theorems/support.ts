import type { FlowRequest, Implementation, LayerRequest, SystemRequest } from '../src/adapters/implementation.ts';
import { ImplementationError } from '../src/adapters/implementation.ts';
import type { Mat, Tokens } from '../src/linalg/mat.ts';
import { clone, toRows } from '../src/linalg/mat.ts';
import { normalizeRows } from '../src/linalg/vec.ts';
import { randomTangent } from './sphereCalculus.ts';
import { maxHorizon } from '../src/check/envelope.ts';
import type { NormalGrowth } from '../src/check/normalGrowth.ts';
import { MAX_NORMAL_AMPLIFICATION, normalGrowth } from '../src/check/normalGrowth.ts';
import { paramsOf } from '../src/adapters/reference.ts';
import { EnvelopeError } from '../properties/envelopeGuard.ts';
import { Violation } from './types.ts';

/**
 * Returns `Y` when it is n x d with finite entries. A wrong shape is a protocol violation (an
 * {@link ImplementationError} of kind `shape`: the theorem is errored, never shrunk); a NaN or an
 * infinity is a wrong answer (a {@link Violation}: failed), since inside the envelope the exact one is finite.
 */
export function expectShape(Y: Tokens, n: number, d: number, what: string): Tokens {
  if (!Y || Y.rows !== n || Y.cols !== d || !(Y.data instanceof Float64Array) || Y.data.length !== n * d) {
    throw new ImplementationError('shape', `${what} has shape ${Y ? `${Y.rows} x ${Y.cols}` : String(Y)}, expected ${n} x ${d}`);
  }
  for (let i = 0; i < Y.data.length; i++) {
    if (!Number.isFinite(Y.data[i])) {
      throw new Violation(`${what} has a non-finite entry ${Y.data[i]} at [${Math.floor(i / d)}][${i % d}]`, {
        quantity: `${what} finiteness`, measured: Y.data[i], tolerance: 0, actual: toRows(Y),
      });
    }
  }
  return Y;
}

function need<K extends 'velocity' | 'flow' | 'layer' | 'energy'>(impl: Implementation, op: K): NonNullable<Implementation[K]> {
  const f = impl[op];
  if (typeof f !== 'function') throw new ImplementationError('not-supported', `implementation has no op ${op}`);
  return f.bind(impl) as NonNullable<Implementation[K]>;
}

/** The implementation's velocity at a request, shape-checked. */
export async function velocityOf(impl: Implementation, req: SystemRequest): Promise<Tokens> {
  return expectShape(await need(impl, 'velocity')(req), req.X.rows, req.X.cols, 'velocity');
}

/** Most requests one flowOf call may chain (about 5 x 10^4 time units at rate bound 1) before it is refused. */
export const MAX_CHAINED_REQUESTS = 256;

/** Most requests one flowOf call may add to keep off-sphere errors in check ({@link normalGrowth}); past it the draw is refused. */
export const MAX_NORMAL_CUTS = 2048;

/** Options of {@link flowOf}. */
export interface FlowOfOptions {
  /** Filled in with what flowOf did (requests sent, off-sphere amplification). */
  readonly plan?: FlowPlan;
  /**
   * Return the states exactly as answered [false: each token renormalised]. Only S1, which checks the
   * norms themselves, needs them raw: everywhere else a flow answer is read as the tokens' directions,
   * so that an integrator without a retraction is judged on where its tokens point, and its norm
   * error (which explicit error control bounds only loosely where the sphere attracts strongly) once, by S1.
   */
  readonly raw?: boolean;
}

/** What {@link flowOf} did to answer one flow: filled in when the caller passes an object. */
export interface FlowPlan {
  /** Requests sent to the implementation. */
  requests: number;
  /**
   * The largest factor by which one of those requests amplifies an off-sphere error, measured on the
   * reference trajectory (src/check/normalGrowth.ts); 1 for an implementation that retracts.
   */
  normalAmplification: number;
}

/**
 * The implementation's flow states, shape-checked, one per requested time. A horizon longer than the
 * feasibility envelope allows in one request (L T <= 500, src/check/envelope.ts) is asked for in
 * consecutive requests, each restarting from the last state returned (renormalised: the protocol's
 * tokens are unit vectors) and spanning at most 500 / L: the flow is autonomous, so this is the same
 * solution, and every request stays answerable by a fixed-step RK4 at h = 0.05 / L in 10^4 steps.
 * Requests are also cut where the sphere repels off-sphere errors by more than 10 within one request
 * (measured on the reference, src/check/normalGrowth.ts), so that an integrator without a retraction
 * (scipy's solve_ivp, say) can answer each of them accurately; an implementation that says it retracts
 * (`retracts: true`, in process) is not cut there.
 */
export async function flowOf(impl: Implementation, req: FlowRequest, options: FlowOfOptions = {}): Promise<Tokens[]> {
  const states = await chainedFlow(impl, req, options.plan);
  return options.raw ? states : states.map(directions);
}

/** A copy of X with every token scaled to unit length (the state's directions). */
export function directions(X: Tokens): Tokens {
  const out = clone(X);
  normalizeRows(out.data, out.rows, out.cols);
  return out;
}

async function chainedFlow(impl: Implementation, req: FlowRequest, plan?: FlowPlan): Promise<Tokens[]> {
  const span = maxHorizon(req.model, req.beta, req.Q, req.K, req.V, req.X.cols);
  const last = req.times.length ? req.times[req.times.length - 1] : 0;
  // Count before planning: a USA flow far outside the envelope has a span near 0.
  if (last > span && !(last / span <= MAX_CHAINED_REQUESTS)) {
    throw new EnvelopeError(`attnflow bug: a flow to t = ${last} needs more than ${MAX_CHAINED_REQUESTS} requests of at most 500 / L = ${span.toPrecision(3)} time units each`);
  }
  const growth = impl.retracts || !(last > 0) ? { cuts: [], amplification: 1 } : measuredGrowth(req, last);
  if (growth.cuts.length > MAX_NORMAL_CUTS) {
    throw new EnvelopeError(`attnflow bug: a flow to t = ${last} needs more than ${MAX_NORMAL_CUTS} requests to keep off-sphere errors within a factor ${MAX_NORMAL_AMPLIFICATION} each`);
  }
  if (plan) {
    plan.requests = 0;
    plan.normalAmplification = growth.amplification;
  }
  if (!(last > span) && !growth.cuts.length) {
    if (plan) plan.requests = 1;
    return flowOnce(impl, req);
  }
  // Waypoints: the requested times, the cuts (a request must end there), and evenly spaced extra
  // ones where a gap exceeds the span.
  const marks = req.times.map((t) => ({ t, wanted: true, cut: false }));
  for (const t of growth.cuts) {
    // A cut at a requested time ends the request there rather than adding one.
    const same = marks.find((m) => m.wanted && Math.abs(m.t - t) <= 1e-12 * Math.max(1, last));
    if (same) same.cut = true;
    else marks.push({ t, wanted: false, cut: true });
  }
  marks.sort((a, b) => a.t - b.t);
  const points: { t: number; wanted: boolean; cut: boolean }[] = [];
  let prev = 0;
  for (const m of marks) {
    const pieces = Math.ceil((m.t - prev) / span - 1e-12);
    for (let p = 1; p < pieces; p++) points.push({ t: prev + ((m.t - prev) * p) / pieces, wanted: false, cut: false });
    points.push(m);
    prev = m.t;
  }
  const out: Tokens[] = [];
  let X = req.X, t0 = 0, k = 0, requests = 0;
  while (k < points.length) {
    const seg: { t: number; wanted: boolean; cut: boolean }[] = [];
    while (k < points.length && points[k].t - t0 <= span * (1 + 1e-12)) {
      seg.push(points[k++]);
      if (seg[seg.length - 1].cut) break;
    }
    if (++requests > MAX_CHAINED_REQUESTS + MAX_NORMAL_CUTS) {
      throw new EnvelopeError(`attnflow bug: a flow to t = ${last} needs more than ${MAX_CHAINED_REQUESTS + MAX_NORMAL_CUTS} requests`);
    }
    if (plan) plan.requests = requests;
    const states = await flowOnce(impl, { ...req, X, times: seg.map((p) => p.t - t0) });
    seg.forEach((p, j) => p.wanted && out.push(states[j]));
    X = directions(states[states.length - 1]);
    t0 = seg[seg.length - 1].t;
  }
  return out;
}

/** {@link normalGrowth} of a request; attnflow's own failure to measure it discards the case rather than failing the implementation. */
function measuredGrowth(req: FlowRequest, last: number): NormalGrowth {
  try {
    return normalGrowth(req.X, paramsOf(req), last);
  } catch (e) {
    throw new EnvelopeError(`attnflow bug: the off-sphere growth of a flow to t = ${last} could not be measured on the reference (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** One flow request, shape-checked: a wrong number of states is a protocol violation (errored). */
async function flowOnce(impl: Implementation, req: FlowRequest): Promise<Tokens[]> {
  const states = await need(impl, 'flow')(req);
  if (!Array.isArray(states) || states.length !== req.times.length) {
    throw new ImplementationError('shape', `flow returned ${Array.isArray(states) ? states.length : typeof states} states for ${req.times.length} times`);
  }
  return states.map((s, k) => expectShape(s, req.X.rows, req.X.cols, `flow state at t = ${req.times[k]}`));
}

/** The implementation's layer iterates, shape-checked: a wrong number of states is a protocol violation (errored). */
export async function layerOf(impl: Implementation, req: LayerRequest): Promise<Tokens[]> {
  const states = await need(impl, 'layer')(req);
  if (!Array.isArray(states) || states.length !== req.steps) {
    throw new ImplementationError('shape', `layer returned ${Array.isArray(states) ? states.length : typeof states} states for ${req.steps} steps`);
  }
  return states.map((s, k) => expectShape(s, req.X.rows, req.X.cols, `layer state ${k + 1}`));
}

/** The implementation's energy, checked finite. */
export async function energyOf(impl: Implementation, req: Parameters<NonNullable<Implementation['energy']>>[0]): Promise<number> {
  const e = await need(impl, 'energy')(req);
  if (typeof e !== 'number' || !Number.isFinite(e)) {
    throw new Violation(`energy returned ${String(e)}`, { quantity: 'energy finiteness', measured: NaN, tolerance: 0, actual: e });
  }
  return e;
}

/** max_i | |x_i| - 1 |. */
export function maxNormDefect(X: Tokens): number {
  let m = 0;
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let k = 0; k < X.cols; k++) s += X.data[i * X.cols + k] ** 2;
    m = Math.max(m, Math.abs(Math.sqrt(s) - 1));
  }
  return m;
}

/** max_i |<x_i, v_i>|: how far a field is from tangent. */
export function maxTangencyDefect(X: Tokens, Vel: Tokens): number {
  let m = 0;
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let k = 0; k < X.cols; k++) s += X.data[i * X.cols + k] * Vel.data[i * X.cols + k];
    m = Math.max(m, Math.abs(s));
  }
  return m;
}

/** max_i |row_i(a) - row_i(b)| / (scale_i) with scale_i = max(|row_i(b)|, floor): a mixed relative/absolute row error. */
export function maxRowError(a: Tokens, b: Tokens, floor: number): number {
  let m = 0;
  const d = a.cols;
  for (let i = 0; i < a.rows; i++) {
    let e = 0, r = 0;
    for (let k = 0; k < d; k++) {
      e += (a.data[i * d + k] - b.data[i * d + k]) ** 2;
      r += b.data[i * d + k] ** 2;
    }
    const err = Math.sqrt(e) / Math.max(Math.sqrt(r), floor);
    if (!(err <= m)) m = err;
  }
  return m;
}

/** max_i |row_i(a) - row_i(b)|: the distance in the max-row Euclidean norm. */
export function maxRowDistance(a: Tokens, b: Tokens): number {
  let m = 0;
  const d = a.cols;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += (a.data[i * d + k] - b.data[i * d + k]) ** 2;
    m = Math.max(m, Math.sqrt(s));
  }
  return m;
}

/** (sum_i x_i) / |sum_i x_i|: the direction of the tokens' mean, the consensus point once they have collapsed. */
export function normalisedMean(X: Tokens): Float64Array {
  const d = X.cols, m = new Float64Array(d);
  for (let i = 0; i < X.rows; i++) for (let k = 0; k < d; k++) m[k] += X.data[i * d + k];
  const r = Math.hypot(...m);
  for (let k = 0; k < d; k++) m[k] /= r;
  return m;
}

/** d max_ij |M_ij|, and 1 for the identity (null): the matrix scale the M-SA, M-USA, M-DISC, S3 and S7 tolerances are written in. */
export function entryScale(M: Mat | null, d: number): number {
  return M ? Math.max(...Array.from(M.data, Math.abs)) * d : 1;
}

/** Least-squares slope of y against t. */
export function slope(t: readonly number[], y: readonly number[]): number {
  const m = t.length;
  const tm = t.reduce((a, b) => a + b, 0) / m, ym = y.reduce((a, b) => a + b, 0) / m;
  let num = 0, den = 0;
  for (let k = 0; k < m; k++) {
    num += (t[k] - tm) * (y[k] - ym);
    den += (t[k] - tm) ** 2;
  }
  return num / den;
}

/** Rows of X permuted: row i of the result is row perm[i] of X. */
export function permuteRows(X: Tokens, perm: readonly number[]): Tokens {
  const d = X.cols;
  const out = new Float64Array(X.data.length);
  for (let i = 0; i < X.rows; i++) out.set(X.data.subarray(perm[i] * d, perm[i] * d + d), i * d);
  return { rows: X.rows, cols: d, data: out };
}

/** Amplification estimates above this make a flow comparison meaningless at any float64 accuracy. */
export const MAX_AMPLIFICATION = 1e5;

/** Relative sizes of the perturbations {@link flowAmplification} tries: a linear response gives the same A for both. */
export const AMPLIFICATION_PERTURBATIONS = [1e-6, 1e-9] as const;

/** Extra times, evenly spaced on (0, T], at which {@link flowAmplification} also compares the perturbed flows. */
export const AMPLIFICATION_GRID = 32;

/**
 * How much the flow of `req` amplifies a perturbation of its initial state, measured on the reference:
 * max over two seeded tangent directions u, two sizes delta (1e-6 and 1e-9) and the requested times plus
 * 32 evenly spaced ones of |flow_t(R(X + delta u)) - flow_t(X)|_max / |R(X + delta u) - X|_max, at least 1.
 * An integrator accurate to rtol per unit of state commits errors that the flow then amplifies like
 * any perturbation, so a correct implementation's global error is about rtol times this (issue 11:
 * flow comparisons scale their tolerance by it). Two sizes and the dense grid because a finite
 * perturbation measures the linear amplification only while it stays small: near an unstable
 * equilibrium (two antipodal tokens at beta = 0 with a general V grow apart like e^{3t}) a perturbation
 * of 1e-6 saturates, both flows fall onto the same attractor, and at t = 22.7 they differed by only
 * 1.4e4 times 1e-6 while rounding alone had been amplified by about e^68; at 1e-9 the saturated
 * response shows as a ratio far above {@link MAX_AMPLIFICATION}, so the case is inconclusive.
 */
export async function flowAmplification(reference: Implementation, req: FlowRequest, seed = 1): Promise<number> {
  const T = req.times.length ? req.times[req.times.length - 1] : 0;
  const grid = Array.from({ length: AMPLIFICATION_GRID }, (_, k) => (T * (k + 1)) / AMPLIFICATION_GRID);
  const times = [...new Set([...req.times, ...grid])].sort((a, b) => a - b);
  const dense = { ...req, times };
  const base = await need(reference, 'flow')(dense);
  let A = 1;
  for (const dir of [seed, seed + 1]) {
    const u = randomTangent(req.X, dir);
    for (const delta of AMPLIFICATION_PERTURBATIONS) {
      const Xp = { rows: req.X.rows, cols: req.X.cols, data: Float64Array.from(req.X.data, (x, k) => x + delta * u.data[k]) };
      normalizeRows(Xp.data, Xp.rows, Xp.cols);
      const d0 = maxRowDistance(Xp, req.X);
      if (!(d0 > 0)) continue;
      const pert = await need(reference, 'flow')({ ...dense, X: Xp });
      for (let k = 0; k < base.length; k++) A = Math.max(A, maxRowDistance(pert[k], base[k]) / d0);
    }
  }
  return A;
}
