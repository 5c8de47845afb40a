import fc from 'fast-check';
import type { Implementation } from '../src/adapters/implementation.ts';
import { ImplementationError, supportedOps } from '../src/adapters/implementation.ts';
import { referenceImplementation } from '../src/adapters/reference.ts';
import { AttnflowError } from '../src/errors.ts';
import { deriveSeed } from '../src/random/rng.ts';
import type { Theorem, TheoremContext, ToleranceProfile, ViolationDetails } from '../theorems/types.ts';
import { FLOAT64, Violation } from '../theorems/types.ts';
import { envelopeFor } from '../src/check/envelope.ts';
import { guardEnvelope, EnvelopeError } from './envelopeGuard.ts';
import { guardDeadline, OutOfTimeError } from './deadlineGuard.ts';

/**
 * The verdict on one theorem, after Bowtie's taxonomy:
 * - `passed`: every case that ran met the conclusion;
 * - `failed`: the implementation answered, in time, a finite answer (or a NaN/infinity where the exact
 *   answer is finite) that violates the conclusion on the printed case;
 * - `errored`: it did not answer: a crash, a hang, a line that is not JSON, a wrong seq or shape, an
 *   `internal` or `invalid-request` error answer to a request inside the feasibility envelope;
 * - `inconclusive`: no case decided (the budget ran out first, or the theory cannot decide);
 * - `skipped`: the implementation lacks an op or model the theorem needs (the reason says which).
 */
export type Verdict = 'passed' | 'failed' | 'errored' | 'inconclusive' | 'skipped';

/** Every verdict, worst first (the order reports list them in). */
export const VERDICTS: readonly Verdict[] = ['failed', 'errored', 'inconclusive', 'passed', 'skipped'];

/** What an `errored` theorem saw: the first incident and the case whose request triggered it. */
export interface ErrorRecord {
  /** The incident kind: crash, timeout, garbage, shape, internal, invalid-request. */
  readonly kind: ImplementationError['kind'];
  readonly message: string;
  /** The case whose request triggered it (not shrunk: a hang is not a counterexample). */
  readonly case: unknown;
  readonly path: string;
  readonly replay: string;
  /** How many runs ended this way. */
  readonly count: number;
}

/** The outcome of running one theorem against one implementation: one line of the JSON-lines report. */
export interface TheoremResult {
  readonly id: string;
  readonly title: string;
  readonly tier: Theorem['tier'];
  readonly kind: Theorem['kind'];
  readonly verdict: Verdict;
  /** Cases the implementation answered and the check decided or found inconclusive. */
  readonly runs: number;
  /** Cases asked for: the theorem's default, `--runs`, or what the budget allowed. */
  readonly requestedRuns?: number;
  /** Of the runs, those that were inconclusive (budget exhausted, or the theory cannot decide). */
  readonly inconclusiveRuns: number;
  readonly timeMs: number;
  /** The seed this theorem ran with (derived from the suite seed and the id). */
  readonly seed: number;
  readonly profile: string;
  readonly implementation: string;
  /** Why it was skipped or inconclusive. */
  readonly reason?: string;
  /** True when the theorem's time budget ended it before all requested runs. */
  readonly interrupted?: boolean;
  /** The `report` of the passing run that came closest to its tolerance, when the theorem writes one. */
  readonly report?: unknown;
  /** The largest measured quantity among passing runs, with its tolerance (how close it came). */
  readonly worst?: { readonly measured: number; readonly tolerance: number };
  /** For failures: the shrunk counterexample, the violation and how to replay it. */
  readonly failure?: {
    readonly message: string;
    readonly counterexample: unknown;
    readonly details?: ViolationDetails;
    readonly path: string;
    readonly shrinks: number;
    readonly replay: string;
  };
  /** For `errored`: the first incident and the case that triggered it. */
  readonly error?: ErrorRecord;
  /** Requests the theorem built outside the feasibility envelope and attnflow did not send (its own bug). */
  readonly envelopeRefusals?: number;
  /** The first of those refusals, in words. */
  readonly envelopeProblem?: string;
}

/** Options for {@link runTheorem}. Defaults in brackets. */
export interface RunTheoremOptions {
  /** Suite seed [42]; the theorem's own seed is derived from it and the id. */
  readonly seed?: number;
  /** Override the theorem's number of runs. */
  readonly runs?: number;
  /** Tolerance profile [float64]. */
  readonly profile?: ToleranceProfile;
  /** The reference for differential checks [attnflow's engine]. */
  readonly reference?: Implementation;
  /** A fast-check path to replay a single case (from a failure's replay command). */
  readonly path?: string;
  /** Command prefix used in replay lines ["attnflow verify"]. */
  readonly replayPrefix?: string;
  /**
   * Milliseconds this theorem may take [unlimited]. No new case starts after it (a case in progress
   * finishes: the per-answer timeout bounds it); a failure found before it is still shrunk within it.
   */
  readonly timeLimitMs?: number;
  /**
   * When requests stop [twice `timeLimitMs` after the start, and never after `runDeadline`]: a case
   * still in progress then is inconclusive (properties/deadlineGuard.ts). A case may run past the
   * theorem's share, as long as its share again at most, and never past the whole run's budget.
   */
  readonly runDeadline?: number;
  /**
   * Runs that may end in a crash, garbage, a wrong shape or an error answer before the theorem stops
   * sending cases [3]. A timeout stops it at once: each further hang would cost a whole timeout.
   */
  readonly maxErrors?: number;
  /** Refuse (as an attnflow bug) requests outside the feasibility envelope [true]. */
  readonly envelope?: boolean;
  /** Called after each case (for progress display). */
  readonly onRun?: (done: number, total: number) => void;
}

/** Why `impl` cannot run `thm`, or null if it can. */
export function skipReason(thm: Theorem, impl: Implementation): string | null {
  const ops = supportedOps(impl);
  const missingOps = thm.needs.ops.filter((op) => !ops.includes(op));
  if (missingOps.length) return `needs op ${missingOps.join(', ')}`;
  const missingModels = thm.needs.models.filter((m) => !impl.models.includes(m));
  if (missingModels.length) return `needs model ${missingModels.join(', ')}`;
  return null;
}

/**
 * Runs one theorem against an implementation with fast-check: draws cases from the hypotheses,
 * checks the conclusion, shrinks a violation to a minimal counterexample, and returns a verdict with
 * a replay command. A request the implementation does not answer (crash, hang, garbage) is never
 * shrunk and never a failure: it makes the theorem `errored`, with the case that triggered it.
 * Never throws for a failing implementation.
 */
export async function runTheorem(thm: Theorem, impl: Implementation, options: RunTheoremOptions = {}): Promise<TheoremResult> {
  const suiteSeed = options.seed ?? 42;
  const seed = deriveSeed(suiteSeed, thm.id) | 0;
  const profile = options.profile ?? FLOAT64;
  const started = performance.now();
  const base = { id: thm.id, title: thm.title, tier: thm.tier, kind: thm.kind, seed, profile: profile.name, implementation: impl.name };
  const reason = skipReason(thm, impl) ?? thm.skipAtProfile?.(profile) ?? null;
  if (reason) return { ...base, verdict: 'skipped', runs: 0, inconclusiveRuns: 0, timeMs: 0, reason };

  const deadline = options.timeLimitMs === undefined ? Infinity : started + options.timeLimitMs;
  const hardDeadline = Math.min(options.timeLimitMs === undefined ? Infinity : started + 2 * options.timeLimitMs, options.runDeadline ?? Infinity);
  const ctx: TheoremContext = {
    impl: guardDeadline(options.envelope === false ? impl : guardEnvelope(impl, envelopeFor(profile.maxValue)), hardDeadline),
    reference: options.reference ?? referenceImplementation(),
    profile,
    models: thm.needs.models.filter((m) => impl.models.includes(m)),
    deadline,
  };
  const total = options.runs ?? thm.runs;
  const prefix = options.replayPrefix ?? 'attnflow verify';
  const replayOf = (path: string) => `${prefix} --only '${thm.id}' --seed ${suiteSeed} --path '${path}' --runs 1`;
  const maxErrors = options.maxErrors ?? 3;
  let executed = 0, decided = 0, inconclusiveRuns = 0, notSupported: string | null = null;
  let violated = false, halted = false, outOfTime = false, errorCount = 0, refusals = 0;
  // Time spent in the cases run so far, for the deadline's look-ahead.
  let caseMs = 0, timed = 0;
  let refusal: string | undefined;
  let firstError: Omit<ErrorRecord, 'count'> | undefined;
  let lastInconclusive: string | undefined;
  let worst: { measured: number; tolerance: number } | undefined;
  let report: unknown;
  const property = fc.asyncProperty(thm.arbitrary(ctx), async (c) => {
    const index = executed++;
    // Once stopped (a hang, or maxErrors incidents), later cases are not sent: they would not be
    // answered either, and a case nobody answered must not become a counterexample.
    if (halted || notSupported) return true;
    // Out of time: no new case starts. The deadline is kept here rather than by fast-check's
    // interruptAfterTimeLimit, which races the case in flight and reports the cut-off case as failed.
    // Nor does one start that the mean time of this theorem's cases so far says would end past it:
    // against a slow implementation a case can cost seconds, and the run's budget is a promise.
    const now = performance.now();
    if (now >= deadline || (timed > 0 && now + caseMs / timed > deadline)) {
      outOfTime = true;
      return true;
    }
    const caseStart = now;
    try {
      const out = await thm.check(ctx, c);
      if (!violated) decided++;
      if (out.status === 'inconclusive') {
        inconclusiveRuns++;
        lastInconclusive = out.reason;
      } else if (out.measured !== undefined && out.tolerance !== undefined) {
        const ratio = out.tolerance === 0 ? 0 : out.measured / out.tolerance;
        if (!worst || ratio > (worst.tolerance === 0 ? 0 : worst.measured / worst.tolerance)) {
          worst = { measured: out.measured, tolerance: out.tolerance };
          if (out.report !== undefined) report = out.report;
        }
      }
    } catch (e) {
      if (e instanceof OutOfTimeError) {
        // The share ran out inside this case: inconclusive, and no further case starts. While shrinking
        // a violation it is simply not a smaller counterexample.
        outOfTime = true;
        if (!violated) {
          decided++;
          inconclusiveRuns++;
          lastInconclusive = e.message;
        }
        return true;
      }
      if (e instanceof ImplementationError) {
        if (e.kind === 'not-supported') {
          notSupported = e.message;
          return true;
        }
        if (e.kind === 'non-finite') {
          violated = true;
          throw new Violation(`wrong answer: ${e.message}, where the exact answer is finite (the case is inside the feasibility envelope)`, {
            quantity: 'finiteness of the answer', measured: NaN, tolerance: 0,
          });
        }
        // While shrinking a violation a candidate that is not answered is simply not a smaller counterexample.
        if (!violated) {
          errorCount++;
          if (!firstError) {
            const path = options.path ?? String(index);
            firstError = { kind: e.kind, message: e.message, case: c, path, replay: replayOf(path) };
          }
          if (e.kind === 'timeout' || errorCount >= maxErrors) halted = true;
        }
        return true;
      }
      if (e instanceof EnvelopeError) {
        // Never sent, never held against the implementation: the case is discarded and another drawn
        // (fast-check's precondition), and counted, since under float64 it is attnflow's own bug.
        refusals++;
        refusal ??= e.message;
        fc.pre(false);
      }
      violated = true;
      throw e;
    } finally {
      caseMs += performance.now() - caseStart;
      timed++;
      options.onRun?.(Math.min(executed, total), total);
    }
    return true;
  });
  const details = await fc.check(property, {
    seed,
    numRuns: total,
    path: options.path,
    endOnFailure: false,
    markInterruptAsFailure: false,
  });
  const timeMs = performance.now() - started;
  const common = {
    ...base, requestedRuns: total, inconclusiveRuns, timeMs,
    ...(outOfTime ? { interrupted: true } : {}),
    ...(refusals ? { envelopeRefusals: refusals, envelopeProblem: refusal } : {}),
  };
  // Every draw discarded (outside the envelope): fast-check reports too many skipped runs, which is
  // not a counterexample. Its `failed` flag is set without an error instance in that case.
  const discardedOnly = details.failed && !violated;
  if (discardedOnly && !firstError && decided > inconclusiveRuns) {
    return { ...common, verdict: 'passed', runs: decided, worst, reason: `fast-check stopped drawing: too many cases outside the feasibility envelope (${refusal})` };
  }
  if (discardedOnly && !firstError) {
    return { ...common, verdict: 'inconclusive', runs: decided, worst, reason: `every case drawn was outside the feasibility envelope: ${refusal ?? 'no case could be sent'}` };
  }
  if (details.failed && violated) {
    const err = details.errorInstance;
    return {
      ...common,
      verdict: 'failed',
      runs: decided + 1,
      worst,
      failure: {
        message: describeError(err),
        counterexample: details.counterexample?.[0],
        details: err instanceof Violation ? err.details : undefined,
        path: details.counterexamplePath ?? '',
        shrinks: details.numShrinks,
        replay: replayOf(details.counterexamplePath ?? ''),
      },
      ...(firstError ? { error: { ...firstError, count: errorCount } } : {}),
    };
  }
  if (notSupported) {
    return { ...base, verdict: 'skipped', runs: 0, inconclusiveRuns: 0, timeMs, reason: `implementation answered not-supported: ${notSupported}` };
  }
  if (firstError) {
    const why = firstError.kind === 'timeout' ? 'it stopped at the first hang' : errorCount >= maxErrors ? `it stopped after ${errorCount} such runs` : `${errorCount} run(s) ended so`;
    return { ...common, verdict: 'errored', runs: decided, worst, reason: `${firstError.kind}: ${why}`, error: { ...firstError, count: errorCount } };
  }
  if (decided === 0 || inconclusiveRuns >= decided) {
    const why = decided === 0 ? 'the time budget ran out before the first case was decided' : `every run was inconclusive: ${lastInconclusive ?? ''}`;
    return { ...common, verdict: 'inconclusive', runs: decided, worst, reason: why };
  }
  return { ...common, verdict: 'passed', runs: decided, worst, ...(report === undefined ? {} : { report }) };
}

function describeError(err: unknown): string {
  if (err instanceof Violation) return err.message;
  if (err instanceof ImplementationError) return `implementation ${err.kind}: ${err.message}`;
  if (err instanceof AttnflowError) return `rejected input: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
