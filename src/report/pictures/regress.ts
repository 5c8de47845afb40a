import { el, escapeXml, svgDocument, text } from '../../plot/svg.ts';

/** One compared quantity, as `regress compare` rates it (src/regress/compare.ts RegressRow). */
export interface RegressBar {
  readonly id: string;
  readonly status: string;
  readonly moved: number;
  readonly allowed: number;
  readonly ratio: number;
}

const STATUS_COLOR: Record<string, string> = { passed: '#1b7837', moved: '#b2182b', 'inputs-changed': '#CC79A7', skipped: '#999', new: '#0072B2', missing: '#E69F00' };

/**
 * `regress compare` as a chart: one horizontal bar per quantity (worst first, at most `max`), its
 * length moved/allowed on a log axis, with the tolerance (ratio 1) as a vertical line: bars past it
 * moved too far. A quantity that did not move sits at the left edge; an exact quantity that changed
 * (ratio infinite) runs to the right edge and says so.
 */
export function regressPicture(rows: readonly RegressBar[], max = 30): string {
  const shown = rows.filter((r) => r.status !== 'skipped' && r.status !== 'new' && r.status !== 'missing').slice(0, max);
  const rowH = 18, top = 34, labelW = 230, width = 720;
  const height = top + rowH * Math.max(1, shown.length) + 40;
  const left = labelW, right = width - 90;
  const finite = shown.map((r) => r.ratio).filter((x) => Number.isFinite(x) && x > 0);
  const lo = Math.min(-3, Math.floor(Math.log10(Math.min(1, ...finite)))), hi = Math.max(1, Math.ceil(Math.log10(Math.max(1, ...finite))));
  const map = (ratio: number) => left + ((Math.log10(ratio) - lo) / (hi - lo)) * (right - left);
  const parts: string[] = [text(width / 2, 20, 'moved / allowed per quantity (log scale; the line is the tolerance)', { 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 'bold' })];
  for (let e = lo; e <= hi; e++) {
    const x = map(10 ** e);
    parts.push(el('line', { x1: x, y1: top - 4, x2: x, y2: top + rowH * shown.length, stroke: '#eee' }));
    parts.push(text(x, top + rowH * shown.length + 14, e === 0 ? '1' : `1e${e}`, { 'text-anchor': 'middle', fill: '#555', 'font-size': 10 }));
  }
  shown.forEach((r, k) => {
    const y = top + rowH * k;
    const color = STATUS_COLOR[r.status] ?? '#555';
    const end = r.ratio === Infinity ? right : r.ratio > 0 ? Math.max(left + 1, Math.min(right, map(r.ratio))) : left + 1;
    parts.push(text(left - 6, y + 13, r.id.length > 36 ? r.id.slice(0, 35) + '…' : r.id, { 'text-anchor': 'end', 'font-size': 10 }));
    parts.push(el('rect', { class: `bar ${r.status}`, x: left, y: y + 3, width: end - left, height: rowH - 6, fill: color, 'fill-opacity': 0.8 },
      el('title', {}, escapeXml(`${r.id}: ${r.status}, moved ${r.moved} (allowed ${r.allowed})`))));
    const label = r.ratio === Infinity ? 'changed (exact)' : r.ratio === 0 ? 'no change' : `× ${Number(r.ratio.toPrecision(3))}`;
    parts.push(text(end + 4, y + 13, label, { 'font-size': 10, fill: color }));
  });
  const tx = map(1);
  parts.push(el('line', { x1: tx, y1: top - 6, x2: tx, y2: top + rowH * shown.length + 2, stroke: '#b2182b', 'stroke-width': 1.5, 'stroke-dasharray': '4,2' }));
  parts.push(text(tx, top + rowH * shown.length + 28, 'tolerance', { 'text-anchor': 'middle', fill: '#b2182b' }));
  if (shown.length === 0) parts.push(text(width / 2, top + 12, 'no quantity was compared', { 'text-anchor': 'middle', fill: '#666' }));
  return svgDocument(width, height, parts);
}
