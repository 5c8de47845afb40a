import fc from 'fast-check';
import type { Implementation } from '../src/adapters/implementation.ts';
import { ImplementationError, supportedOps } from '../src/adapters/implementation.ts';
import { referenceImplementation } from '../src/adapters/reference.ts';
import { AttnflowError } from '../src/errors.ts';
import { deriveSeed } from '../src/random/rng.ts';
import type { Theorem, TheoremContext, ToleranceProfile, ViolationDetails } from '../theorems/types.ts';
import { FLOAT64, Violation } from '../theorems/types.ts';

/** The verdict on one theorem. `inconclusive`: every run exhausted its budget before deciding. */
export type Verdict = 'passed' | 'failed' | 'inconclusive' | 'skipped';

/** The outcome of running one theorem against one implementation: one line of the JSON-lines report. */
export interface TheoremResult {
  readonly id: string;
  readonly title: string;
  readonly tier: Theorem['tier'];
  readonly kind: Theorem['kind'];
  readonly verdict: Verdict;
  /** Cases run (fast-check runs). */
  readonly runs: number;
  /** Of those, runs that were inconclusive (budget exhausted). */
  readonly inconclusiveRuns: number;
  readonly timeMs: number;
  /** The seed this theorem ran with (derived from the suite seed and the id). */
  readonly seed: number;
  readonly profile: string;
  readonly implementation: string;
  /** Why it was skipped. */
  readonly reason?: string;
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
 * checks the conclusion, shrinks a failure to a minimal counterexample, and returns a verdict with a
 * replay command. Never throws for a failing implementation.
 */
export async function runTheorem(thm: Theorem, impl: Implementation, options: RunTheoremOptions = {}): Promise<TheoremResult> {
  const suiteSeed = options.seed ?? 42;
  const seed = deriveSeed(suiteSeed, thm.id) | 0;
  const profile = options.profile ?? FLOAT64;
  const started = performance.now();
  const base = { id: thm.id, title: thm.title, tier: thm.tier, kind: thm.kind, seed, profile: profile.name, implementation: impl.name };
  const reason = skipReason(thm, impl);
  if (reason) return { ...base, verdict: 'skipped', runs: 0, inconclusiveRuns: 0, timeMs: 0, reason };

  const ctx: TheoremContext = {
    impl,
    reference: options.reference ?? referenceImplementation(),
    profile,
    models: thm.needs.models.filter((m) => impl.models.includes(m)),
  };
  const total = options.runs ?? thm.runs;
  let runs = 0, inconclusiveRuns = 0, notSupported: string | null = null;
  let worst: { measured: number; tolerance: number } | undefined;
  let report: unknown;
  const property = fc.asyncProperty(thm.arbitrary(ctx), async (c) => {
    try {
      const out = await thm.check(ctx, c);
      if (out.status === 'inconclusive') inconclusiveRuns++;
      else if (out.measured !== undefined && out.tolerance !== undefined) {
        const ratio = out.tolerance === 0 ? 0 : out.measured / out.tolerance;
        if (!worst || ratio > (worst.tolerance === 0 ? 0 : worst.measured / worst.tolerance)) {
          worst = { measured: out.measured, tolerance: out.tolerance };
          if (out.report !== undefined) report = out.report;
        }
      }
    } catch (e) {
      if (e instanceof ImplementationError && e.kind === 'not-supported') {
        notSupported = e.message;
        return true;
      }
      throw e;
    } finally {
      runs++;
      options.onRun?.(Math.min(runs, total), total);
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
  if (notSupported && !details.failed) {
    return { ...base, verdict: 'skipped', runs: 0, inconclusiveRuns: 0, timeMs, reason: `implementation answered not-supported: ${notSupported}` };
  }
  const ranCases = Math.min(runs, details.numRuns);
  if (!details.failed) {
    const verdict: Verdict = inconclusiveRuns > 0 && inconclusiveRuns >= ranCases ? 'inconclusive' : 'passed';
    return { ...base, verdict, runs: details.numRuns, inconclusiveRuns, timeMs, worst, ...(report === undefined ? {} : { report }) };
  }
  const err = details.errorInstance;
  const message = describeError(err);
  const prefix = options.replayPrefix ?? 'attnflow verify';
  return {
    ...base,
    verdict: 'failed',
    runs: details.numRuns,
    inconclusiveRuns,
    timeMs,
    worst,
    failure: {
      message,
      counterexample: details.counterexample?.[0],
      details: err instanceof Violation ? err.details : undefined,
      path: details.counterexamplePath ?? '',
      shrinks: details.numShrinks,
      replay: `${prefix} --only '${thm.id}' --seed ${suiteSeed} --path '${details.counterexamplePath ?? ''}' --runs 1`,
    },
  };
}

function describeError(err: unknown): string {
  if (err instanceof Violation) return err.message;
  if (err instanceof ImplementationError) return `implementation ${err.kind}: ${err.message}`;
  if (err instanceof AttnflowError) return `rejected input: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
