import type { Implementation } from '../src/adapters/implementation.ts';
import type { Theorem, ToleranceProfile } from '../theorems/types.ts';
import type { RunTheoremOptions, TheoremResult } from './runTheorem.ts';
import { runTheorem } from './runTheorem.ts';

/** Options for {@link runSuite}. Defaults in brackets. */
export interface RunSuiteOptions {
  /** Include slow theorems [false]. */
  readonly all?: boolean;
  /** Comma-separated id globs (`*` wildcard), e.g. `S*,T6.8`; overrides `all` for the ids it names. */
  readonly only?: string;
  /** Suite seed [42]. */
  readonly seed?: number;
  /** Runs per theorem (overrides each theorem's default). */
  readonly runs?: number;
  /** Tolerance profile [float64]. */
  readonly profile?: ToleranceProfile;
  /** fast-check path for replaying one case (use with a single `only`). */
  readonly path?: string;
  /** Replay command prefix. */
  readonly replayPrefix?: string;
  /** Called when a theorem starts. */
  readonly onStart?: (thm: Theorem<any>, index: number, total: number) => void;
  /** Called after each case of the running theorem. */
  readonly onRun?: (thm: Theorem<any>, done: number, total: number) => void;
  /** Called with each result as soon as it is known (stream it, write it). */
  readonly onResult?: (result: TheoremResult) => void;
  /** Reference implementation for differential checks. */
  readonly reference?: Implementation;
}

/** Compiles comma-separated id globs into a predicate. */
export function idMatcher(globs: string): (id: string) => boolean {
  const res = globs
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean)
    .map((g) => new RegExp('^' + g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$', 'i'));
  return (id) => res.some((r) => r.test(id));
}

/** The theorems a suite run selects. */
export function selectTheorems(all: readonly Theorem<any>[], options: Pick<RunSuiteOptions, 'all' | 'only'>): Theorem<any>[] {
  if (options.only) {
    const match = idMatcher(options.only);
    return all.filter((t) => match(t.id));
  }
  return all.filter((t) => options.all || t.cost === 'fast');
}

/** Runs the selected theorems one after another against `impl`, streaming each result. */
export async function runSuite(theorems: readonly Theorem<any>[], impl: Implementation, options: RunSuiteOptions = {}): Promise<TheoremResult[]> {
  const selected = selectTheorems(theorems, options);
  const results: TheoremResult[] = [];
  for (let k = 0; k < selected.length; k++) {
    const thm = selected[k];
    options.onStart?.(thm, k, selected.length);
    const runOptions: RunTheoremOptions = {
      seed: options.seed,
      runs: options.runs,
      profile: options.profile,
      path: options.path,
      replayPrefix: options.replayPrefix,
      reference: options.reference,
      onRun: (done, total) => options.onRun?.(thm, done, total),
    };
    const r = await runTheorem(thm, impl, runOptions);
    results.push(r);
    options.onResult?.(r);
  }
  return results;
}

/** Counts of verdicts, and what they mean for the exit status. */
export interface SuiteSummary {
  readonly passed: number;
  readonly failed: number;
  readonly errored: number;
  readonly skipped: number;
  readonly inconclusive: number;
  /** Some `must` theorem failed. */
  readonly mustFailed: boolean;
  /** Some `must` theorem was inconclusive. */
  readonly mustInconclusive: boolean;
}

/** Counts of verdicts, and whether any `must` theorem failed or stayed undecided. */
export function summarise(results: readonly TheoremResult[]): SuiteSummary {
  const count = (v: TheoremResult['verdict']) => results.filter((r) => r.verdict === v).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    errored: count('errored'),
    skipped: count('skipped'),
    inconclusive: count('inconclusive'),
    mustFailed: results.some((r) => r.verdict === 'failed' && r.tier === 'must'),
    mustInconclusive: results.some((r) => r.verdict === 'inconclusive' && r.tier === 'must'),
  };
}

/**
 * Exit statuses of `attnflow check` and `attnflow verify` (2 is taken by "could not be checked at
 * all": bad options, a command that does not start, a failed handshake).
 */
export const EXIT = {
  /** Every must theorem that ran passed, nothing errored. */
  passed: 0,
  /** A must theorem failed: the implementation is wrong. */
  mustFailed: 1,
  /** Could not check: bad options, the command does not start, the handshake failed. */
  cannotCheck: 2,
  /** No must theorem failed, but some theorem errored (crash, hang, garbage, wrong seq or shape). */
  errored: 3,
  /** No failure and no error, but some must theorem stayed inconclusive (budget, or the theory cannot decide). */
  inconclusive: 4,
} as const;

/** The exit status a summary calls for, worst outcome first (see {@link EXIT}). */
export function exitStatus(s: SuiteSummary): 0 | 1 | 3 | 4 {
  if (s.mustFailed) return EXIT.mustFailed;
  if (s.errored > 0) return EXIT.errored;
  if (s.mustInconclusive) return EXIT.inconclusive;
  return EXIT.passed;
}

/** The counts line for the end of a run. */
export function summaryLine(s: SuiteSummary): string {
  return `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.errored ? `, ${s.errored} errored` : ''}${s.inconclusive ? `, ${s.inconclusive} inconclusive` : ''}`;
}

/** What {@link exitStatus} means, in words. */
export function exitMeaning(code: number): string {
  switch (code) {
    case EXIT.passed: return 'every must theorem passed';
    case EXIT.mustFailed: return 'a must theorem FAILED';
    case EXIT.errored: return 'no must theorem failed, but the implementation ERRORED (crash, hang or protocol violation): see the errored lines';
    case EXIT.inconclusive: return 'no failure, but a must theorem is INCONCLUSIVE (budget or theory): raise --budget or see the reasons';
    default: return 'could not check';
  }
}
