/**
 * Registration helper for a user's own vitest suite: one call, one test per theorem, so a CI shows
 * attnflow's verdicts next to the project's own tests. vitest is not imported here: the caller passes
 * its `test` function, so attnflow does not pin the user's vitest version.
 *
 *     import { test, afterAll } from 'vitest';
 *     import { registerTheorems } from 'attnflow/properties/vitest.ts';
 *     registerTheorems(test, myImplementation, { only: 'M-SA,S*', runs: 20, afterAll });
 */
import type { Implementation } from '../src/adapters/implementation.ts';
import type { PlainImplementation } from '../src/adapters/inProcess.ts';
import { inProcessImplementation } from '../src/adapters/inProcess.ts';
import { subprocessImplementation } from '../src/adapters/subprocess.ts';
import { failureBody } from '../src/report/junit.ts';
import { theorems as registered } from '../theorems/index.ts';
import type { Theorem, ToleranceProfile } from '../theorems/types.ts';
import { runTheorem } from './runTheorem.ts';
import { selectTheorems } from './runSuite.ts';

/** The part of vitest's `test` this helper uses: `test(name, fn, timeoutMs)`, `fn` may receive a context with `skip`. */
export type TestFunction = (name: string, fn: (ctx: { skip?: (note?: string) => void }) => Promise<void>, timeout?: number) => unknown;

/** Options for {@link registerTheorems}. Defaults in brackets. */
export interface RegisterOptions {
  /** Theorem id globs [every fast theorem]. */
  readonly only?: string;
  /** Include slow theorems [false]. */
  readonly all?: boolean;
  /** Suite seed [42]. */
  readonly seed?: number;
  /** Runs per theorem [each theorem's own]. */
  readonly runs?: number;
  /** Tolerance profile [float64]. */
  readonly profile?: ToleranceProfile;
  /** Per-test timeout in ms [120000]. */
  readonly timeoutMs?: number;
  /** Test name prefix [`attnflow`]. */
  readonly prefix?: string;
  /** Theorems to choose from [the registry]. */
  readonly theorems?: readonly Theorem<any>[];
  /** vitest's `afterAll`, to close a subprocess implementation when the file is done. */
  readonly afterAll?: (fn: () => Promise<void>) => unknown;
}

/**
 * Registers one `test` per selected theorem against `impl`: an in-process object (either the
 * {@link Implementation} interface or plain arrays), a factory returning one, or a command line
 * string (a subprocess speaking PROTOCOL.md, started on first use). A failed theorem fails its test
 * with the violation, the shrunk counterexample and the replay line; a theorem the implementation
 * cannot run is skipped with the reason.
 */
export function registerTheorems(
  test: TestFunction,
  impl: Implementation | PlainImplementation | string | (() => Promise<Implementation | PlainImplementation>),
  options: RegisterOptions = {},
): void {
  const selected = selectTheorems(options.theorems ?? registered, { all: options.all, only: options.only });
  let ready: Promise<Implementation> | null = null;
  const get = () =>
    (ready ??= (async () => {
      if (typeof impl === 'string') return subprocessImplementation(impl);
      const v = typeof impl === 'function' ? await impl() : impl;
      return (v as { client?: unknown }).client ? (v as Implementation) : inProcessImplementation(v);
    })());
  options.afterAll?.(async () => {
    if (ready) await (await ready.catch(() => null))?.close?.();
  });
  for (const thm of selected) {
    test(`${options.prefix ?? 'attnflow'} ${thm.id}: ${thm.title}`, async (ctx) => {
      const r = await runTheorem(thm, await get(), {
        seed: options.seed,
        runs: options.runs,
        profile: options.profile,
        replayPrefix: typeof impl === 'string' ? `attnflow check --impl '${impl.replace(/'/g, `'\\''`)}'` : 'attnflow check',
      });
      if (r.verdict === 'skipped') {
        ctx?.skip?.(r.reason);
        return;
      }
      if (r.verdict === 'failed') throw new Error(`${thm.id} failed (tier ${thm.tier})\n${failureBody(r)}`);
    }, options.timeoutMs ?? 120_000);
  }
}
