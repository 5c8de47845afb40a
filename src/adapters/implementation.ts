import type { Mat, Tokens } from '../linalg/mat.ts';
import type { ModelKind } from '../models/params.ts';
import type { Op, SystemRequest } from '../protocol/messages.ts';
import { OPS } from '../protocol/messages.ts';

/** The protocol ops an implementation may answer (PROTOCOL.md), and the system each run carries. */
export type { Op, SystemRequest };

/** Every op, in protocol order. */
export const ALL_OPS: readonly Op[] = OPS;

/** op `flow`: states at increasing times >= 0. */
export interface FlowRequest extends SystemRequest {
  readonly times: readonly number[];
}

/** op `layer`: `steps` Post-LN layers of step `h`. */
export interface LayerRequest extends SystemRequest {
  readonly h: number;
  readonly steps: number;
}

/** op `energy`: E = (1/(2 beta n^2)) sum_{i,j} exp(beta <Q x_i, K x_j>). */
export interface EnergyRequest {
  readonly beta: number;
  readonly Q: Mat | null;
  readonly K: Mat | null;
  readonly X: Tokens;
}

/**
 * An implementation of the dynamics under test, in process: attnflow's reference, a user's JS object,
 * or a subprocess behind the protocol. Any op may be missing; theorems that need it are skipped.
 * Every op is asynchronous so the same theorem code drives in-process and out-of-process code.
 */
export interface Implementation {
  /** Name shown in reports. */
  readonly name: string;
  /** Version string, if known. */
  readonly version?: string;
  /** Models it supports. */
  readonly models: readonly ModelKind[];
  /**
   * True when op `flow` puts every token back on the sphere after each step (a retraction), as
   * attnflow's reference does. Only a hint for in-process implementations (the protocol has no such
   * field): without it, flow requests are kept short wherever the sphere repels off-sphere errors
   * (src/check/normalGrowth.ts), which an integrator without a retraction needs. Default false.
   */
  readonly retracts?: boolean;
  /** dx_i/dt at X (eq. 2.3). */
  velocity?(req: SystemRequest): Promise<Tokens>;
  /** The flow of (2.3) at each requested time. */
  flow?(req: FlowRequest): Promise<Tokens[]>;
  /** The Post-LN layer iterates X_1..X_steps. */
  layer?(req: LayerRequest): Promise<Tokens[]>;
  /** The interaction energy (Remark 3.8). */
  energy?(req: EnergyRequest): Promise<number>;
  /** Releases resources (a subprocess, workers). */
  close?(): Promise<void>;
}

/** The ops an implementation provides. */
export function supportedOps(impl: Implementation): Op[] {
  return ALL_OPS.filter((op) => typeof impl[op] === 'function');
}

/**
 * What went wrong with an answer. PROTOCOL.md's error kinds (`not-supported`, `invalid-request`,
 * `internal`), the transport failures (`crash`, `timeout`, `garbage`, `shape`), and `non-finite`: a
 * well-formed answer holding NaN or an infinity, which inside the feasibility envelope is a wrong
 * answer (the exact one is finite), not a protocol violation.
 */
export type ImplementationErrorKind = 'not-supported' | 'invalid-request' | 'internal' | 'crash' | 'timeout' | 'garbage' | 'shape' | 'non-finite';

/**
 * Thrown by an implementation adapter when the implementation answered with a protocol error, crashed,
 * hung, answered garbage, or answered a non-finite number. `kind` follows PROTOCOL.md plus the
 * transport failures.
 */
export class ImplementationError extends Error {
  readonly kind: ImplementationErrorKind;
  constructor(kind: ImplementationError['kind'], message: string) {
    super(message);
    this.name = 'ImplementationError';
    this.kind = kind;
  }
}
