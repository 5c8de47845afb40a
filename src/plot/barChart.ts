import { AttnflowError } from '../errors.ts';
import { axes, panelFrame } from './axes.ts';
import { seriesColor } from './colors.ts';
import type { Scale } from './scale.ts';
import { linearScale, logScale, niceDomain } from './scale.ts';
import { el, escapeXml, svgDocument, text } from './svg.ts';

/** One group member of a {@link barChart}: a value per category. */
export interface BarGroup {
  readonly label: string;
  readonly values: readonly number[];
  readonly color?: string;
}

/** Options for {@link barChart}; every field is optional. */
export interface BarChartOptions {
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Log y axis (default false); values <= 0 or non-finite draw no bar. */
  readonly logY?: boolean;
}

/**
 * Grouped vertical bars, one group of bars per category (e.g. per token: the implementation's |v_i|,
 * the reference's, their difference), with a legend. Non-finite values draw no bar.
 */
export function barChart(categories: readonly string[], groups: readonly BarGroup[], options: BarChartOptions = {}): string {
  groups.forEach((g, k) => {
    if (g.values.length !== categories.length) throw new AttnflowError(`groups[${k}].values`, `has ${g.values.length} values for ${categories.length} categories`, 'pass one value per category');
  });
  const width = options.width ?? 480, height = options.height ?? 300;
  const logY = options.logY ?? false;
  const frame = panelFrame(width, height);
  const ok = (v: number) => Number.isFinite(v) && (!logY || v > 0);
  const vals = groups.flatMap((g) => g.values.filter(ok));
  const lo = vals.length ? Math.min(...vals) : 1, hi = vals.length ? Math.max(...vals) : 10;
  const ys: Scale = logY
    ? logScale(lo, hi, frame.top + frame.height, frame.top)
    : linearScale(...niceDomain(Math.min(0, lo), Math.max(0, hi)), frame.top + frame.height, frame.top, 5);
  const slot = frame.width / Math.max(1, categories.length);
  const xs: Scale = {
    map: (v) => frame.left + (v + 0.5) * slot,
    ticks: categories.map((_, i) => i).filter((i) => categories.length <= 24 || i % Math.ceil(categories.length / 24) === 0),
    domain: [-0.5, categories.length - 0.5],
    log: false,
    format: (v) => categories[Math.round(v)] ?? '',
  };
  const parts: string[] = [axes(frame, xs, ys, options)];
  const base = logY ? frame.top + frame.height : ys.map(0);
  const bw = (slot * 0.8) / Math.max(1, groups.length);
  groups.forEach((g, k) => {
    const color = g.color ?? seriesColor(k);
    const bars = g.values.map((v, i) => {
      if (!ok(v)) return '';
      const y = ys.map(v);
      const x = frame.left + i * slot + slot * 0.1 + k * bw;
      return el('rect', { x, y: Math.min(y, base), width: Math.max(1, bw - 1), height: Math.max(0.5, Math.abs(base - y)), fill: color }, el('title', {}, escapeXml(`${g.label}, ${categories[i]}: ${v.toPrecision(4)}`)));
    });
    parts.push(el('g', { class: 'bars' }, bars));
  });
  if (groups.length > 1) {
    const w = 26 + 6.2 * Math.max(...groups.map((g) => g.label.length));
    const x = frame.left + frame.width - w - 6, y = frame.top + 6;
    parts.push(el('rect', { x, y, width: w, height: 6 + 15 * groups.length, fill: 'white', 'fill-opacity': 0.85, stroke: '#bbb' }));
    groups.forEach((g, k) => {
      const cy = y + 3 + 15 * k + 7.5;
      parts.push(el('rect', { x: x + 6, y: cy - 5, width: 12, height: 10, fill: g.color ?? seriesColor(k) }), text(x + 25, cy + 4, g.label));
    });
  }
  return svgDocument(width, height, parts);
}
