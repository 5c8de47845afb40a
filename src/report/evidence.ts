import type { Implementation } from '../adapters/implementation.ts';
import { referenceImplementation } from '../adapters/reference.ts';
import { clusters } from '../analysis/clusters.ts';
import { diameter } from '../analysis/diameter.ts';
import { energy, energyBeta0 } from '../energy/energy.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { fromRows, toRows } from '../linalg/mat.ts';
import type { ModelKind } from '../models/params.ts';
import type { TheoremResult } from '../../properties/runTheorem.ts';
import { theorems as registered } from '../../theorems/index.ts';
import type { Theorem, ToleranceProfile } from '../../theorems/types.ts';
import { maxNormDefect } from '../../theorems/support.ts';

/** One quantity over time along a trajectory, the implementation's against the reference's. */
export interface QuantityTrace {
  /** e.g. "energy E_β", "max_i ||x_i| - 1|". */
  readonly name: string;
  readonly t: readonly number[];
  /** The implementation's values (null: its trajectory could not be had). */
  readonly impl: readonly number[] | null;
  /** The reference's values (null: the reference failed too). */
  readonly reference: readonly number[] | null;
  /** The tolerance band, e.g. reference ± tolerance, with what it is. */
  readonly band?: { readonly label: string; readonly lo: readonly number[]; readonly hi: readonly number[] };
  /** A tolerance curve to draw as a line (for deviation panels), with its label. */
  readonly limit?: { readonly label: string; readonly y: readonly number[] };
  /** Piecewise constant (cluster counts). */
  readonly step?: boolean;
  /** Log y axis (deviations, distances from the sphere). */
  readonly logY?: boolean;
}

/**
 * What a picture of one failure is drawn from: the counterexample re-run on the implementation (while
 * its process is alive) and on attnflow's reference engine. A side that could not be had is null and
 * `note` says why; nothing here ever changes a verdict.
 */
export type Evidence =
  | { readonly kind: 'velocity'; readonly X: number[][]; readonly impl: number[][] | null; readonly reference: number[][] | null; readonly note?: string }
  | {
    readonly kind: 'trajectory';
    readonly op: 'flow' | 'layer';
    readonly X: number[][];
    readonly times: readonly number[];
    readonly implFinal: number[][] | null;
    readonly referenceFinal: number[][] | null;
    readonly quantities: readonly QuantityTrace[];
    readonly note?: string;
  }
  | { readonly kind: 'tokens'; readonly X: number[][]; readonly note?: string }
  | { readonly kind: 'none'; readonly note: string };

/** The system of a counterexample, when it carries one (model, beta, X, Q, K, V). */
export interface CaseSystem {
  readonly model: ModelKind;
  readonly beta: number;
  readonly X: Tokens;
  readonly Q: Mat | null;
  readonly K: Mat | null;
  readonly V: Mat | null;
}

function isRows(v: unknown): v is number[][] {
  return Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r) && r.length === (v[0] as unknown[]).length && r.every((x) => typeof x === 'number' && Number.isFinite(x)));
}

/** The tokens X of a counterexample as rows, or null when it has none (or they are not finite rows). */
export function caseTokens(counterexample: unknown): number[][] | null {
  const X = (counterexample as { X?: unknown } | null)?.X;
  return isRows(X) ? X : null;
}

/** Reads the system of a counterexample; null when it is not one (no X, a matrix of the wrong size, ...). */
export function caseSystem(counterexample: unknown): CaseSystem | null {
  const c = counterexample as Record<string, unknown> | null;
  const X = caseTokens(c);
  if (!c || !X) return null;
  const d = X[0].length;
  const matrix = (v: unknown): Mat | null | undefined => {
    if (v === null || v === undefined) return null;
    return isRows(v) && v.length === d && v[0].length === d ? fromRows(v) : undefined;
  };
  const Q = matrix(c.Q), K = matrix(c.K), V = matrix(c.V);
  if (Q === undefined || K === undefined || V === undefined) return null;
  const beta = typeof c.beta === 'number' && Number.isFinite(c.beta) && c.beta >= 0 ? c.beta : 1;
  const model: ModelKind = c.model === 'usa' ? 'usa' : 'sa';
  return { model, beta, X: fromRows(X), Q, K, V };
}

/** The picture a failure gets, by what the theorem is about: its ops, and what its case carries. */
export function pictureKind(result: Pick<TheoremResult, 'id' | 'failure'>, theorem?: Pick<Theorem, 'needs'>): Evidence['kind'] {
  const c = result.failure?.counterexample as Record<string, unknown> | undefined;
  if (!caseTokens(c)) return 'none';
  const ops = theorem?.needs.ops ?? [];
  if (ops.includes('flow') || ops.includes('layer') || Array.isArray(c?.times) || typeof c?.T === 'number' || typeof c?.steps === 'number') return 'trajectory';
  if (ops.includes('velocity')) return 'velocity';
  return 'tokens';
}

/** Options for {@link gatherEvidence}. Defaults in brackets. */
export interface EvidenceOptions {
  /** The reference side [attnflow's engine]. */
  readonly reference?: Implementation;
  /** Tolerance profile of the run, for the bands [float64 values]. */
  readonly profile: ToleranceProfile;
  /** Milliseconds one request may take before its side is given up [10000]. */
  readonly timeoutMs?: number;
  /** Milliseconds for all of it [60000]; failures after that get no re-run. */
  readonly totalMs?: number;
  /** Theorems to look the ids up in [the registry]. */
  readonly theorems?: readonly Theorem<any>[];
  /** Samples of a flow trajectory [41]. */
  readonly samples?: number;
}

/** Whether a result failed on the mathematics (a violation), not on the transport: only those are re-run. */
export function isMathFailure(r: TheoremResult & { incidents?: readonly { kind: string }[] }): boolean {
  if (r.verdict !== 'failed' || !r.failure) return false;
  return !(r.incidents ?? []).some((i) => i.kind !== 'restart');
}

class Timeout extends Error {}

async function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // A request still pending when we give up must not become an unhandled rejection later (on close).
  p.catch(() => undefined);
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Timeout(`no answer within ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

function why(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0].slice(0, 200) : String(e);
}

/**
 * Re-runs each mathematical failure's counterexample on the implementation and on the reference and
 * returns what its picture needs, keyed by theorem id: velocities at the tokens for velocity theorems,
 * the trajectory and its quantities over time for flow and layer theorems, the tokens otherwise.
 * Every request has a short timeout and every error is caught: evidence is for the eye only and never
 * changes a verdict or stops the run. Call it while the implementation's process is still open.
 */
export async function gatherEvidence(results: readonly (TheoremResult & { incidents?: readonly { kind: string }[] })[], impl: Implementation, options: EvidenceOptions): Promise<Record<string, Evidence>> {
  const reference = options.reference ?? referenceImplementation();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = performance.now() + (options.totalMs ?? 60_000);
  const pool = options.theorems ?? registered;
  const out: Record<string, Evidence> = {};
  for (const r of results) {
    if (!isMathFailure(r)) continue;
    if (performance.now() > deadline) {
      out[r.id] = { kind: 'none', note: 'not re-run: the time for pictures was spent on earlier failures' };
      continue;
    }
    const thm = pool.find((t) => t.id === r.id);
    try {
      out[r.id] = await evidenceFor(r, thm, impl, reference, { ...options, timeoutMs });
    } catch (e) {
      out[r.id] = { kind: 'none', note: `no picture: ${why(e)}` };
    }
  }
  return out;
}

async function evidenceFor(r: TheoremResult, thm: Theorem<any> | undefined, impl: Implementation, reference: Implementation, o: EvidenceOptions & { timeoutMs: number }): Promise<Evidence> {
  const kind = pictureKind(r, thm);
  const c = r.failure?.counterexample as Record<string, unknown>;
  const sys = caseSystem(c);
  if (kind === 'none') return { kind: 'none', note: 'the counterexample carries no tokens to draw' };
  const X = caseTokens(c)!;
  if (!sys) return { kind: 'tokens', X, note: 'the counterexample is not a system attnflow can re-run (Q, K or V of another size)' };
  if (X.length > 64 || X[0].length > 64) return { kind: 'tokens', X, note: `not re-run: n = ${X.length}, d = ${X[0].length} is too large for a picture` };
  const req = { model: sys.model, beta: sys.beta, Q: sys.Q, K: sys.K, V: sys.V, X: sys.X };
  const notes: string[] = [];
  const side = async <T>(name: string, f: (() => Promise<T>) | undefined): Promise<T | null> => {
    if (!f) {
      notes.push(`${name} does not answer this op`);
      return null;
    }
    try {
      return await within(f(), o.timeoutMs);
    } catch (e) {
      notes.push(`${name}: ${why(e)}`);
      return null;
    }
  };
  if (kind === 'velocity') {
    const vi = await side('the implementation', impl.velocity && (() => impl.velocity!(req)));
    const vr = await side('the reference', reference.velocity && (() => reference.velocity!(req)));
    return { kind: 'velocity', X, impl: vi && toRows(vi), reference: vr && toRows(vr), ...(notes.length ? { note: notes.join('; ') } : {}) };
  }
  if (kind === 'tokens') return { kind: 'tokens', X };
  // Trajectory: over the case's own horizon (its times, T, or h * steps), as flow where the theorem
  // uses flow and the implementation has it, else as layers of the case's step.
  const times = Array.isArray(c.times) ? (c.times as unknown[]).filter((t): t is number => typeof t === 'number' && Number.isFinite(t)) : [];
  const h = typeof c.h === 'number' && c.h > 0 ? c.h : 0.1;
  const steps = typeof c.steps === 'number' && c.steps >= 1 ? Math.floor(c.steps) : undefined;
  let tEnd = Math.max(0, ...times, typeof c.T === 'number' ? c.T : 0, steps ? h * steps : 0);
  if (!(tEnd > 0)) tEnd = 1;
  tEnd = Math.min(tEnd, 50);
  const wantsFlow = thm ? thm.needs.ops.includes('flow') : steps === undefined;
  const useFlow = wantsFlow ? !!impl.flow || !impl.layer : !impl.layer && !!impl.flow;
  let grid: number[];
  let implStates: Tokens[] | null, refStates: Tokens[] | null;
  if (useFlow) {
    const m = Math.max(2, o.samples ?? 41);
    grid = Array.from({ length: m }, (_, k) => Number(((tEnd * k) / (m - 1)).toPrecision(12)));
    implStates = await side('the implementation', impl.flow && (() => impl.flow!({ ...req, times: grid })));
    refStates = await side('the reference', reference.flow && (() => reference.flow!({ ...req, times: grid })));
  } else {
    const k = Math.min(200, steps ?? Math.max(1, Math.round(tEnd / h)));
    grid = Array.from({ length: k + 1 }, (_, j) => Number((j * h).toPrecision(12)));
    const withStart = (s: Tokens[] | null) => (s ? [sys.X, ...s] : null);
    implStates = withStart(await side('the implementation', impl.layer && (() => impl.layer!({ ...req, h, steps: k }))));
    refStates = withStart(await side('the reference', reference.layer && (() => reference.layer!({ ...req, h, steps: k }))));
  }
  const fits = (s: Tokens[] | null, name: string) => {
    if (s && (s.length !== grid.length || s.some((Y) => Y.rows !== sys.X.rows || Y.cols !== sys.X.cols))) {
      notes.push(`${name} returned ${s.length} states of another shape than the ${grid.length} requested`);
      return null;
    }
    return s;
  };
  implStates = fits(implStates, 'the implementation');
  refStates = fits(refStates, 'the reference');
  const quantities = trajectoryQuantities(grid, implStates, refStates, sys, o.profile, useFlow ? 'flow' : 'layer', h);
  return {
    kind: 'trajectory',
    op: useFlow ? 'flow' : 'layer',
    X,
    times: grid,
    implFinal: implStates ? toRows(implStates[implStates.length - 1]) : null,
    referenceFinal: refStates ? toRows(refStates[refStates.length - 1]) : null,
    quantities,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

function safe(f: () => number): number {
  try {
    const v = f();
    return Number.isFinite(v) ? v : NaN;
  } catch {
    return NaN;
  }
}

/**
 * The quantities the paper watches along a trajectory: the deviation from the reference against the
 * accuracy the profile asks of the op, the energy E_β (S4/S5), the distance from the sphere (S1), the
 * diameter and the cluster count (§6), each for both sides. The band is reference ± the same tolerance,
 * relative to max(1, |value|).
 */
export function trajectoryQuantities(t: readonly number[], impl: readonly Tokens[] | null, ref: readonly Tokens[] | null, sys: Pick<CaseSystem, 'beta' | 'Q' | 'K'>, profile: ToleranceProfile, op: 'flow' | 'layer', h = 0.1): QuantityTrace[] {
  // flow: flowRtol per unit time (the accuracy a flow op is held to, growing with the horizon); layer:
  // a few hundred ulps per layer (the layer is one explicit formula, so implementations agree to rounding).
  const tol = t.map((s) => (op === 'flow' ? profile.flowRtol * (1 + s) : 256 * profile.eps * Math.max(1, Math.round(s / h))));
  const tolLabel = op === 'flow' ? 'flowRtol (1 + t)' : '256 eps · layers';
  const map = (states: readonly Tokens[] | null, f: (X: Tokens) => number) => (states ? states.map((X) => safe(() => f(X))) : null);
  const out: QuantityTrace[] = [];
  if (impl && ref) {
    out.push({
      name: 'max_i |x_i − x_i^ref|',
      t,
      impl: impl.map((X, k) => safe(() => maxRowDistance(X, ref[k]))),
      reference: null,
      limit: { label: `tolerance ${tolLabel}`, y: tol },
      logY: true,
    });
  }
  const bandAround = (vals: readonly number[] | null) => vals ? {
    label: `reference ± ${tolLabel}`,
    lo: vals.map((v, k) => v - tol[k] * Math.max(1, Math.abs(v))),
    hi: vals.map((v, k) => v + tol[k] * Math.max(1, Math.abs(v))),
  } : undefined;
  const E = (X: Tokens) => (sys.beta > 0 ? energy(X, { beta: sys.beta, Q: sys.Q, K: sys.K }, { validate: false }) : energyBeta0(X, { validate: false }));
  const eRef = map(ref, E);
  out.push({ name: sys.beta > 0 ? 'energy E_β' : 'energy E_0', t, impl: map(impl, E), reference: eRef, ...(eRef ? { band: bandAround(eRef) } : {}) });
  out.push({ name: 'max_i ||x_i| − 1|', t, impl: map(impl, maxNormDefect), reference: map(ref, maxNormDefect), limit: { label: `tolerance ${tolLabel}`, y: tol }, logY: true });
  const dRef = map(ref, diameter);
  out.push({ name: 'diameter max |x_i − x_j|', t, impl: map(impl, diameter), reference: dRef, ...(dRef ? { band: bandAround(dRef) } : {}) });
  const count = (X: Tokens) => clusters(normalized(X), { delta: 1e-3 }).count;
  out.push({ name: 'clusters (⟨x_i, x_j⟩ > 1 − 10⁻³)', t, impl: map(impl, count), reference: map(ref, count), step: true });
  return out;
}

/** Rows scaled to unit length, so the cluster count of an implementation that leaves the sphere stays defined. */
function normalized(X: Tokens): Tokens {
  const data = new Float64Array(X.data);
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let k = 0; k < X.cols; k++) s += data[i * X.cols + k] ** 2;
    const r = Math.sqrt(s) || 1;
    for (let k = 0; k < X.cols; k++) data[i * X.cols + k] /= r;
  }
  return { rows: X.rows, cols: X.cols, data };
}

function maxRowDistance(A: Tokens, B: Tokens): number {
  let m = 0;
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let k = 0; k < A.cols; k++) s += (A.data[i * A.cols + k] - B.data[i * A.cols + k]) ** 2;
    m = Math.max(m, Math.sqrt(s));
  }
  return m;
}
