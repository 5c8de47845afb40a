import type { EnergyRequest, SystemRequest } from '../src/adapters/implementation.ts';
import type { Mat, Tokens } from '../src/linalg/mat.ts';
import { fromRows, toRows } from '../src/linalg/mat.ts';
import type { AttentionParams, ModelKind } from '../src/models/params.ts';

/**
 * A system as a plain JSON value: what counterexamples print and replays read. Matrices are arrays
 * of rows; `null` is the identity (PROTOCOL.md conventions).
 */
export interface SystemCase {
  readonly model: ModelKind;
  readonly beta: number;
  readonly X: number[][];
  readonly Q: number[][] | null;
  readonly K: number[][] | null;
  readonly V: number[][] | null;
}

/** Tokens of a case as a {@link Mat}. */
export function tokensOf(c: { X: number[][] }): Tokens {
  return fromRows(c.X, 'X');
}

/** Matrix field of a case, or null. */
export function matOf(m: number[][] | null, field: string): Mat | null {
  return m === null ? null : fromRows(m, field);
}

/** The protocol request for a case. */
export function requestOf(c: SystemCase): SystemRequest {
  return { model: c.model, beta: c.beta, Q: matOf(c.Q, 'Q'), K: matOf(c.K, 'K'), V: matOf(c.V, 'V'), X: tokensOf(c) };
}

/** The energy request for a case. */
export function energyRequestOf(c: SystemCase): EnergyRequest {
  return { beta: c.beta, Q: matOf(c.Q, 'Q'), K: matOf(c.K, 'K'), X: tokensOf(c) };
}

/** The engine parameters for a case. */
export function paramsOfCase(c: SystemCase): AttentionParams {
  return { model: c.model, beta: c.beta, Q: matOf(c.Q, 'Q'), K: matOf(c.K, 'K'), V: matOf(c.V, 'V') };
}

/** A case from engine values. */
export function caseOf(model: ModelKind, beta: number, X: Tokens, Q: Mat | null = null, K: Mat | null = null, V: Mat | null = null): SystemCase {
  return { model, beta, X: toRows(X), Q: Q && toRows(Q), K: K && toRows(K), V: V && toRows(V) };
}
