import type fc from 'fast-check';
import type { Implementation, Op } from '../src/adapters/implementation.ts';
import type { ModelKind } from '../src/models/params.ts';

/**
 * How binding a claim is: `must` (an implementation that fails it is wrong: invariants, identities,
 * agreement with the reference), `should` (asymptotic claims checked within a budget), `may`
 * (statistical and exploratory).
 */
export type Tier = 'must' | 'should' | 'may';

/** THEORY.md §6's numerical kinds. */
export type CheckKind = 'exact' | 'floating' | 'high-prec' | 'statistical';

/**
 * The accuracy an implementation claims. Theorem tolerances are written in terms of these so one
 * theorem serves float64 and float32 implementations.
 */
export interface ToleranceProfile {
  /** `float64` (default), `float32`, or `custom`. */
  readonly name: string;
  /** Unit roundoff of the arithmetic: 2^-52 for float64, 2^-23 for float32. */
  readonly eps: number;
  /** Relative accuracy the implementation's `flow` op is held to over horizons of order 1. */
  readonly flowRtol: number;
  /** Largest finite number of the arithmetic [float64's, 1.8e308]: bounds the envelope's exponents. */
  readonly maxValue?: number;
}

/** The default profile: float64 arithmetic, flows accurate to 1e-8 relative. */
export const FLOAT64: ToleranceProfile = { name: 'float64', eps: 2 ** -52, flowRtol: 1e-8 };
/** float32 arithmetic, flows accurate to 1e-4 relative. */
export const FLOAT32: ToleranceProfile = { name: 'float32', eps: 2 ** -23, flowRtol: 1e-4, maxValue: 3.4028234663852886e38 };

/** What a theorem's check may use. */
export interface TheoremContext {
  /** The implementation under test. */
  readonly impl: Implementation;
  /** attnflow's reference engine, for differential checks. */
  readonly reference: Implementation;
  /** Tolerance profile in force. */
  readonly profile: ToleranceProfile;
  /** Models both the theorem needs and the implementation supports. */
  readonly models: readonly ModelKind[];
  /**
   * When the theorem's time runs out, on the `performance.now()` clock [Infinity]. Checks that chain
   * many flow requests (doubling horizons) stop between requests once it has passed and return
   * `inconclusive`: a case cut short by the clock is not decided either way.
   */
  readonly deadline?: number;
}

/** A check's answer for one case. A failure is thrown as a {@link Violation} so fast-check shrinks it. */
export type Outcome =
  | {
      readonly status: 'pass';
      readonly measured?: number;
      readonly tolerance?: number;
      /** Optional JSON detail kept in the result (e.g. a work-precision table). */
      readonly report?: unknown;
    }
  | { readonly status: 'inconclusive'; readonly reason: string };

/** Details of a violated conclusion: which quantity, by how much, against which tolerance. */
export interface ViolationDetails {
  /** Name of the quantity that moved, e.g. `max_i |<x_i, v_i>|`. */
  readonly quantity: string;
  /** Its measured value. */
  readonly measured: number;
  /** The tolerance it had to meet (the sense, < or >, is in the message). */
  readonly tolerance: number;
  /** What the theory requires (optional, JSON-serialisable). */
  readonly expected?: unknown;
  /** What the implementation returned (optional, JSON-serialisable). */
  readonly actual?: unknown;
}

/** Thrown by a check when the conclusion fails on a case. */
export class Violation extends Error {
  readonly details: ViolationDetails;
  constructor(message: string, details: ViolationDetails) {
    super(message);
    this.name = 'Violation';
    this.details = details;
  }
}

/**
 * One claim of THEORY.md as an executable check: hypotheses as a fast-check arbitrary, conclusion
 * as a predicate over what an implementation returns.
 */
export interface Theorem<C = unknown> {
  /** v4 id, e.g. `S1`, `T6.8`, `L6.4`, `(4.4)`. */
  readonly id: string;
  /** One-line statement. */
  readonly title: string;
  /** Where it is in the paper (section, equation) or follow-up. */
  readonly source: string;
  /** Errata of THEORY.md §0.4 the check relies on (E1..E8), encoded in corrected form. */
  readonly errata?: readonly string[];
  /** Hypotheses in words (the arbitrary encodes them). */
  readonly hypotheses: string;
  /** The conclusion in words (the check encodes it). */
  readonly conclusion: string;
  /** Tolerance policy: absolute/relative, its size and why. */
  readonly tolerance: string;
  readonly tier: Tier;
  readonly kind: CheckKind;
  /** `fast` theorems run by default; `slow` ones under `--all` / `npm run test:long`. */
  readonly cost: 'fast' | 'slow';
  /** Ops and models the check calls. */
  readonly needs: { readonly ops: readonly Op[]; readonly models: readonly ModelKind[] };
  /**
   * For theorems that call `flow`: `short` when every flow runs over a horizon of order 1 (the check
   * runs them right after the velocity and layer identities, issue 11), `long` otherwise [long].
   */
  readonly horizon?: 'short' | 'long';
  /**
   * True for the differential check of one op against the reference engine (M-SA for velocity,
   * M-FLOW for flow, HP-layer for layer, HP-energy for energy): the most decisive check of that op, so
   * `check` runs these first and a wrong op is reported within seconds [false].
   */
  readonly conformance?: boolean;
  /** Default number of fast-check runs (statistical theorems use 1 run that samples internally). */
  readonly runs: number;
  /** Statistical theorems: the probability that a correct implementation fails a run, at most 1e-6. */
  readonly falseFailureProbability?: number;
  /**
   * Why the theorem cannot decide any case at this tolerance profile (its rounding allowance exceeds
   * its slack even on the most favourable case), or null. `runTheorem` then reports it `skipped` with
   * that reason instead of running cases that can only be inconclusive.
   */
  skipAtProfile?(profile: ToleranceProfile): string | null;
  /** Cases satisfying the hypotheses. Values must be JSON-serialisable so counterexamples can be printed and replayed. */
  arbitrary(ctx: TheoremContext): fc.Arbitrary<C>;
  /** Checks the conclusion on one case; throws {@link Violation} when it fails. */
  check(ctx: TheoremContext, c: C): Promise<Outcome>;
}

/** Builds a {@link Violation} for `quantity` with `measured` against `tolerance`. */
export function violation(message: string, details: ViolationDetails): Violation {
  return new Violation(message, details);
}

/** Passes when `measured <= tolerance`, else throws a {@link Violation}. */
export function assertAtMost(quantity: string, measured: number, tolerance: number, extra: Partial<ViolationDetails> = {}): Outcome {
  if (measured <= tolerance) return { status: 'pass', measured, tolerance };
  throw new Violation(`${quantity} = ${fmt(measured)} exceeds the tolerance ${fmt(tolerance)}`, { quantity, measured, tolerance, ...extra });
}

/** Passes when `measured >= bound`, else throws a {@link Violation}. */
export function assertAtLeast(quantity: string, measured: number, bound: number, extra: Partial<ViolationDetails> = {}): Outcome {
  if (measured >= bound) return { status: 'pass', measured, tolerance: bound };
  throw new Violation(`${quantity} = ${fmt(measured)} is below the required ${fmt(bound)}`, { quantity, measured, tolerance: bound, ...extra });
}

/** Short numeric formatting for messages. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? String(Number(x.toPrecision(6))) : x.toExponential(3);
}
