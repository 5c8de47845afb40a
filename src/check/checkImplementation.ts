import type { Implementation } from '../adapters/implementation.ts';
import { ALL_OPS, ImplementationError } from '../adapters/implementation.ts';
import type { PlainImplementation } from '../adapters/inProcess.ts';
import { inProcessImplementation } from '../adapters/inProcess.ts';
import type { Incident, ProtocolClient } from '../adapters/protocolClient.ts';
import { stderrSuffix } from '../adapters/protocolClient.ts';
import { JsonlReport } from '../report/jsonl.ts';
import type { TheoremResult } from '../../properties/runTheorem.ts';
import { runTheorem } from '../../properties/runTheorem.ts';
import { selectTheorems, summarise } from '../../properties/runSuite.ts';
import { theorems as registered } from '../../theorems/index.ts';
import type { Theorem, ToleranceProfile } from '../../theorems/types.ts';
import { FLOAT64 } from '../../theorems/types.ts';

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
   * Transport failures (crash, hang, garbage line) after which a theorem stops sending cases to the
   * implementation [3]: each costs a restart or a full timeout, and shrinking would repeat them.
   */
  readonly maxTransportFailures?: number;
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
  /** The implementation's last stderr lines, kept for failures. */
  readonly stderr?: readonly string[];
}

/** The whole verdict of `attnflow check` / {@link checkImplementation}. */
export interface CheckReport {
  readonly implementation: { readonly name: string; readonly version?: string; readonly command?: string };
  readonly profile: ToleranceProfile;
  readonly seed: number;
  readonly results: readonly CheckResult[];
  readonly summary: ReturnType<typeof summarise>;
  /** 0: every must theorem passed; 1: some must theorem failed. */
  readonly exitCode: 0 | 1;
  /** Every transport incident of the session, in order. */
  readonly incidents: readonly Incident[];
  /** Process starts (1 + restarts) for a subprocess. */
  readonly starts?: number;
  readonly timeMs: number;
}

/**
 * Runs the selected theorems against an implementation (a JS/TS object with any of `velocity`,
 * `flow`, `layer`, `energy`, or a subprocess from `subprocessImplementation`) and returns the report.
 * Theorems whose ops or models the implementation lacks are skipped with the reason. Never throws
 * because of the implementation: its exceptions, crashes and hangs become failures of the theorem
 * that was running.
 */
export async function checkImplementation(impl: Implementation | PlainImplementation, options: CheckOptions = {}): Promise<CheckReport> {
  const started = performance.now();
  const client = (impl as { client?: ProtocolClient }).client;
  const wrapped = client ? (impl as Implementation) : inProcessImplementation(impl);
  const profile = options.profile ?? FLOAT64;
  const seed = options.seed ?? 42;
  const selected = selectTheorems(options.theorems ?? registered, { all: options.all, only: options.only });
  const report = typeof options.report === 'string' ? new JsonlReport(options.report) : options.report;
  const results: CheckResult[] = [];
  for (let k = 0; k < selected.length; k++) {
    const thm = selected[k];
    options.onStart?.(thm, k, selected.length);
    const before = client?.incidents.length ?? 0;
    const guarded = client ? withBreaker(wrapped, client, before, options.maxTransportFailures ?? 3) : wrapped;
    const r = await runTheorem(thm, guarded, {
      seed,
      runs: options.runs,
      profile,
      path: options.path,
      replayPrefix: options.replayPrefix ?? 'attnflow check',
      reference: options.reference,
      onRun: (done, total) => options.onRun?.(thm, done, total),
    });
    const incidents = client ? client.incidents.slice(before) : [];
    const result: CheckResult = {
      ...r,
      ...(incidents.length ? { incidents } : {}),
      ...(client && r.verdict === 'failed' ? { stderr: client.stderr().slice(-20) } : {}),
    };
    results.push(result);
    report?.write(result);
    options.onResult?.(result);
  }
  const summary = summarise(results);
  return {
    implementation: { name: wrapped.name, version: wrapped.version, ...(client ? { command: client.command } : {}) },
    profile,
    seed,
    results,
    summary,
    exitCode: summary.mustFailed ? 1 : 0,
    incidents: client ? [...client.incidents] : [],
    ...(client ? { starts: client.starts } : {}),
    timeMs: performance.now() - started,
  };
}

/**
 * The implementation with a circuit breaker: once `max` transport incidents happened since `from`,
 * every further call fails at once with the first one's description instead of restarting the
 * process again (a hang would otherwise cost a full timeout per shrink step).
 */
function withBreaker(impl: Implementation, client: ProtocolClient, from: number, max: number): Implementation {
  const out: Record<string, unknown> = { ...impl };
  for (const op of ALL_OPS) {
    const f = impl[op] as ((req: unknown) => Promise<unknown>) | undefined;
    if (!f) continue;
    out[op] = async (req: unknown) => {
      const seen = client.incidents.slice(from).filter((i) => i.kind !== 'restart');
      if (seen.length >= max) {
        const first = seen[0];
        throw new ImplementationError(first.kind as ImplementationError['kind'],
          `${first.message} (after ${seen.length} such failures attnflow stopped sending this theorem cases; the first failed at seq ${first.seq ?? "?"}, so the shrunk counterexample is not necessarily the case that triggered it)${stderrSuffix(first.stderr)}`);
      }
      return f.call(impl, req);
    };
  }
  return out as unknown as Implementation;
}
