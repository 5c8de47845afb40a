import { AttnflowError } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { toRows } from '../linalg/mat.ts';
import type { ModelKind } from '../models/params.ts';
import type { Implementation } from './implementation.ts';
import { ALL_OPS, ImplementationError } from './implementation.ts';
import type { RunSpec } from './subprocess.ts';
import { decodeAnswer } from './subprocess.ts';

/** A run request as plain arrays, the way PROTOCOL.md writes it (null matrices are the identity). */
export interface PlainRequest {
  readonly model: ModelKind;
  readonly beta: number;
  readonly Q: number[][] | null;
  readonly K: number[][] | null;
  readonly V: number[][] | null;
  readonly X: number[][];
  /** op flow only. */
  readonly times?: readonly number[];
  /** op layer only. */
  readonly h?: number;
  /** op layer only. */
  readonly steps?: number;
}

type Maybe<T> = T | Promise<T>;
type Rows = number[][] | Tokens;

/**
 * A JS/TS implementation written with plain arrays: any of the four ops, synchronous or not. Each op
 * receives the request as PROTOCOL.md writes it and returns rows (or a {@link Tokens} matrix).
 */
export interface PlainImplementation {
  /** Name shown in reports [`in-process`]. */
  readonly name?: string;
  readonly version?: string;
  /** Models it supports [`['sa', 'usa']`]. */
  readonly models?: readonly ModelKind[];
  velocity?(req: PlainRequest): Maybe<Rows>;
  flow?(req: PlainRequest & { readonly times: readonly number[] }): Maybe<Rows[]>;
  layer?(req: PlainRequest & { readonly h: number; readonly steps: number }): Maybe<Rows[]>;
  energy?(req: Omit<PlainRequest, 'model' | 'V'>): Maybe<number>;
}

/**
 * Wraps a user's implementation for checking: plain-array objects are converted to the
 * {@link Implementation} interface (detected by the absence of a `models` array, or forced with
 * `plain`), answers are checked for shape and finiteness, and anything else an op throws (other than
 * an {@link AttnflowError} refusing the input) becomes an {@link ImplementationError} of kind
 * `internal`, so each theorem records it as its failure.
 */
export function inProcessImplementation(impl: Implementation | PlainImplementation, plain = !Array.isArray((impl as Implementation).models)): Implementation {
  const out: { -readonly [K in keyof Implementation]: Implementation[K] } = {
    name: impl.name ?? 'in-process',
    version: impl.version,
    models: impl.models ? [...impl.models] : ['sa', 'usa'],
  };
  const wrap = (op: RunSpec['op']) => {
    const f = (impl as Record<string, unknown>)[op];
    if (typeof f !== 'function') return undefined;
    return async (req: RunSpec['req']) => {
      const spec = { op, req } as RunSpec;
      let raw: unknown;
      try {
        raw = await f.call(impl, plain ? plainRequest(spec) : req);
      } catch (e) {
        // attnflow's own input errors keep their type: runTheorem reports them as "rejected input".
        if (e instanceof ImplementationError || e instanceof AttnflowError) throw e;
        throw new ImplementationError('internal', `${op} threw ${(e as Error)?.name ?? 'an error'}: ${(e as Error)?.message ?? String(e)}`);
      }
      return decodeAnswer(spec, answerOf(op, raw));
    };
  };
  for (const op of ALL_OPS) {
    const f = wrap(op);
    if (f) (out as Record<string, unknown>)[op] = f;
  }
  if (typeof (impl as Implementation).close === 'function') out.close = () => (impl as Implementation).close!();
  return out;
}

function rows(m: Mat | null): number[][] | null {
  return m ? toRows(m) : null;
}

function plainRequest(spec: RunSpec): Record<string, unknown> {
  const r = spec.req;
  if (spec.op === 'energy') return { beta: r.beta, Q: rows(r.Q), K: rows(r.K), X: toRows(r.X) };
  const s = spec.req;
  const base: Record<string, unknown> = { model: s.model, beta: s.beta, Q: rows(s.Q), K: rows(s.K), V: rows(s.V), X: toRows(s.X) };
  if (spec.op === 'flow') base.times = [...spec.req.times];
  if (spec.op === 'layer') {
    base.h = spec.req.h;
    base.steps = spec.req.steps;
  }
  return base;
}

/** Puts a returned value in the shape of a protocol answer, so one decoder checks both paths. */
function answerOf(op: RunSpec['op'], raw: unknown): Record<string, unknown> {
  const plainRows = (v: unknown) => (isTokens(v) ? toRows(v) : v);
  if (op === 'velocity') return { velocity: plainRows(raw) };
  if (op === 'energy') return { energy: raw };
  return { states: Array.isArray(raw) ? raw.map(plainRows) : raw };
}

function isTokens(v: unknown): v is Tokens {
  return typeof v === 'object' && v !== null && (v as Tokens).data instanceof Float64Array && typeof (v as Tokens).rows === 'number';
}
