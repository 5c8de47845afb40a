import type { Implementation } from '../adapters/implementation.ts';
import type { ToleranceProfile } from '../../theorems/types.ts';
import type { Baseline } from './baseline.ts';
import type { RegressCase, ToleranceClass } from './cases.ts';
import { regressCases } from './cases.ts';
import type { RegressValue } from './runCases.ts';
import { runCase } from './runCases.ts';
import { allowedMovement } from './tolerance.ts';

/** One line of a comparison. */
export interface RegressRow {
  readonly id: string;
  readonly tolerance: ToleranceClass;
  /** passed: within tolerance; moved: past it; skipped: not run now or then; new / missing: only on one side. */
  readonly status: 'passed' | 'moved' | 'skipped' | 'new' | 'missing' | 'inputs-changed';
  /** Largest absolute movement of any number in the quantity (NaN when not compared). */
  readonly moved: number;
  /** Allowed movement. */
  readonly allowed: number;
  /** moved / allowed (Infinity for any change of an exact quantity); the report is sorted by it. */
  readonly ratio: number;
  readonly note?: string;
}

/** What {@link compareBaseline} returns. */
export interface RegressReport {
  readonly rows: RegressRow[];
  /** Rows past tolerance (status moved or inputs-changed). */
  readonly failures: number;
  readonly profile: string;
}

/** Flattens a value into its numbers (booleans as 0/1) in a fixed order, and its shape signature. */
export function flatten(v: RegressValue, out: number[] = []): number[] {
  if (typeof v === 'number') out.push(v);
  else if (typeof v === 'boolean') out.push(v ? 1 : 0);
  else if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else for (const k of Object.keys(v).sort()) flatten(v[k], out);
  return out;
}

/** Movement of `now` against `then`: max |now - then| over the numbers, Infinity when shapes differ. */
export function movement(then: RegressValue, now: RegressValue): { moved: number; scale: number } {
  const a = flatten(then), b = flatten(now);
  let scale = 1;
  for (const x of a) scale = Math.max(scale, Math.abs(x));
  if (a.length !== b.length) return { moved: Infinity, scale };
  let moved = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    moved = Math.max(moved, Number.isNaN(d) ? Infinity : d);
  }
  return { moved, scale };
}

/** Options of {@link compareBaseline}. */
export interface CompareOptions {
  readonly reference: boolean;
  readonly profile: ToleranceProfile;
  readonly cases?: readonly RegressCase[];
}

/** Re-runs the cases against `impl` and rates each quantity's movement against its tolerance class, worst first. */
export async function compareBaseline(baseline: Baseline, impl: Implementation, options: CompareOptions): Promise<RegressReport> {
  const cases = options.cases ?? regressCases();
  const recorded = new Map(baseline.cases.map((e) => [e.id, e]));
  const rows: RegressRow[] = [];
  for (const c of cases) {
    const then = recorded.get(c.id);
    recorded.delete(c.id);
    if (!then) {
      rows.push({ id: c.id, tolerance: c.tolerance, status: 'new', moved: NaN, allowed: NaN, ratio: 0, note: 'not in the baseline; record again to include it' });
      continue;
    }
    const now = await runCase(c, impl, options.reference);
    if ('skipped' in now || then.skipped !== undefined || then.value === undefined) {
      rows.push({ id: c.id, tolerance: c.tolerance, status: 'skipped', moved: NaN, allowed: NaN, ratio: 0, note: 'skipped' in now ? now.skipped : then.skipped });
      continue;
    }
    const { moved, scale } = movement(then.value, now.value);
    const t = Math.max(0, ...(c.times && c.kind !== 'oneClusterTime' ? c.times : []));
    const allowed = allowedMovement(c.tolerance, options.profile, { scale, t: c.tolerance === 'long-horizon' ? Math.abs(flatten(then.value)[0]) : t });
    const ratio = moved === 0 ? 0 : allowed === 0 ? Infinity : moved / allowed;
    if (then.inputHash !== now.inputHash) {
      rows.push({ id: c.id, tolerance: c.tolerance, status: 'inputs-changed', moved, allowed, ratio: Infinity, note: `input fingerprint ${then.inputHash} -> ${now.inputHash}: the seeded inputs changed (random generator?)` });
      continue;
    }
    rows.push({ id: c.id, tolerance: c.tolerance, status: moved <= allowed ? 'passed' : 'moved', moved, allowed, ratio });
  }
  for (const e of recorded.values()) {
    rows.push({ id: e.id, tolerance: e.tolerance, status: 'missing', moved: NaN, allowed: NaN, ratio: 0, note: 'in the baseline but no longer a case' });
  }
  rows.sort((a, b) => b.ratio - a.ratio || a.id.localeCompare(b.id));
  return { rows, failures: rows.filter((r) => r.status === 'moved' || r.status === 'inputs-changed').length, profile: options.profile.name };
}
