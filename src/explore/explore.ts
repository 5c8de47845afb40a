import fc from 'fast-check';
import { AttnflowError } from '../errors.ts';
import type { Conjecture, Trajectory } from './conjecture.ts';

/** Options of {@link explore}. */
export interface ExploreOptions {
  /** Wall-clock budget for search and shrinking together, in ms (default 60 000). */
  readonly budgetMs?: number;
  /** fast-check seed (default 42): equal seeds give equal searches. */
  readonly seed?: number;
  /** Upper bound on hypotheses tried (default: unbounded, the budget decides). */
  readonly maxRuns?: number;
  /** Replay: the fast-check path of a counterexample (with its seed), re-running only it. */
  readonly path?: string;
}

/** What {@link explore} found. */
export interface ExploreResult<H> {
  readonly conjecture: string;
  /** True when a counterexample was found (and shrunk as far as the budget allowed). */
  readonly found: boolean;
  /** Hypotheses tried (accepted by the preconditions). */
  readonly runs: number;
  /** Hypotheses discarded by fc.pre. */
  readonly skipped: number;
  /** Shrinking steps that still failed. */
  readonly shrinks: number;
  readonly elapsedMs: number;
  /** True when the budget (not maxRuns) ended the search. */
  readonly interrupted: boolean;
  readonly seed: number;
  /** Replay path of the counterexample. */
  readonly path?: string;
  readonly counterexample?: H;
  /** The predicate's reason, or the error the conjecture threw. */
  readonly reason?: string;
  /** The counterexample's trajectory (when the conjecture simulates). */
  readonly trajectory?: Trajectory;
}

class Refuted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Refuted';
  }
}

/** Runs the conjecture on one hypothesis: throws {@link Refuted} when it fails. */
function check<H>(c: Conjecture<H>, h: H): void {
  const trajectory = c.simulate?.(h);
  const r = c.predicate(h, trajectory);
  if (r === true) return;
  throw new Refuted(typeof r === 'string' ? r : 'the predicate is false');
}

/**
 * Searches for a counterexample with fast-check within the budget, shrinks it, and reports how much
 * was searched either way. A failure other than the predicate (the conjecture threw) counts as a
 * counterexample too, with the error as the reason: a case the conjecture claims but cannot handle.
 */
export function explore<H>(c: Conjecture<H>, options: ExploreOptions = {}): ExploreResult<H> {
  validateConjecture(c);
  const budgetMs = options.budgetMs ?? 60_000;
  if (!(budgetMs > 0)) throw new AttnflowError('budget', `must be > 0, got ${budgetMs}`, 'pass a budget such as 30s or 5m');
  const seed = options.seed ?? 42;
  const started = Date.now();
  const out = fc.check(fc.property(c.hypotheses, (h) => check(c, h)), {
    seed,
    numRuns: options.path ? 1 : options.maxRuns ?? 2 ** 31 - 1,
    interruptAfterTimeLimit: budgetMs,
    markInterruptAsFailure: false,
    ...(options.path ? { path: options.path, endOnFailure: true } : {}),
  });
  const elapsedMs = Date.now() - started;
  const base = {
    conjecture: c.id, runs: out.numRuns, skipped: out.numSkips, shrinks: out.numShrinks, elapsedMs,
    interrupted: out.interrupted, seed,
  };
  if (!out.failed || out.counterexample === null) return { ...base, found: false };
  const h = out.counterexample[0] as H;
  const err = out.errorInstance as Error | undefined;
  let trajectory: Trajectory | undefined;
  try {
    trajectory = c.simulate?.(h);
  } catch {
    trajectory = undefined;
  }
  return {
    ...base, found: true, path: out.counterexamplePath ?? undefined, counterexample: h, trajectory,
    reason: err instanceof Refuted ? err.message : `the conjecture threw: ${err?.message ?? String(out.errorInstance)}`,
  };
}

/** Checks that a module's export looks like a {@link Conjecture}; the error names the missing field. */
export function validateConjecture(c: unknown): asserts c is Conjecture {
  const o = c as Record<string, unknown> | null;
  if (!o || typeof o !== 'object') throw new AttnflowError('conjecture', 'is not an object', 'export default defineConjecture({ id, statement, hypotheses, predicate })');
  if (typeof o.id !== 'string' || o.id === '') throw new AttnflowError('conjecture.id', 'is missing', 'give the conjecture a short id string');
  if (typeof o.statement !== 'string') throw new AttnflowError('conjecture.statement', 'is missing', 'state the conjecture in words');
  if (!o.hypotheses || typeof (o.hypotheses as { generate?: unknown }).generate !== 'function') {
    throw new AttnflowError('conjecture.hypotheses', 'is not a fast-check arbitrary', 'build it with fc.record({...}) or similar');
  }
  if (typeof o.predicate !== 'function') throw new AttnflowError('conjecture.predicate', 'is not a function', 'pass (h, trajectory) => boolean | string');
  if (o.simulate !== undefined && typeof o.simulate !== 'function') throw new AttnflowError('conjecture.simulate', 'is not a function', 'pass (h) => { times, states } or omit it');
}

/** Parses a budget such as `500ms`, `30s`, `5m`, `1h` (a bare number is seconds) into ms. */
export function parseBudget(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new AttnflowError('--budget', `expected a duration like 30s or 5m, got ${JSON.stringify(text)}`, 'pass --budget 5m');
  const v = Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (!(v > 0)) throw new AttnflowError('--budget', `must be positive, got ${text}`, 'pass --budget 5m');
  return v;
}
