import type fc from 'fast-check';
import type { Tokens } from '../linalg/mat.ts';

/** A sampled trajectory: states[k] is X(times[k]); states[0] is the start. */
export interface Trajectory {
  readonly times: readonly number[];
  readonly states: readonly Tokens[];
}

/**
 * A conjecture about the dynamics, as a small TypeScript module (default export, or export
 * `conjecture`): hypotheses are a fast-check arbitrary; `simulate` turns one hypothesis into a
 * trajectory (optional: static conjectures, e.g. about critical points, skip it); `predicate` says
 * whether the conjecture holds for the parameters, the start and the trajectory.
 * Inside `simulate` or `predicate`, `fc.pre(condition)` discards a hypothesis that turns out vacuous.
 */
export interface Conjecture<H = unknown> {
  /** Short stable id (file names, replay lines). */
  readonly id: string;
  /** The statement, in words. */
  readonly statement: string;
  /** Where it comes from (THEORY.md section, paper, problem number). */
  readonly source?: string;
  /** What is assumed: every value it generates is a case the statement claims. */
  readonly hypotheses: fc.Arbitrary<H>;
  /** The trajectory the hypothesis describes (omit for conjectures without one). */
  simulate?(h: H): Trajectory;
  /** True when the statement holds; false, or a string saying why, when `h` is a counterexample. */
  predicate(h: H, trajectory: Trajectory | undefined): boolean | string;
  /** An SVG picture of a counterexample (default: the trajectory on the circle, or cluster counts and a Gram map). */
  picture?(h: H, trajectory: Trajectory | undefined): string;
}

/** Identity helper that gives a conjecture module its types: `export default defineConjecture({...})`. */
export function defineConjecture<H>(c: Conjecture<H>): Conjecture<H> {
  return c;
}
