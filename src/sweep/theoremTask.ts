import { referenceImplementation } from '../adapters/reference.ts';
import { AttnflowError } from '../errors.ts';
import { runTheorem } from '../../properties/runTheorem.ts';
import { selectTheorems } from '../../properties/runSuite.ts';
import type { TheoremResult } from '../../properties/runTheorem.ts';
import { theorems } from '../../theorems/index.ts';
import type { SweepCell, SweepTask, TaskRef } from './types.ts';

/** Arguments of {@link theoremTask}. */
export interface TheoremSweepArgs {
  /** Slow theorems too (`verify --all`); default: the fast ones, as `verify` runs them. */
  readonly all?: boolean;
  /** Comma-separated id globs, as `verify --only` takes them. */
  readonly only?: string;
  /** Only these theorem ids (default: the tier selection). */
  readonly ids?: readonly string[];
  /** Suite seed (runTheorem derives each theorem's seed from it and the id, as the cell seed is). */
  readonly suiteSeed?: number;
  /** Override of every theorem's number of runs. */
  readonly runs?: number;
}

/** The deterministic part of a theorem's result (no timings), so shards compare equal to the whole run. */
export type TheoremCellResult = Pick<TheoremResult, 'id' | 'verdict' | 'runs' | 'inconclusiveRuns' | 'seed'> & { readonly reason?: string; readonly failure?: string; readonly replay?: string };

/**
 * `verify` as a sweep: one cell per theorem (id = theorem id), run against attnflow's reference. Each
 * theorem's seed is deriveSeed(suite seed, id) inside runTheorem, so a shard reproduces the verdicts of
 * the unsharded suite.
 */
export function theoremTask(args: TheoremSweepArgs = {}): SweepTask<SweepCell, TheoremCellResult> {
  let selected = selectTheorems(theorems, { all: args.all, only: args.only });
  if (args.ids) {
    const unknown = args.ids.filter((id) => !theorems.some((t) => t.id === id));
    if (unknown.length) throw new AttnflowError('ids', `unknown theorem ${unknown.join(', ')}`, 'run "attnflow verify --list --all" for the ids');
    selected = theorems.filter((t) => args.ids!.includes(t.id));
  }
  return {
    name: 'verify',
    cells: () => selected.map((t) => ({ id: t.id })),
    run: async (cell) => {
      const thm = selected.find((t) => t.id === cell.id)!;
      const r = await runTheorem(thm, referenceImplementation(), { seed: args.suiteSeed ?? 42, runs: args.runs });
      return {
        id: r.id, verdict: r.verdict, runs: r.runs, inconclusiveRuns: r.inconclusiveRuns, seed: r.seed,
        ...(r.reason ? { reason: r.reason } : {}),
        ...(r.failure ? { failure: r.failure.message, replay: r.failure.replay } : {}),
      };
    },
  };
}

/** The {@link TaskRef} of {@link theoremTask}, for worker threads. */
export function theoremTaskRef(args: TheoremSweepArgs = {}): TaskRef {
  return { module: import.meta.url, factory: 'theoremTask', args };
}
