import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AttnflowError } from '../errors.ts';
import { JsonlReport } from '../report/jsonl.ts';
import { deriveSeed } from '../random/rng.ts';
import { mergeRecords, readRecords, repairTail } from './records.ts';
import type { Shard } from './shard.ts';
import { shardCells } from './shard.ts';
import type { SweepCell, SweepRecord, SweepTask, TaskRef } from './types.ts';
import { tsWorkerSource } from '../kernels/tsWorker.ts';

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  /** Global seed; cell seeds are deriveSeed(seed, cell.id) (default 1). */
  readonly seed?: number;
  /** Run only this slice of the cells (default: all). */
  readonly shard?: Shard;
  /**
   * JSON-lines output. Cells whose id is already there are skipped (resume); new records are appended
   * as they finish (default: none, results only returned).
   */
  readonly out?: string;
  /**
   * Threads (default: ATTNFLOW_THREADS, else the number of cores). 1 runs in the caller's thread;
   * more start worker threads that load the task module through tsx.
   */
  readonly workers?: number;
  /** Called after each finished cell with (done, total) of this run. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What {@link runSweep} returns. */
export interface SweepOutcome<R> {
  /** Records of this shard's cells in cell order: those found in `out` plus those computed now. */
  readonly records: SweepRecord<R>[];
  /** Cells computed by this call. */
  readonly computed: number;
  /** Cells skipped because `out` already had them. */
  readonly resumed: number;
  /** Threads used. */
  readonly threads: number;
}

/** Loads the task a {@link TaskRef} names. */
export async function loadTask<C extends SweepCell, R>(ref: TaskRef): Promise<SweepTask<C, R>> {
  const mod = (await import(ref.module)) as Record<string, unknown>;
  const factory = mod[ref.factory];
  if (typeof factory !== 'function') {
    throw new AttnflowError('task.factory', `${ref.module} has no export ${JSON.stringify(ref.factory)}`, 'name a function that returns a SweepTask');
  }
  return (factory as (args: unknown) => SweepTask<C, R>)(ref.args);
}

/** Default thread count: ATTNFLOW_THREADS when set, else every core. */
export function defaultThreads(): number {
  const env = Number(process.env.ATTNFLOW_THREADS);
  return Number.isInteger(env) && env >= 1 ? env : availableParallelism();
}

/**
 * Runs a sweep (or one shard of it): each cell from deriveSeed(seed, id), so the records do not depend
 * on the shard, the thread count or the order cells finish in; the union of shards 1..N equals the
 * unsharded run. Interrupted runs resume from `out`.
 */
export async function runSweep<C extends SweepCell, R>(ref: TaskRef, options: RunSweepOptions = {}): Promise<SweepOutcome<R>> {
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new AttnflowError('seed', `expected an integer, got ${seed}`, 'pass an integer seed');
  const task = await loadTask<C, R>(ref);
  const all = task.cells();
  const seen = new Set<string>();
  for (const c of all) {
    if (seen.has(c.id)) throw new AttnflowError('cells', `duplicate cell id ${JSON.stringify(c.id)}`, 'give every cell a unique id');
    seen.add(c.id);
  }
  const mine = shardCells(all, options.shard);
  const previous = options.out ? readRecords(options.out) as SweepRecord<R>[] : [];
  const done = new Set(previous.map((r) => r.id));
  const todo = mine.filter((c) => !done.has(c.id));
  if (options.out) repairTail(options.out);
  const report = options.out ? new JsonlReport(options.out, true) : null;
  const fresh: SweepRecord<R>[] = [];
  const threads = Math.max(1, Math.min(options.workers ?? defaultThreads(), todo.length));
  const finish = (cell: C, cellSeed: number, result: R) => {
    const rec: SweepRecord<R> = { id: cell.id, seed: cellSeed, result };
    report?.write(rec);
    fresh.push(rec);
    options.onProgress?.(fresh.length, todo.length);
  };
  if (threads <= 1) {
    for (const cell of todo) {
      const s = deriveSeed(seed, cell.id);
      finish(cell, s, await task.run(cell, s));
    }
  } else {
    await runInWorkers(ref, todo, seed, threads, finish);
  }
  const records = mergeRecords([...previous, ...fresh], mine.map((c) => c.id));
  return { records, computed: fresh.length, resumed: mine.length - todo.length, threads };
}


function runInWorkers<C extends SweepCell, R>(
  ref: TaskRef, todo: readonly C[], seed: number, threads: number, finish: (cell: C, seed: number, result: R) => void,
): Promise<void> {
  const src = tsWorkerSource(new URL('./worker.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    let next = 0, pending = todo.length, failed = false;
    const workers: Worker[] = [];
    const stop = (err?: Error) => {
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    const feed = (w: Worker) => {
      if (next >= todo.length) return;
      const k = next++;
      w.postMessage({ k, cell: todo[k], seed: deriveSeed(seed, todo[k].id) });
    };
    for (let t = 0; t < threads; t++) {
      const w = new Worker(src, { eval: true, workerData: ref, execArgv: [] });
      workers.push(w);
      w.on('message', (msg: { ready?: boolean; k?: number; result?: R; error?: string }) => {
        if (failed) return;
        if (msg.ready) return feed(w);
        const k = msg.k as number;
        if (msg.error !== undefined) {
          failed = true;
          return stop(new AttnflowError(`cell ${todo[k].id}`, `failed in a worker: ${msg.error}`, `replay it alone with --workers 1`));
        }
        finish(todo[k], deriveSeed(seed, todo[k].id), msg.result as R);
        if (--pending === 0) return stop();
        feed(w);
      });
      w.on('error', (e) => {
        if (failed) return;
        failed = true;
        stop(new AttnflowError('worker', `a sweep worker failed: ${e.message}`, 'rerun with --workers 1 to see the error in the main thread'));
      });
    }
  });
}
