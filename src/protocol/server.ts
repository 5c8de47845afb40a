import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { paramsOf } from '../adapters/reference.ts';
import { energy } from '../energy/energy.ts';
import { AttnflowError } from '../errors.ts';
import { flow } from '../integrators/flow.ts';
import type { AttentionParams } from '../models/params.ts';
import { layer } from '../models/layer.ts';
import { velocity } from '../models/velocity.ts';
import { decodeRequestResult, encodeAnswer, encodeMatrix, parseJsonLine, readSeq } from './codec.ts';
import type { Answer, ErrorAnswer, ErrorKind, FlowRequest, HandshakeAnswer, RunRequest } from './messages.ts';
import { MODELS, OPS, PROTOCOL_VERSION } from './messages.ts';

/** The implementation block of attnflow's handshake answer. */
export const IMPLEMENTATION = { name: 'attnflow', version: '0.1.0', language: 'typescript' } as const;

/** DOPRI5 tolerances op `flow` uses unless the request overrides them (PROTOCOL.md: "as accurately as the integrator allows"). */
export const FLOW_DEFAULTS = { rtol: 1e-12, atol: 1e-14 } as const;

/** Options for {@link handleRequest} and {@link serve}. */
export interface ServerOptions {
  /** Receives one line per request when set (e.g. stderr for `attnflow serve --verbose`). Default: silent. */
  readonly log?: (line: string) => void;
}

/** The handshake answer, key order as PROTOCOL.md shows it (its line is compared byte for byte). */
export function handshakeAnswer(): HandshakeAnswer {
  return {
    ready: true,
    protocol: PROTOCOL_VERSION,
    implementation: { ...IMPLEMENTATION },
    supports: { ops: [...OPS], models: [...MODELS] },
  };
}

/** An error answer; `seq` null when the request's seq could not be read. */
export function errorAnswer(seq: number | null, kind: ErrorKind, message: string): ErrorAnswer {
  return { seq, error: { kind, message } };
}

/**
 * The server logic without any I/O: answers one parsed JSON request (PROTOCOL.md v1). Returns `null`
 * for `stop` (the only request without an answer). Never throws: bad input becomes an
 * `invalid-request` answer whose message names the field and the fix, a USA overflow (an
 * AttnflowError of kind `not-finite`) too, and any other exception an `internal` answer.
 */
export function handleRequest(obj: unknown, options: ServerOptions = {}): Answer | null {
  let parsed: ReturnType<typeof decodeRequestResult>;
  try {
    parsed = decodeRequestResult(obj);
  } catch (e) {
    // Only a hostile object (a throwing getter, a proxy) gets here: JSON.parse output cannot.
    return errorAnswer(null, 'internal', `could not read the request: ${(e as Error)?.message ?? String(e)}`);
  }
  if (!parsed.ok) return errorAnswer(parsed.seq, 'invalid-request', parsed.error.message);
  const req = parsed.request;
  if (req.cmd === 'stop') return null;
  if (req.cmd === 'start') {
    if (req.protocol !== PROTOCOL_VERSION) {
      return errorAnswer(null, 'not-supported', `protocol: version ${req.protocol} is not supported. Fix: send {"cmd":"start","protocol":${PROTOCOL_VERSION}}`);
    }
    return handshakeAnswer();
  }
  const started = Date.now();
  try {
    const answer = runOp(req);
    options.log?.(`seq ${req.seq} ${req.op}: n = ${req.X.rows}, d = ${req.X.cols}, ${Date.now() - started} ms`);
    return answer;
  } catch (e) {
    if (e instanceof AttnflowError) {
      options.log?.(`seq ${req.seq} ${req.op}: refused: ${e.message}`);
      return errorAnswer(req.seq, e.kind === 'internal' ? 'internal' : 'invalid-request', e.message);
    }
    const err = e as Error;
    options.log?.(`seq ${req.seq} ${req.op}: internal error: ${err?.stack ?? String(e)}`);
    return errorAnswer(req.seq, 'internal', `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`);
  }
}

/** Runs a validated `run` request. */
function runOp(req: RunRequest): Answer {
  if (req.op === 'energy') {
    return { seq: req.seq, energy: energy(req.X, { beta: req.beta, Q: req.Q, K: req.K }) };
  }
  const params = paramsOf(req);
  switch (req.op) {
    case 'velocity':
      return { seq: req.seq, velocity: encodeMatrix(velocity(req.X, params)) };
    case 'layer':
      return { seq: req.seq, states: layer(req.X, params, req.h, req.steps).map(encodeMatrix) };
    case 'flow':
      return { seq: req.seq, states: runFlow(req, params) };
  }
}

function runFlow(req: FlowRequest, params: AttentionParams): number[][][] {
  if (req.times.length === 0) return [];
  const res = flow(req.X, params, [...req.times], {
    integrator: 'dopri5',
    rtol: req.rtol ?? FLOW_DEFAULTS.rtol,
    atol: req.atol ?? FLOW_DEFAULTS.atol,
  });
  if (res.budgetExhausted || res.states.length < req.times.length) {
    const k = res.states.length;
    throw new AttnflowError(
      `times[${k}]`,
      `the integrator's step budget ran out before t = ${req.times[k]} (${res.stats.steps} steps taken)`,
      'request a shorter horizon, a smaller beta, or looser "rtol"/"atol"',
    );
  }
  return res.states.map(encodeMatrix);
}

/**
 * Answers one raw protocol line: the encoded answer line (without newline) or `null`, and whether the
 * line asked the server to stop. Blank lines are ignored.
 */
export function handleLine(line: string, options: ServerOptions = {}): { answer: string | null; stop: boolean } {
  if (line.trim() === '') return { answer: null, stop: false };
  let obj: unknown;
  try {
    obj = parseJsonLine(line);
  } catch (e) {
    return { answer: encodeAnswer(errorAnswer(null, 'invalid-request', (e as Error).message)), stop: false };
  }
  const answer = handleRequest(obj, options);
  if (answer === null) return { answer: null, stop: true };
  let text: string;
  try {
    text = encodeAnswer(answer);
  } catch (e) {
    text = encodeAnswer(errorAnswer(readSeq(obj), 'internal', `could not encode the answer: ${(e as Error).message}`));
  }
  return { answer: text, stop: false };
}

/**
 * The protocol loop: reads request lines from `input`, writes one answer line per request to
 * `output` as soon as it is computed, and resolves on `stop` or at the end of the input.
 */
export async function serve(input: Readable, output: Writable, options: ServerOptions = {}): Promise<void> {
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of rl) {
      const { answer, stop } = handleLine(line, options);
      if (answer !== null) output.write(answer + '\n');
      if (stop) break;
    }
  } finally {
    rl.close();
  }
}
