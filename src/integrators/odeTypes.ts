import type { Retraction } from './vectorField.ts';

/**
 * A stop event: a predicate on the state checked after every accepted step (and at the start).
 * When it holds, integration stops and the result says which event fired and when.
 */
export interface OdeEvent {
  /** Reported in {@link OdeResult.stoppedBy}. */
  readonly name: string;
  /** True when integration should stop. Receives a copy of the (retracted) state; may keep it. */
  readonly test: (t: number, y: Float64Array) => boolean;
}

/** Work counters of one integration. */
export interface OdeStats {
  /** Accepted steps. */
  steps: number;
  /** Rejected steps (error too large; adaptive integrators only). */
  rejected: number;
  /** Evaluations of the vector field (or of the layer update). */
  evaluations: number;
}

/** Options shared by every integrator driver. */
export interface OdeOptions {
  /** Initial time (default 0); every output time must be >= t0. */
  readonly t0?: number;
  /** Applied in place after each accepted step and to interpolated outputs (default: none). */
  readonly retraction?: Retraction;
  /**
   * Maximum number of attempted steps, accepted plus rejected (default 1e6). Running out does not
   * throw: the result is flagged `budgetExhausted` and holds the outputs reached.
   */
  readonly maxSteps?: number;
  /** Stop events, checked in order; the first that holds stops integration (default: none). */
  readonly events?: readonly OdeEvent[];
  /** Called after each accepted step with the current time and the last output time. */
  readonly onProgress?: (t: number, tEnd: number) => void;
}

/** What an integrator returns. */
export interface OdeResult {
  /** The output times reached, a prefix of the requested ones. */
  times: number[];
  /** The state at each time in `times` (fresh arrays). */
  states: Float64Array[];
  /** Set when a stop event fired: its name, index in `events`, time and state. */
  stoppedBy?: { name: string; index: number; t: number; state: Float64Array };
  /** True when `maxSteps` ran out before the last output time. */
  budgetExhausted: boolean;
  /** The time integration reached (the last output time unless stopped early). */
  t: number;
  /** Work counters. */
  stats: OdeStats;
}

/** Default step budget of every driver. */
export const DEFAULT_MAX_STEPS = 1_000_000;
