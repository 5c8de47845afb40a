import type { Mat, Tokens } from '../linalg/mat.ts';
import type { ModelKind } from '../models/params.ts';

/** The protocol version this module speaks (PROTOCOL.md, "Implementation protocol, version 1"). */
export const PROTOCOL_VERSION = 1;

/** The ops of a `run` request (PROTOCOL.md "Messages"). */
export type Op = 'velocity' | 'flow' | 'layer' | 'energy';

/** Every op, in the order the handshake lists them. */
export const OPS: readonly Op[] = ['velocity', 'flow', 'layer', 'energy'];

/** Every model, in the order the handshake lists them. */
export const MODELS: readonly ModelKind[] = ['sa', 'usa'];

/** `{"cmd":"start","protocol":1}`: the handshake request. */
export interface StartRequest {
  readonly cmd: 'start';
  /** The protocol version the caller speaks. */
  readonly protocol: number;
}

/** `{"cmd":"stop"}`: the implementation exits with status 0 and writes no answer. */
export interface StopRequest {
  readonly cmd: 'stop';
}

/**
 * The system every dynamics request carries, decoded: the model and its parameters (matrices are
 * {@link Mat}s, `null` = identity) and the tokens. Implementations receive it as it is
 * (src/adapters/implementation.ts).
 */
export interface SystemRequest {
  /** `sa` (eq. 2.3-2.4) or `usa` (normaliser n, §3.3). */
  readonly model: ModelKind;
  /** Inverse temperature, finite and >= 0. */
  readonly beta: number;
  /** d x d query matrix, or `null` for the identity. */
  readonly Q: Mat | null;
  /** d x d key matrix, or `null` for the identity. */
  readonly K: Mat | null;
  /** d x d value matrix, or `null` for the identity. */
  readonly V: Mat | null;
  /** n x d unit tokens. */
  readonly X: Tokens;
}

/** Fields shared by the velocity, flow and layer runs on the wire: the system plus `cmd` and `seq`. */
export interface DynamicsRunBase extends SystemRequest {
  readonly cmd: 'run';
  /** Ties the answer to this request. */
  readonly seq: number;
}

/** op `velocity`: dx_i/dt at X, eq. (2.3). */
export interface VelocityRequest extends DynamicsRunBase {
  readonly op: 'velocity';
}

/** op `flow`: the exact flow of eq. (2.3) at the requested times. */
export interface FlowRequest extends DynamicsRunBase {
  readonly op: 'flow';
  /** Output times, >= 0 and non-decreasing. */
  readonly times: readonly number[];
  /** attnflow extension (optional on the wire): DOPRI5 relative tolerance, default 1e-12. */
  readonly rtol?: number;
  /** attnflow extension (optional on the wire): DOPRI5 absolute tolerance, default 1e-14. */
  readonly atol?: number;
}

/** op `layer`: `steps` Post-LN residual layers of step `h` (THEORY.md §1.7). */
export interface LayerRequest extends DynamicsRunBase {
  readonly op: 'layer';
  /** Step size, finite and > 0. */
  readonly h: number;
  /** Number of layers, a positive integer. */
  readonly steps: number;
}

/** op `energy`: E = (1/(2 beta n^2)) sum_{i,j} exp(beta <Q x_i, K x_j>) (Remark 3.8). No model, no V. */
export interface EnergyRequest {
  readonly cmd: 'run';
  readonly seq: number;
  readonly op: 'energy';
  readonly beta: number;
  readonly Q: Mat | null;
  readonly K: Mat | null;
  readonly X: Tokens;
}

/** A decoded `run` request. */
export type RunRequest = VelocityRequest | FlowRequest | LayerRequest | EnergyRequest;

/** A decoded request of any kind. */
export type Request = StartRequest | StopRequest | RunRequest;

/** The handshake answer. */
export interface HandshakeAnswer {
  readonly ready: true;
  readonly protocol: number;
  readonly implementation: { readonly name: string; readonly version: string; readonly language: string };
  readonly supports: { readonly ops: readonly Op[]; readonly models: readonly ModelKind[] };
}

/** Answer to op `velocity`: the n x d array of dx_i/dt. */
export interface VelocityAnswer {
  readonly seq: number;
  readonly velocity: number[][];
}

/** Answer to ops `flow` and `layer`: one n x d configuration per requested time or layer. */
export interface StatesAnswer {
  readonly seq: number;
  readonly states: number[][][];
}

/** Answer to op `energy`. */
export interface EnergyAnswer {
  readonly seq: number;
  readonly energy: number;
}

/** The `error.kind` values of PROTOCOL.md "errors". */
export type ErrorKind = 'not-supported' | 'invalid-request' | 'internal';

/** An error answer; `seq` is `null` when the request's seq could not be read. */
export interface ErrorAnswer {
  readonly seq: number | null;
  readonly error: { readonly kind: ErrorKind; readonly message: string };
}

/** Any answer line. */
export type Answer = HandshakeAnswer | VelocityAnswer | StatesAnswer | EnergyAnswer | ErrorAnswer;
