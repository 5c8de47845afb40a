import { formatTick } from '../../plot/scale.ts';
import { el, num, svgDocument, text } from '../../plot/svg.ts';

/**
 * The violated quantity against its tolerance on one axis (log where both are positive): the allowed
 * side of the tolerance shaded green, the measured value as a red marker. `sense` says which side is
 * allowed: `at-most` (measured must stay below, the usual case) or `at-least`.
 */
export function gaugePicture(measured: number, tolerance: number, sense: 'at-most' | 'at-least' = 'at-most', quantity = 'measured'): string {
  const width = 420, height = 78, left = 16, right = width - 16, y = 40;
  const parts: string[] = [];
  const finite = Number.isFinite(measured) && Number.isFinite(tolerance);
  const log = finite && measured > 0 && tolerance > 0;
  let map: (v: number) => number;
  let lo: number, hi: number;
  if (log) {
    lo = Math.floor(Math.log10(Math.min(measured, tolerance))) - 1;
    hi = Math.ceil(Math.log10(Math.max(measured, tolerance))) + 1;
    map = (v) => left + ((Math.log10(v) - lo) / (hi - lo)) * (right - left);
  } else {
    const vals = [measured, tolerance].filter(Number.isFinite);
    lo = Math.min(0, ...vals); hi = Math.max(1, ...vals);
    const pad = (hi - lo) * 0.15 || 1;
    lo -= pad; hi += pad;
    map = (v) => left + ((v - lo) / (hi - lo)) * (right - left);
  }
  const clampX = (v: number) => Math.min(right, Math.max(left, v));
  parts.push(el('rect', { x: left, y: y - 8, width: right - left, height: 16, fill: '#fbe3e1', stroke: '#999' }));
  if (Number.isFinite(tolerance)) {
    const tx = clampX(map(tolerance));
    const okX = sense === 'at-most' ? left : tx, okW = sense === 'at-most' ? tx - left : right - tx;
    parts.push(el('rect', { class: 'allowed', x: okX, y: y - 8, width: Math.max(0, okW), height: 16, fill: '#cdebd3' }));
    parts.push(el('line', { x1: tx, y1: y - 14, x2: tx, y2: y + 14, stroke: '#1b7837', 'stroke-width': 2 }));
    parts.push(text(tx, y + 26, `tolerance ${formatTick(tolerance)}`, { 'text-anchor': tx > width / 2 ? 'end' : 'start', fill: '#1b7837' }));
  }
  if (Number.isFinite(measured)) {
    const mx = clampX(map(measured));
    parts.push(el('path', { class: 'measured', d: `M ${num(mx - 6)} ${y - 18} L ${num(mx + 6)} ${y - 18} L ${num(mx)} ${y - 8} Z`, fill: '#b2182b' }));
    parts.push(el('line', { x1: mx, y1: y - 8, x2: mx, y2: y + 8, stroke: '#b2182b', 'stroke-width': 2.5 }));
    parts.push(text(mx, y - 22, `${quantity} ${formatTick(measured)}`, { 'text-anchor': mx > width / 2 ? 'end' : 'start', fill: '#b2182b', 'font-weight': 'bold' }));
  } else {
    parts.push(text(right, y - 22, `${quantity} ${String(measured)}`, { 'text-anchor': 'end', fill: '#b2182b', 'font-weight': 'bold' }));
  }
  if (log) {
    for (let e = lo; e <= hi; e++) parts.push(el('line', { x1: map(10 ** e), y1: y + 8, x2: map(10 ** e), y2: y + 11, stroke: '#666' }));
    parts.push(text(left, height - 4, `1e${lo}`, { fill: '#666', 'font-size': 9 }), text(right, height - 4, `1e${hi}`, { fill: '#666', 'font-size': 9, 'text-anchor': 'end' }));
  }
  return svgDocument(width, height, parts);
}
