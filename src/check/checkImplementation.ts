import type { Implementation } from '../adapters/implementation.ts';
import type { PlainImplementation } from '../adapters/inProcess.ts';
import { inProcessImplementation } from '../adapters/inProcess.ts';
import type { Incident, ProtocolClient } from '../adapters/protocolClient.ts';
import { JsonlReport } from '../report/jsonl.ts';
import type { TheoremResult } from '../../properties/runTheorem.ts';
import { runTheorem } from '../../properties/runTheorem.ts';
import type { SuiteSummary } from '../../properties/runSuite.ts';
import { exitStatus, selectTheorems, summarise } from '../../properties/runSuite.ts';
import { theorems as registered } from '../../theorems/index.ts';
import type { Theorem, ToleranceProfile } from '../../theorems/types.ts';
import { FLOAT64 } from '../../theorems/types.ts';
import { budgetWeight, orderForCheck, phaseOf, THEORY_ONLY_PHASE } from './order.ts';

/** Options for {@link checkImplementation}. Defaults in brackets. */
export interface CheckOptions {
  /** Comma-separated theorem id globs (`*` wildcard) [every fast theorem]. */
  readonly only?: string;
  /** Include the slow theorems [false]. */
  readonly all?: boolean;
  /** Suite seed [42]. */
  readonly seed?: number;
  /** Runs per theorem [each theorem's own]. */
  readonly runs?: number;
  /** Tolerance profile [float64]; see `resolveProfile` for float32 and custom. */
  readonly profile?: ToleranceProfile;
  /** Replay one fast-check case (with a single `only`). */
  readonly path?: string;
  /** Command prefix of the replay lines [`attnflow check`]. */
  readonly replayPrefix?: string;
  /** Theorems to choose from [the registry, theorems/index.ts]. */
  readonly theorems?: readonly Theorem<any>[];
  /** Reference implementation for differential checks [attnflow's engine]. */
  readonly reference?: Implementation;
  /**
   * Runs of one theorem that may end in a crash, garbage, a wrong shape or an error answer before the
   * theorem stops sending cases [3]; a hang stops it at once (see runTheorem's `maxErrors`).
   */
  readonly maxTransportFailures?: number;
  /**
   * Seconds for the whole run [unlimited]. Each theorem gets a share of what is left, weighted by its
   * phase (identities 1, short flows 2, long flows 3), and stops starting new cases when its share is
   * spent; the time it leaves goes to the theorems after it. Theorems reached with nothing left are
   * `inconclusive` ("budget exhausted"), never failed.
   */
  readonly budgetSeconds?: number;
  /**
   * The performance.now() time the budget counts from [when checkImplementation is called]. The CLI
   * passes 0, the process start, so that starting the implementation and the handshake count too.
   */
  readonly budgetFrom?: number;
  /**
   * Seconds of the budget kept back for the answers still in flight when it runs out and for the
   * report [0]. The CLI keeps 5% (at most 15 s), so that `--budget 300` ends within 300 s.
   */
  readonly budgetReserveSeconds?: number;
  /** Stop at the first failed must theorem; the theorems after it are skipped with that reason [false]. */
  readonly failFast?: boolean;
  /**
   * Keep the order of `theorems` instead of the check order (cheap, decisive theorems first: velocity,
   * energy and layer identities, then short flows, then long ones), and run the theorems that need no
   * op instead of skipping them [false].
   */
  readonly keepOrder?: boolean;
  /** Theorems errored by a hang after which the rest are not run (each would cost a full timeout) [3]. */
  readonly maxHungTheorems?: number;
  /** JSON-lines report: a path, or an open {@link JsonlReport}; one line per theorem as it finishes. */
  readonly report?: string | JsonlReport;
  /** Called when a theorem starts. */
  readonly onStart?: (thm: Theorem<any>, index: number, total: number) => void;
  /** Called after each case. */
  readonly onRun?: (thm: Theorem<any>, done: number, total: number) => void;
  /** Called with each result as soon as it is known. */
  readonly onResult?: (result: CheckResult) => void;
}

/** A theorem's result plus what the transport saw while it ran. */
export interface CheckResult extends TheoremResult {
  /** Crashes, hangs, garbage and restarts recorded while this theorem ran. */
  readonly incidents?: readonly Incident[];
  /** The implementation's last stderr lines, kept for failures and errors. */
  readonly stderr?: readonly string[];
  /** The share of the budget this theorem was given, in ms (absent without a budget). */
  readonly budgetMs?: number;
}

/** The whole verdict of `attnflow check` / {@link checkImplementation}. */
export interface CheckReport {
  readonly implementation: { readonly name: string; readonly version?: string; readonly command?: string };
  readonly profile: ToleranceProfile;
  readonly seed: number;
  /** The budget in seconds, when one was set. */
  readonly budgetSeconds?: number;
  readonly results: readonly CheckResult[];
  readonly summary: SuiteSummary;
  /**
   * 0: every must theorem passed; 1: a must theorem failed; 3: no must failure, but something errored;
   * 4: no failure or error, but a must theorem was inconclusive (see `EXIT` in properties/runSuite.ts).
   */
  readonly exitCode: 0 | 1 | 3 | 4;
  /** Every transport incident of the session, in order. */
  readonly incidents: readonly Incident[];
  /** Process starts (1 + restarts) for a subprocess. */
  readonly starts?: number;
  /** Time the implementation spent answering (subprocess: from request written to answer read). */
  readonly implementationMs?: number;
  readonly timeMs: number;
}

/**
 * Runs the selected theorems against an implementation (a JS/TS object with any of `velocity`,
 * `flow`, `layer`, `energy`, or a subprocess from `subprocessImplementation`) and returns the report.
 * Theorems whose ops or models the implementation lacks are skipped with the reason. Never throws
 * because of the implementation: its wrong answers fail the theorem that asked, its crashes, hangs and
 * protocol violations make that theorem `errored`, and a budget that runs out leaves `inconclusive`.
 */
export async function checkImplementation(impl: Implementation | PlainImplementation, options: CheckOptions = {}): Promise<CheckReport> {
  const started = performance.now();
  const client = (impl as { client?: ProtocolClient }).client;
  const wrapped = client ? (impl as Implementation) : inProcessImplementation(impl);
  const profile = options.profile ?? FLOAT64;
  const seed = options.seed ?? 42;
  const chosen = selectTheorems(options.theorems ?? registered, { all: options.all, only: options.only });
  const selected = options.keepOrder ? chosen : orderForCheck(chosen);
  const report = typeof options.report === 'string' ? new JsonlReport(options.report) : options.report;
  const deadline = options.budgetSeconds === undefined
    ? Infinity
    : (options.budgetFrom ?? started) + (options.budgetSeconds - (options.budgetReserveSeconds ?? 0)) * 1000;
  const maxHung = options.maxHungTheorems ?? 3;
  const results: CheckResult[] = [];
  let stopReason: { verdict: 'skipped' | 'inconclusive'; reason: string } | null = null;
  let hung = 0;
  for (let k = 0; k < selected.length; k++) {
    const thm = selected[k];
    options.onStart?.(thm, k, selected.length);
    const now = performance.now();
    const remaining = deadline - now;
    let result: CheckResult;
    if (phaseOf(thm) === THEORY_ONLY_PHASE && !options.keepOrder) {
      result = notRun(thm, wrapped, profile, seed, 'skipped', THEORY_ONLY);
    } else if (stopReason || remaining <= 0) {
      const why = stopReason ?? { verdict: 'inconclusive' as const, reason: `not run: the budget of ${options.budgetSeconds} s was spent before this theorem` };
      result = notRun(thm, wrapped, profile, seed, why.verdict, why.reason);
    } else {
      // This theorem's share of what is left, by phase weight; what it leaves unused goes to the rest.
      let budgetMs: number | undefined;
      if (Number.isFinite(remaining)) {
        let weights = 0;
        for (let j = k; j < selected.length; j++) weights += budgetWeight(selected[j], options.keepOrder);
        budgetMs = (remaining * budgetWeight(thm, options.keepOrder)) / weights;
      }
      const before = client?.incidents.length ?? 0;
      const r = await runTheorem(thm, wrapped, {
        seed,
        runs: options.runs,
        profile,
        path: options.path,
        replayPrefix: options.replayPrefix ?? 'attnflow check',
        reference: options.reference,
        maxErrors: options.maxTransportFailures,
        timeLimitMs: budgetMs,
        runDeadline: deadline,
        onRun: (done, total) => options.onRun?.(thm, done, total),
      });
      const incidents = client ? client.incidents.slice(before) : [];
      result = {
        ...r,
        ...(budgetMs !== undefined ? { budgetMs } : {}),
        ...(incidents.length ? { incidents } : {}),
        ...(client && (r.verdict === 'failed' || r.verdict === 'errored') ? { stderr: client.stderr().slice(-20) } : {}),
      };
      if (r.verdict === 'errored' && r.error?.kind === 'timeout') hung++;
      if (options.failFast && r.verdict === 'failed' && r.tier === 'must') {
        stopReason = { verdict: 'skipped', reason: `not run: --fail-fast stopped the run after ${r.id} failed` };
      } else if (hung >= maxHung) {
        stopReason = { verdict: 'inconclusive', reason: `not run: the implementation hung in ${hung} theorems, each costing a full --timeout` };
      }
    }
    results.push(result);
    report?.write(result);
    options.onResult?.(result);
  }
  const summary = summarise(results);
  return {
    implementation: { name: wrapped.name, version: wrapped.version, ...(client ? { command: client.command } : {}) },
    profile,
    seed,
    ...(options.budgetSeconds !== undefined ? { budgetSeconds: options.budgetSeconds } : {}),
    results,
    summary,
    exitCode: exitStatus(summary),
    incidents: client ? [...client.incidents] : [],
    ...(client ? { starts: client.starts, implementationMs: client.stats.busyMs } : {}),
    timeMs: performance.now() - started,
  };
}

/** Why `check` skips the theorems that need no op: their verdict cannot depend on the implementation. */
export const THEORY_ONLY = 'asks the implementation nothing: a theorem about the mathematics alone (attnflow verify checks it)';

function notRun(thm: Theorem<any>, impl: Implementation, profile: ToleranceProfile, seed: number, verdict: 'skipped' | 'inconclusive', reason: string): CheckResult {
  return {
    id: thm.id, title: thm.title, tier: thm.tier, kind: thm.kind, verdict, runs: 0, inconclusiveRuns: 0, timeMs: 0,
    seed, profile: profile.name, implementation: impl.name, reason,
  };
}
