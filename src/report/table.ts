import type { TheoremResult } from '../../properties/runTheorem.ts';
/** Renders rows as a plain-text table with left-aligned columns (right-aligned where `right` says). */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (right[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Milliseconds as a short human duration. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Runs as a table cell: `12`, or `4/30` when the budget (or a stop) cut the theorem short. */
export function runsCell(r: Pick<TheoremResult, 'runs' | 'requestedRuns' | 'verdict'>): string {
  return r.requestedRuns !== undefined && r.runs < r.requestedRuns && r.verdict !== 'failed' ? `${r.runs}/${r.requestedRuns}` : String(r.runs);
}
