import { AttnflowError } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { fromRows, toRows } from '../linalg/mat.ts';
import type { ModelKind } from '../models/params.ts';
import { UNIT_TOLERANCE, validateTokens } from '../models/params.ts';
import type { Answer, EnergyRequest, FlowRequest, LayerRequest, Request, RunRequest, VelocityRequest } from './messages.ts';
import { MODELS, OPS } from './messages.ts';

/** The wire spellings of the non-finite numbers (PROTOCOL.md "Conventions"), both directions. */
const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Outcome of {@link parseRequest}: a typed request, or the error to answer with and the seq it belongs to. */
export type ParsedRequest =
  | { readonly ok: true; readonly request: Request }
  | { readonly ok: false; readonly seq: number | null; readonly error: AttnflowError };

/**
 * A wire number: a JSON number, or one of the strings "NaN", "Infinity", "-Infinity".
 * Returns `undefined` for anything else, so the caller can name the field in its own words.
 */
export function decodeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(NON_FINITE, value)) return NON_FINITE[value];
  return undefined;
}

/** A number for the wire: finite numbers unchanged, non-finite ones as their protocol strings. */
export function encodeNumber(value: number): number | string {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/**
 * One answer as one protocol line, without the trailing newline. Numbers are JSON numbers in the
 * shortest form that reads back to the same float64; NaN and the infinities become their strings.
 */
export function encodeAnswer(answer: Answer): string {
  return JSON.stringify(answer, (_key, value: unknown) => (typeof value === 'number' ? encodeNumber(value) : value));
}

/** Reads one protocol line as JSON; an unreadable line becomes an {@link AttnflowError} on field `line`. */
export function parseJsonLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (e) {
    throw new AttnflowError('line', `is not valid JSON (${(e as Error).message})`, 'send one JSON object per line, e.g. {"cmd":"start","protocol":1}');
  }
}

/**
 * The request's `seq` if it can be read as an integer, else `null`: lets an error answer carry the seq
 * of a request that is malformed in some other field.
 */
export function readSeq(obj: unknown): number | null {
  if (!isObject(obj)) return null;
  const s = decodeNumber(obj.seq);
  return s !== undefined && Number.isSafeInteger(s) ? s : null;
}

/** Parses one line into a typed request, or the error answer it deserves; never throws. */
export function parseRequest(line: string): ParsedRequest {
  let obj: unknown;
  try {
    obj = parseJsonLine(line);
  } catch (e) {
    return { ok: false, seq: null, error: e as AttnflowError };
  }
  return decodeRequestResult(obj);
}

/** Like {@link parseRequest} for an already-parsed JSON value. */
export function decodeRequestResult(obj: unknown): ParsedRequest {
  try {
    return { ok: true, request: decodeRequest(obj) };
  } catch (e) {
    if (e instanceof AttnflowError) return { ok: false, seq: readSeq(obj), error: e };
    throw e;
  }
}

/**
 * Validates a parsed JSON value against PROTOCOL.md v1 and returns the typed request. Throws an
 * {@link AttnflowError} naming the first offending field and its fix. Unknown extra fields are
 * ignored (the protocol may grow optional fields).
 */
export function decodeRequest(obj: unknown): Request {
  if (!isObject(obj)) {
    throw new AttnflowError('request', `expected a JSON object, got ${describeValue(obj)}`, 'send one JSON object per line, e.g. {"cmd":"start","protocol":1}');
  }
  if (!('cmd' in obj)) throw new AttnflowError('cmd', 'is missing', 'add "cmd": one of "start", "run", "stop"');
  const cmd = obj.cmd;
  if (cmd === 'start') {
    const p = decodeNumber(obj.protocol);
    if (p === undefined || !Number.isInteger(p)) {
      throw new AttnflowError('protocol', `expected an integer protocol version, got ${describeValue(obj.protocol)}`, 'send {"cmd":"start","protocol":1}');
    }
    return { cmd: 'start', protocol: p };
  }
  if (cmd === 'stop') return { cmd: 'stop' };
  if (cmd !== 'run') throw new AttnflowError('cmd', `unknown command ${describeValue(cmd)}`, 'use one of "start", "run", "stop"');
  return decodeRun(obj);
}

function decodeRun(obj: Record<string, unknown>): RunRequest {
  if (!('seq' in obj)) throw new AttnflowError('seq', 'is missing', 'add an integer "seq" that the answer will echo');
  const seq = decodeNumber(obj.seq);
  if (seq === undefined || !Number.isSafeInteger(seq)) {
    throw new AttnflowError('seq', `expected an integer, got ${describeValue(obj.seq)}`, 'pass an integer "seq" that the answer will echo');
  }
  const op = obj.op;
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    throw new AttnflowError('op', op === undefined ? 'is missing' : `unknown op ${describeValue(op)}`, `use one of ${OPS.map((o) => `"${o}"`).join(', ')}`);
  }
  let model: ModelKind = 'sa';
  if (op !== 'energy') {
    if (typeof obj.model !== 'string' || !(MODELS as readonly string[]).includes(obj.model)) {
      throw new AttnflowError('model', obj.model === undefined ? 'is missing' : `unknown model ${describeValue(obj.model)}`, 'use "sa" or "usa"');
    }
    model = obj.model as ModelKind;
  }
  const beta = decodeNumber(obj.beta);
  if (beta === undefined || !Number.isFinite(beta)) {
    throw new AttnflowError('beta', `expected a finite number, got ${describeValue(obj.beta)}`, 'pass a finite inverse temperature beta >= 0');
  }
  if (beta < 0) {
    throw new AttnflowError('beta', `must be >= 0, got ${beta}`, 'pass beta >= 0 (for the repulsive case use V = -I, not beta < 0)');
  }
  const X = decodeTokens(obj.X);
  const d = X.cols;
  const Q = decodeSquare(obj.Q, 'Q', d);
  const K = decodeSquare(obj.K, 'K', d);
  if (op === 'energy') {
    const r: EnergyRequest = { cmd: 'run', seq, op, beta, Q, K, X };
    return r;
  }
  const V = decodeSquare(obj.V, 'V', d);
  const base = { cmd: 'run' as const, seq, model, beta, Q, K, V, X };
  if (op === 'velocity') {
    const r: VelocityRequest = { ...base, op };
    return r;
  }
  if (op === 'layer') {
    const h = decodeNumber(obj.h);
    if (h === undefined || !Number.isFinite(h) || h <= 0) {
      throw new AttnflowError('h', `expected a finite step size > 0, got ${describeValue(obj.h)}`, 'pass "h" > 0, e.g. 0.1');
    }
    const steps = decodeNumber(obj.steps);
    if (steps === undefined || !Number.isSafeInteger(steps) || steps < 1) {
      throw new AttnflowError('steps', `expected a positive integer, got ${describeValue(obj.steps)}`, 'pass "steps" >= 1, e.g. 3');
    }
    const r: LayerRequest = { ...base, op, h, steps };
    return r;
  }
  const times = decodeTimes(obj.times);
  const rtol = decodeTolerance(obj.rtol, 'rtol');
  const atol = decodeTolerance(obj.atol, 'atol');
  const r: FlowRequest = { ...base, op: 'flow', times, ...(rtol !== undefined ? { rtol } : {}), ...(atol !== undefined ? { atol } : {}) };
  return r;
}

/** X: n >= 1 rows of d >= 1 finite numbers, each row a unit vector within {@link UNIT_TOLERANCE}. */
function decodeTokens(value: unknown): Tokens {
  if (value === undefined || value === null) throw new AttnflowError('X', 'is missing', 'pass "X" as an array of n unit rows [[...], ...]');
  const X = fromRows(decodeRows(value, 'X'), 'X');
  validateTokens(X, true, UNIT_TOLERANCE, 'X');
  return X;
}

/** Q, K, V: `null` or missing is the identity; otherwise exactly d x d (PROTOCOL.md "Conventions"). */
function decodeSquare(value: unknown, field: 'Q' | 'K' | 'V', d: number): Mat | null {
  if (value === undefined || value === null) return null;
  const m = fromRows(decodeRows(value, field), field);
  if (m.rows !== d || m.cols !== d) {
    throw new AttnflowError(field, `is ${m.rows} x ${m.cols} but the tokens have d = ${d}`, `pass a ${d} x ${d} matrix as ${d} rows, or null for the identity`);
  }
  return m;
}

/** Maps wire rows to number rows (non-finite strings revived so the error names the entry and its value). */
function decodeRows(value: unknown, field: string): number[][] {
  if (!Array.isArray(value)) {
    throw new AttnflowError(field, `expected an array of rows, got ${describeValue(value)}`, `pass ${field} as [[...], [...], ...]`);
  }
  return value.map((row: unknown, i: number) => {
    if (!Array.isArray(row)) {
      throw new AttnflowError(`${field}[${i}]`, `expected an array of numbers, got ${describeValue(row)}`, 'make every row an array of numbers');
    }
    return row.map((v: unknown, j: number) => {
      const x = decodeNumber(v);
      if (x === undefined) {
        throw new AttnflowError(`${field}[${i}][${j}]`, `expected a number, got ${describeValue(v)}`, 'replace it by a finite number');
      }
      return x;
    });
  });
}

/** times: an array of finite numbers, >= 0 and non-decreasing (PROTOCOL.md op flow). */
function decodeTimes(value: unknown): number[] {
  if (!Array.isArray(value)) {
    throw new AttnflowError('times', `expected an array of times, got ${describeValue(value)}`, 'pass "times" as [t1, t2, ...] with 0 <= t1 <= t2 <= ...');
  }
  const out: number[] = [];
  for (let k = 0; k < value.length; k++) {
    const t = decodeNumber(value[k]);
    if (t === undefined || !Number.isFinite(t) || t < 0) {
      throw new AttnflowError(`times[${k}]`, `expected a finite time >= 0, got ${describeValue(value[k])}`, 'pass times >= 0 in increasing order');
    }
    if (k > 0 && t < out[k - 1]) {
      throw new AttnflowError(`times[${k}]`, `${t} comes after the larger time ${out[k - 1]}`, 'sort the times in increasing order');
    }
    out.push(t);
  }
  return out;
}

function decodeTolerance(value: unknown, field: 'rtol' | 'atol'): number | undefined {
  if (value === undefined || value === null) return undefined;
  const x = decodeNumber(value);
  if (x === undefined || !Number.isFinite(x) || x <= 0) {
    throw new AttnflowError(field, `expected a finite tolerance > 0, got ${describeValue(value)}`, `omit "${field}" or pass a positive number such as 1e-12`);
  }
  return x;
}

/** A matrix as wire rows (plain number arrays; {@link encodeAnswer} spells the non-finite entries). */
export function encodeMatrix(m: Mat): number[][] {
  return toRows(m);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A short rendering of a bad value for an error message (never the whole of a big array): `absent`
 * names an undefined value (default "nothing"), and a scalar's JSON is cut to `max` characters
 * (default 60) ending in "...".
 */
export function describeValue(v: unknown, absent = 'nothing', max = 60): string {
  if (v === undefined) return absent;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
