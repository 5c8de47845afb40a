import { readFileSync } from 'node:fs';
import type { Implementation } from '../adapters/implementation.ts';
import { AttnflowError } from '../errors.ts';
import type { CaseKind, RegressCase, ToleranceClass } from './cases.ts';
import { regressCases } from './cases.ts';
import type { RegressValue } from './runCases.ts';
import { runCase } from './runCases.ts';

/** Format tag of baseline files. */
export const BASELINE_FORMAT = 'attnflow-regress-baseline/1';

/** attnflow's version, recorded in every baseline. */
export const ATTNFLOW_VERSION = '0.1.0';

/** One recorded case. */
export interface BaselineEntry {
  readonly id: string;
  readonly kind: CaseKind;
  readonly tolerance: ToleranceClass;
  /** Fingerprint of the rebuilt inputs (absent when skipped). */
  readonly inputHash?: string;
  readonly value?: RegressValue;
  /** Why the case was not run (an op or model the implementation lacks). */
  readonly skipped?: string;
}

/** A baseline: plain JSON, one case per line, no timestamps, so re-recording without a change is byte-identical. */
export interface Baseline {
  readonly format: string;
  readonly attnflow: string;
  readonly implementation: { readonly name: string; readonly version: string };
  /** The settings that produced the values (reference flow tolerances, or "external"). */
  readonly settings: Readonly<Record<string, string | number>>;
  readonly cases: BaselineEntry[];
}

/** Options of {@link recordBaseline}. */
export interface RecordOptions {
  /** True when `impl` is attnflow's reference (then the reference-only cases run too). */
  readonly reference: boolean;
  /** Settings to write into the baseline. */
  readonly settings?: Readonly<Record<string, string | number>>;
  /** Cases (default {@link regressCases}). */
  readonly cases?: readonly RegressCase[];
  /** Called after each case. */
  readonly onCase?: (id: string, k: number, total: number) => void;
}

/** Runs every case against `impl` and returns the baseline. */
export async function recordBaseline(impl: Implementation, options: RecordOptions): Promise<Baseline> {
  const cases = options.cases ?? regressCases();
  const out: BaselineEntry[] = [];
  for (let k = 0; k < cases.length; k++) {
    const c = cases[k];
    const r = await runCase(c, impl, options.reference);
    out.push('skipped' in r
      ? { id: c.id, kind: c.kind, tolerance: c.tolerance, skipped: r.skipped }
      : { id: c.id, kind: c.kind, tolerance: c.tolerance, inputHash: r.inputHash, value: r.value });
    options.onCase?.(c.id, k + 1, cases.length);
  }
  return {
    format: BASELINE_FORMAT,
    attnflow: ATTNFLOW_VERSION,
    implementation: { name: impl.name, version: impl.version ?? 'unknown' },
    settings: { ...(options.settings ?? {}) },
    cases: out,
  };
}

/**
 * The baseline as text: header fields one per line, then one line per case with keys in a fixed
 * order and numbers in JavaScript's shortest round-trip form, so a diff shows exactly the cases that moved.
 */
export function serializeBaseline(b: Baseline): string {
  const settings = Object.keys(b.settings).sort().map((k) => `${JSON.stringify(k)}: ${JSON.stringify(b.settings[k])}`).join(', ');
  const lines = b.cases.map((e) => {
    const ordered: Record<string, unknown> = { id: e.id, kind: e.kind, tolerance: e.tolerance };
    if (e.skipped !== undefined) ordered.skipped = e.skipped;
    else {
      ordered.inputHash = e.inputHash;
      ordered.value = e.value;
    }
    return '    ' + JSON.stringify(ordered);
  });
  return [
    '{',
    `  "format": ${JSON.stringify(b.format)},`,
    `  "attnflow": ${JSON.stringify(b.attnflow)},`,
    `  "implementation": {"name": ${JSON.stringify(b.implementation.name)}, "version": ${JSON.stringify(b.implementation.version)}},`,
    `  "settings": {${settings}},`,
    '  "cases": [',
    lines.join(',\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}

/** Parses a baseline file; errors name the file and the fix. */
export function readBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new AttnflowError(path, 'cannot be read', 'record one first with "attnflow regress record <dir>"');
  }
  let b: Baseline;
  try {
    b = JSON.parse(text) as Baseline;
  } catch (e) {
    throw new AttnflowError(path, `is not JSON (${(e as Error).message})`, 'record it again with "attnflow regress record <dir>"');
  }
  if (b.format !== BASELINE_FORMAT || !Array.isArray(b.cases)) {
    throw new AttnflowError(path, `is not a baseline of format ${BASELINE_FORMAT}`, 'record it again with "attnflow regress record <dir>"');
  }
  return b;
}
