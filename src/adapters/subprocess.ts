import type { Mat, Tokens } from '../linalg/mat.ts';
import type { ModelKind } from '../models/params.ts';
import { decodeNumber, describeValue, encodeNumber } from '../protocol/codec.ts';
import type { EnergyRequest, FlowRequest, Implementation, LayerRequest, Op, SystemRequest } from './implementation.ts';
import { ALL_OPS, ImplementationError } from './implementation.ts';
import type { Handshake, Incident, ProtocolClientOptions } from './protocolClient.ts';
import { ProtocolClient } from './protocolClient.ts';

/** Options for {@link subprocessImplementation}: those of the {@link ProtocolClient}. */
export type SubprocessOptions = ProtocolClientOptions;

/** An {@link Implementation} behind a child process, with what the transport learned. */
export interface SubprocessImplementation extends Implementation {
  /** The handshake answer. */
  readonly handshake: Handshake;
  /** The protocol client (incidents, stderr tail, stats). */
  readonly client: ProtocolClient;
  /** Sends several runs at once (one `batch` line when announced): the fast path for many cases. */
  runMany(requests: readonly RunSpec[]): Promise<Array<Tokens | Tokens[] | number | ImplementationError>>;
  close(): Promise<void>;
}

/** One run for {@link SubprocessImplementation.runMany}. */
export type RunSpec =
  | { readonly op: 'velocity'; readonly req: SystemRequest }
  | { readonly op: 'flow'; readonly req: FlowRequest }
  | { readonly op: 'layer'; readonly req: LayerRequest }
  | { readonly op: 'energy'; readonly req: EnergyRequest };

/**
 * Starts `command` (a shell command line), performs the PROTOCOL.md handshake and returns the
 * implementation it announces: only the ops and models of `supports` are present, so theorems that
 * need others are skipped with the reason. Answers are decoded and checked: a wrong shape throws an
 * {@link ImplementationError} of kind `shape`, a non-finite number one of kind `garbage`.
 * Throws an {@link ImplementationError} when the process cannot be started or the handshake fails.
 */
export async function subprocessImplementation(command: string, options: SubprocessOptions = {}): Promise<SubprocessImplementation> {
  const client = new ProtocolClient(command, options);
  let handshake: Handshake;
  try {
    handshake = await client.start();
  } catch (e) {
    await client.close();
    throw e;
  }
  const ops = new Set(handshake.supports.ops.filter((o): o is Op => (ALL_OPS as readonly string[]).includes(o)));
  const models = handshake.supports.models.filter((m): m is ModelKind => m === 'sa' || m === 'usa');
  const call = async (spec: RunSpec) => decodeAnswer(spec, await client.run(encodeRun(spec)));
  const impl: SubprocessImplementation = {
    name: handshake.implementation.name,
    version: handshake.implementation.version,
    models,
    handshake,
    client,
    async runMany(requests) {
      return Promise.all(requests.map((spec) => call(spec).catch((e: unknown) => asImplementationError(e))));
    },
    close: () => client.close(),
  };
  const mutable = impl as { -readonly [K in keyof Implementation]: Implementation[K] };
  if (ops.has('velocity')) mutable.velocity = async (req) => (await call({ op: 'velocity', req })) as Tokens;
  if (ops.has('flow')) mutable.flow = async (req) => (await call({ op: 'flow', req })) as Tokens[];
  if (ops.has('layer')) mutable.layer = async (req) => (await call({ op: 'layer', req })) as Tokens[];
  if (ops.has('energy')) mutable.energy = async (req) => (await call({ op: 'energy', req })) as number;
  return impl;
}

function asImplementationError(e: unknown): ImplementationError {
  return e instanceof ImplementationError ? e : new ImplementationError('internal', (e as Error)?.message ?? String(e));
}

/** The wire fields of one run (PROTOCOL.md "run"), without cmd and seq. */
export function encodeRun(spec: RunSpec): Record<string, unknown> {
  const r = spec.req;
  const base: Record<string, unknown> = { op: spec.op };
  if (spec.op !== 'energy') base.model = (r as SystemRequest).model;
  base.beta = encodeNumber(r.beta);
  base.Q = wireMatrix(r.Q);
  base.K = wireMatrix(r.K);
  if (spec.op !== 'energy') base.V = wireMatrix((r as SystemRequest).V);
  base.X = wireMatrix(r.X);
  if (spec.op === 'flow') base.times = spec.req.times.map(encodeNumber);
  if (spec.op === 'layer') {
    base.h = encodeNumber(spec.req.h);
    base.steps = spec.req.steps;
  }
  return base;
}

function wireMatrix(m: Mat | null): (number | string)[][] | null {
  if (!m) return null;
  const rows: (number | string)[][] = [];
  for (let i = 0; i < m.rows; i++) rows.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols), encodeNumber));
  return rows;
}

/** Decodes an answer object for `spec`, checking its shape and finiteness. */
export function decodeAnswer(spec: RunSpec, answer: Record<string, unknown>): Tokens | Tokens[] | number {
  const n = spec.req.X.rows, d = spec.req.X.cols;
  if (spec.op === 'velocity') return decodeTokens(answer.velocity, n, d, 'velocity');
  if (spec.op === 'energy') {
    const e = decodeNumber(answer.energy);
    if (e === undefined) throw new ImplementationError('shape', `"energy" is ${describe(answer.energy)}, expected a number`);
    if (!Number.isFinite(e)) throw new ImplementationError('non-finite', `"energy" is the non-finite number ${e}`);
    return e;
  }
  const want = spec.op === 'flow' ? spec.req.times.length : spec.req.steps;
  const states = answer.states;
  if (!Array.isArray(states)) throw new ImplementationError('shape', `"states" is ${describe(states)}, expected an array of ${want} configurations`);
  if (states.length !== want) {
    throw new ImplementationError('shape', `"states" holds ${states.length} configurations, expected ${want} (one per ${spec.op === 'flow' ? 'requested time' : 'layer'})`);
  }
  return states.map((s, k) => decodeTokens(s, n, d, `states[${k}]`));
}

function decodeTokens(value: unknown, n: number, d: number, field: string): Tokens {
  if (!Array.isArray(value)) throw new ImplementationError('shape', `"${field}" is ${describe(value)}, expected ${n} rows of ${d} numbers`);
  if (value.length !== n) throw new ImplementationError('shape', `"${field}" has ${value.length} rows, expected ${n} (one per token)`);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = value[i];
    if (!Array.isArray(row) || row.length !== d) {
      throw new ImplementationError('shape', `"${field}[${i}]" is ${describe(row)}, expected ${d} numbers`);
    }
    for (let k = 0; k < d; k++) {
      const x = decodeNumber(row[k]);
      if (x === undefined) throw new ImplementationError('shape', `"${field}[${i}][${k}]" is ${describe(row[k])}, expected a number`);
      if (!Number.isFinite(x)) throw new ImplementationError('non-finite', `"${field}[${i}][${k}]" is the non-finite number ${x}`);
      data[i * d + k] = x;
    }
  }
  return { rows: n, cols: d, data };
}

// Answers are described as "missing" when absent, and briefer than requests (40 characters).
function describe(v: unknown): string {
  return describeValue(v, 'missing', 40);
}

export type { Handshake, Incident };
