import { AttnflowError } from '../errors.ts';
import { axes, panelFrame } from './axes.ts';
import type { Frame } from './axes.ts';
import { seriesColor } from './colors.ts';
import type { Scale } from './scale.ts';
import { linearScale, logScale, niceDomain } from './scale.ts';
import { el, escapeXml, points, svgDocument, text } from './svg.ts';

/** One curve of a {@link linePlot}. */
export interface Series {
  /** Legend entry. */
  readonly label: string;
  /** Abscissae; same length as `y`. */
  readonly x: readonly number[];
  /** Ordinates; non-finite values (and values <= 0 on a log axis) leave a gap in the line. */
  readonly y: readonly number[];
  /** CSS colour (default: the palette colour of the series index). */
  readonly color?: string;
  /** Dashed line (default false). */
  readonly dashed?: boolean;
  /** Draw as a staircase, for piecewise-constant quantities such as cluster counts (default false). */
  readonly step?: boolean;
}

/** A shaded band between two curves, e.g. a reference value plus or minus its tolerance. */
export interface Band {
  /** Legend entry. */
  readonly label: string;
  /** Abscissae; same length as `lo` and `hi`. */
  readonly x: readonly number[];
  readonly lo: readonly number[];
  readonly hi: readonly number[];
  /** CSS fill colour (default a light grey-blue). */
  readonly color?: string;
}

/** Options for {@link linePlot}; every field is optional. */
export interface LinePlotOptions {
  /** Pixel width of the whole panel (default 480). */
  readonly width?: number;
  /** Pixel height of the whole panel (default 300). */
  readonly height?: number;
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Logarithmic (base 10) y axis (default false). */
  readonly logY?: boolean;
  /** Fixed x range (default: the data range). */
  readonly xDomain?: readonly [number, number];
  /** Fixed y range (default: the data range, widened to round ticks). */
  readonly yDomain?: readonly [number, number];
  /** Draw the legend (default: when there are two or more series). */
  readonly legend?: boolean;
  /** Shaded bands drawn under the series (default none); they widen the y range to fit. */
  readonly bands?: readonly Band[];
}

/**
 * A line chart of several series as a stand-alone SVG document: axes, ticks, labels, legend, optional
 * log-y. Dependency-free string building; every coordinate written is finite.
 */
export function linePlot(series: readonly Series[], options: LinePlotOptions = {}): string {
  const width = options.width ?? 480, height = options.height ?? 300;
  const logY = options.logY ?? false;
  series.forEach((s, k) => {
    if (s.x.length !== s.y.length) {
      throw new AttnflowError(`series[${k}].y`, `has ${s.y.length} values but x has ${s.x.length}`, 'pass x and y of equal length');
    }
  });
  const usable = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0);
  const bands = options.bands ?? [];
  bands.forEach((b, k) => {
    if (b.lo.length !== b.x.length || b.hi.length !== b.x.length) {
      throw new AttnflowError(`bands[${k}]`, `has ${b.lo.length} lo and ${b.hi.length} hi values for ${b.x.length} x`, 'pass x, lo and hi of equal length');
    }
  });
  let xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity;
  for (const s of [...series, ...bands.flatMap((b) => [{ x: b.x, y: b.lo }, { x: b.x, y: b.hi }])]) {
    for (let k = 0; k < s.x.length; k++) {
      if (!usable(s.x[k], s.y[k])) continue;
      xlo = Math.min(xlo, s.x[k]); xhi = Math.max(xhi, s.x[k]);
      ylo = Math.min(ylo, s.y[k]); yhi = Math.max(yhi, s.y[k]);
    }
  }
  const frame = panelFrame(width, height);
  const [x0, x1] = options.xDomain ?? (xlo <= xhi ? (xlo === xhi ? [xlo - 1, xhi + 1] : [xlo, xhi]) : [0, 1]);
  const xs = linearScale(x0, x1, frame.left, frame.left + frame.width, Math.max(2, Math.round(frame.width / 80)));
  let ys: Scale;
  if (logY) {
    const [a, b] = options.yDomain ?? (ylo <= yhi ? [ylo, yhi] : [1, 10]);
    ys = logScale(a, b, frame.top + frame.height, frame.top);
  } else {
    const [a, b] = options.yDomain ?? (ylo <= yhi ? niceDomain(ylo, yhi) : [0, 1]);
    ys = linearScale(a, b, frame.top + frame.height, frame.top, Math.max(2, Math.round(frame.height / 50)));
  }
  const parts: string[] = [axes(frame, xs, ys, options)];
  for (const b of bands) parts.push(bandPath(b, xs, ys, usable));
  series.forEach((s, k) => parts.push(seriesPath(s, k, xs, ys, usable)));
  if (options.legend ?? series.length + bands.length >= 2) parts.push(legend(series, frame, bands));
  return svgDocument(width, height, parts);
}

/** The polylines of one series, broken at unusable points, clipped to the frame. */
function seriesPath(s: Series, k: number, xs: Scale, ys: Scale, usable: (x: number, y: number) => boolean): string {
  const color = s.color ?? seriesColor(k);
  const runs: { x: number[]; y: number[] }[] = [];
  let cur: { x: number[]; y: number[] } | null = null;
  const [xa, xb] = xs.domain, [ya, yb] = ys.domain;
  const clampY = (v: number) => Math.min(Math.max(v, Math.min(ya, yb)), Math.max(ya, yb));
  for (let i = 0; i < s.x.length; i++) {
    if (!usable(s.x[i], s.y[i]) || s.x[i] < Math.min(xa, xb) || s.x[i] > Math.max(xa, xb)) {
      cur = null;
      continue;
    }
    if (!cur) runs.push((cur = { x: [], y: [] }));
    const px = xs.map(s.x[i]), py = ys.map(clampY(s.y[i]));
    if (s.step && cur.x.length > 0) {
      cur.x.push(px);
      cur.y.push(cur.y[cur.y.length - 1]);
    }
    cur.x.push(px);
    cur.y.push(py);
  }
  const style = { fill: 'none', stroke: color, 'stroke-width': 1.6, 'stroke-linejoin': 'round', 'stroke-dasharray': s.dashed ? '5,3' : undefined };
  const shapes = runs.map((r) =>
    r.x.length === 1 ? el('circle', { cx: r.x[0], cy: r.y[0], r: 2, fill: color }) : el('polyline', { ...style, points: points(r.x, r.y) }),
  );
  return el('g', { class: 'series' }, [el('title', {}, escapeXml(s.label)), ...shapes]);
}

const BAND_FILL = '#9ecae1';

/**
 * The polygon of one band (lo forwards, hi backwards), broken where a bound is unusable, clipped to
 * the frame like the series.
 */
function bandPath(b: Band, xs: Scale, ys: Scale, usable: (x: number, y: number) => boolean): string {
  const [xa, xb] = xs.domain, [ya, yb] = ys.domain;
  const clampY = (v: number) => Math.min(Math.max(v, Math.min(ya, yb)), Math.max(ya, yb));
  const runs: number[][] = [];
  let cur: number[] | null = null;
  for (let i = 0; i < b.x.length; i++) {
    if (!usable(b.x[i], b.lo[i]) || !usable(b.x[i], b.hi[i]) || b.x[i] < Math.min(xa, xb) || b.x[i] > Math.max(xa, xb)) {
      cur = null;
      continue;
    }
    if (!cur) runs.push((cur = []));
    cur.push(i);
  }
  const shapes = runs.filter((r) => r.length > 1).map((r) => {
    const px = [...r.map((i) => xs.map(b.x[i])), ...[...r].reverse().map((i) => xs.map(b.x[i]))];
    const py = [...r.map((i) => ys.map(clampY(b.lo[i]))), ...[...r].reverse().map((i) => ys.map(clampY(b.hi[i])))];
    return el('polygon', { points: points(px, py), fill: b.color ?? BAND_FILL, 'fill-opacity': 0.45, stroke: 'none' });
  });
  return el('g', { class: 'band' }, [el('title', {}, escapeXml(b.label)), ...shapes]);
}

/** A legend box in the top-right corner of the frame: the series, then the bands as filled swatches. */
function legend(series: readonly Series[], frame: Frame, bands: readonly Band[] = []): string {
  const rowH = 15;
  const w = Math.min(frame.width - 8, 26 + 6.2 * Math.max(1, ...series.map((s) => s.label.length), ...bands.map((b) => b.label.length)));
  const h = 6 + rowH * (series.length + bands.length);
  const x = frame.left + frame.width - w - 6, y = frame.top + 6;
  const parts = [el('rect', { x, y, width: w, height: h, fill: 'white', 'fill-opacity': 0.85, stroke: '#bbb' })];
  series.forEach((s, k) => {
    const cy = y + 3 + rowH * k + rowH / 2;
    parts.push(el('line', { x1: x + 5, y1: cy, x2: x + 21, y2: cy, stroke: s.color ?? seriesColor(k), 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '5,3' : undefined }));
    parts.push(text(x + 25, cy + 4, s.label));
  });
  bands.forEach((b, k) => {
    const cy = y + 3 + rowH * (series.length + k) + rowH / 2;
    parts.push(el('rect', { x: x + 5, y: cy - 4, width: 16, height: 8, fill: b.color ?? BAND_FILL, 'fill-opacity': 0.45 }));
    parts.push(text(x + 25, cy + 4, b.label));
  });
  return el('g', { class: 'legend' }, parts);
}
