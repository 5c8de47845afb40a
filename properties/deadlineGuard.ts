import type { Implementation } from '../src/adapters/implementation.ts';
import { ALL_OPS } from '../src/adapters/implementation.ts';

/**
 * A request a theorem wanted to send after its time ran out (runTheorem's `runDeadline`: twice its
 * share, or the end of the run's budget). Not the implementation's doing: the case in progress counts
 * as inconclusive and no further case starts (a timeout is never a counterexample).
 */
export class OutOfTimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutOfTimeError';
  }
}

/**
 * The implementation with every request refused once `deadline` (on the performance.now() clock) has
 * passed. A case that chains many requests (a flow continued over doubling horizons, each itself a run
 * of shorter requests) then stops at the deadline of its theorem instead of running on: against a slow
 * implementation one such case took 7 minutes of a 5-minute budget.
 */
export function guardDeadline(impl: Implementation, deadline: number): Implementation {
  if (!Number.isFinite(deadline)) return impl;
  const out: Record<string, unknown> = { ...impl };
  for (const op of ALL_OPS) {
    const f = impl[op] as ((req: unknown) => Promise<unknown>) | undefined;
    if (typeof f !== 'function') continue;
    out[op] = (req: unknown) => {
      if (performance.now() >= deadline) return Promise.reject(new OutOfTimeError(`the theorem's time ran out before a ${op} request (twice its share, or the run's budget)`));
      return f.call(impl, req);
    };
  }
  return out as unknown as Implementation;
}
