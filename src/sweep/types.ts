/**
 * A sweep: a fixed list of cells with stable ids, each run from its own seed
 * `deriveSeed(globalSeed, cell.id)`, so any cell replays alone and any slice of the list (a shard)
 * can run on another machine.
 */

/** One cell: a stable id plus JSON-serialisable parameters. */
export interface SweepCell {
  /** Unique within the sweep and stable across runs (it names the cell in the output and derives its seed). */
  readonly id: string;
}

/** One output line of a sweep (JSON lines; shards merge by concatenation). */
export interface SweepRecord<R = unknown> {
  /** The cell id. */
  readonly id: string;
  /** The seed the cell ran with: deriveSeed(global seed, id). */
  readonly seed: number;
  /** What the cell computed (JSON). */
  readonly result: R;
}

/** What a sweep computes: its cells and how to run one. Built by a factory so worker threads can rebuild it. */
export interface SweepTask<C extends SweepCell = SweepCell, R = unknown> {
  /** Name for reports. */
  readonly name: string;
  /** Every cell, in a fixed order. */
  cells(): C[];
  /** Runs one cell from its seed; must depend on nothing else (no shared state, no Math.random). May be async. */
  run(cell: C, seed: number): R | Promise<R>;
}

/**
 * Where a worker thread finds the task: `module` (a file URL) exports `factory`, a function of the
 * JSON `args` returning the {@link SweepTask}.
 */
export interface TaskRef {
  readonly module: string;
  readonly factory: string;
  readonly args: unknown;
}
