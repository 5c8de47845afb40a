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

/** Counts of verdicts, and whether any `must` theorem failed. */
export function summarise(results: readonly TheoremResult[]) {
  const count = (v: TheoremResult['verdict']) => results.filter((r) => r.verdict === v).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    inconclusive: count('inconclusive'),
    mustFailed: results.some((r) => r.verdict === 'failed' && r.tier === 'must'),
  };
}
