import type { Implementation, Op } from '../src/adapters/implementation.ts';
import { ALL_OPS } from '../src/adapters/implementation.ts';
import type { EnvelopeLimits, EnvelopeRequest } from '../src/check/envelope.ts';
import { ENVELOPE, envelopeProblem } from '../src/check/envelope.ts';

/**
 * A request a theorem built outside the feasibility envelope (src/check/envelope.ts). It is attnflow's
 * bug, not the implementation's: the request is not sent and the run counts as inconclusive.
 */
export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/** The envelope view of a request of `op`. */
export function envelopeRequestOf(op: Op, req: Record<string, unknown>): EnvelopeRequest {
  return { op, ...(req as Omit<EnvelopeRequest, 'op'>) };
}

/**
 * The implementation with every request checked against the envelope before it is sent: one outside
 * it throws an {@link EnvelopeError} instead of reaching the implementation.
 */
export function guardEnvelope(impl: Implementation, limits: EnvelopeLimits = ENVELOPE): Implementation {
  const out: Record<string, unknown> = { ...impl };
  for (const op of ALL_OPS) {
    const f = impl[op] as ((req: unknown) => Promise<unknown>) | undefined;
    if (typeof f !== 'function') continue;
    out[op] = (req: Record<string, unknown>) => {
      const problem = envelopeProblem(envelopeRequestOf(op, req), limits);
      if (problem) return Promise.reject(new EnvelopeError(`attnflow bug: a ${op} request outside the feasibility envelope was not sent (${problem})`));
      return f.call(impl, req);
    };
  }
  return out as unknown as Implementation;
}
