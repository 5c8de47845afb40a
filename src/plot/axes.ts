import type { Scale } from './scale.ts';
import { formatTick } from './scale.ts';
import { el, text } from './svg.ts';

/** The plotting rectangle of a panel, in pixels. */
export interface Frame {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The plotting rectangle of a width x height panel with room for the title (top), tick labels and
 * axis labels (left, bottom); the line and trajectory plots share it so their panels line up.
 */
export function panelFrame(width: number, height: number): Frame {
  return { left: 62, top: 30, width: width - 62 - 16, height: height - 30 - 46 };
}

/** Labels drawn by {@link axes}. */
export interface AxesLabels {
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
}

/**
 * Frame, light grid, tick marks and tick labels for an x and a y scale, plus title and axis labels.
 * Shared by the line and trajectory plots so every panel of a figure looks alike.
 */
export function axes(frame: Frame, x: Scale, y: Scale, labels: AxesLabels = {}): string {
  const { left, top, width, height } = frame;
  const bottom = top + height, right = left + width;
  const parts: string[] = [];
  for (const t of x.ticks) {
    const px = x.map(t);
    parts.push(el('line', { x1: px, y1: top, x2: px, y2: bottom, stroke: '#e6e6e6', 'stroke-width': 1 }));
    parts.push(el('line', { x1: px, y1: bottom, x2: px, y2: bottom + 4, stroke: '#333', 'stroke-width': 1 }));
    parts.push(text(px, bottom + 16, (x.format ?? formatTick)(t), { 'text-anchor': 'middle', fill: '#333' }));
  }
  for (const t of y.ticks) {
    const py = y.map(t);
    parts.push(el('line', { x1: left, y1: py, x2: right, y2: py, stroke: '#e6e6e6', 'stroke-width': 1 }));
    parts.push(el('line', { x1: left - 4, y1: py, x2: left, y2: py, stroke: '#333', 'stroke-width': 1 }));
    parts.push(text(left - 7, py + 4, (y.format ?? formatTick)(t), { 'text-anchor': 'end', fill: '#333' }));
  }
  parts.push(el('rect', { x: left, y: top, width, height, fill: 'none', stroke: '#333', 'stroke-width': 1 }));
  if (labels.title) parts.push(text(left + width / 2, top - 10, labels.title, { 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 'bold' }));
  if (labels.xLabel) parts.push(text(left + width / 2, bottom + 34, labels.xLabel, { 'text-anchor': 'middle' }));
  if (labels.yLabel) {
    const cx = left - 46, cy = top + height / 2;
    parts.push(text(cx, cy, labels.yLabel, { 'text-anchor': 'middle', transform: `rotate(-90 ${cx} ${cy})` }));
  }
  return el('g', { class: 'axes' }, parts);
}
