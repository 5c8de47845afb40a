import { AttnflowError } from '../errors.ts';
import type { Mat } from '../linalg/mat.ts';
import { divergingColor } from './colors.ts';
import { el, svgDocument, text } from './svg.ts';

/** Options for {@link gramHeatmap}; every field is optional. */
export interface GramHeatmapOptions {
  /** Pixel width of the panel (default 300; the matrix is square, the colour bar sits to its right). */
  readonly width?: number;
  /** Pixel height of the panel (default 300). */
  readonly height?: number;
  readonly title?: string;
  /** Row/column order to draw, a permutation of 0..n-1 (default identity); e.g. tokens sorted by cluster. */
  readonly order?: readonly number[];
  /** Draw the colour bar (default true). */
  readonly colorBar?: boolean;
}

/**
 * An n x n matrix with entries in [-1, 1] (a Gram matrix <x_i, x_j> of unit tokens) as a heat map on
 * a diverging scale (blue -1, white 0, red +1) with a colour bar. Entries outside [-1, 1] by rounding
 * are clipped; non-finite entries are refused. Runs of equal colour within a row share one rect.
 */
export function gramHeatmap(G: Mat, options: GramHeatmapOptions = {}): string {
  const n = G.rows;
  if (n < 1 || G.cols !== n) throw new AttnflowError('G', `is ${G.rows} x ${G.cols}`, 'pass a square n x n matrix with n >= 1');
  for (let k = 0; k < G.data.length; k++) {
    if (!Number.isFinite(G.data[k])) {
      throw new AttnflowError(`G[${Math.floor(k / n)}][${k % n}]`, `is ${G.data[k]}`, 'pass a matrix of finite entries in [-1, 1]');
    }
  }
  const order = options.order ?? Array.from({ length: n }, (_, i) => i);
  const seen = new Set(order);
  if (order.length !== n || seen.size !== n || order.some((i) => !Number.isInteger(i) || i < 0 || i >= n)) {
    throw new AttnflowError('order', `is not a permutation of 0..${n - 1}`, 'pass each index exactly once, or omit it');
  }
  const width = options.width ?? 300, height = options.height ?? 300;
  const bar = options.colorBar ?? true;
  const top = options.title ? 28 : 10;
  const side = Math.max(10, Math.min(width - (bar ? 70 : 20), height - top - 26));
  const left = 10, cell = side / n;
  const parts: string[] = [];
  if (options.title) parts.push(text(left + side / 2, 18, options.title, { 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 'bold' }));
  const cells: string[] = [];
  for (let r = 0; r < n; r++) {
    const i = order[r];
    let c = 0;
    while (c < n) {
      const col = divergingColor(G.data[i * n + order[c]]);
      let e = c + 1;
      while (e < n && divergingColor(G.data[i * n + order[e]]) === col) e++;
      // A hair of overlap hides the anti-aliasing seams between neighbouring cells.
      cells.push(el('rect', { x: left + c * cell, y: top + r * cell, width: (e - c) * cell + 0.3, height: cell + 0.3, fill: col }));
      c = e;
    }
  }
  parts.push(el('g', { class: 'cells', 'shape-rendering': 'crispEdges' }, cells));
  parts.push(el('rect', { x: left, y: top, width: side, height: side, fill: 'none', stroke: '#333' }));
  parts.push(text(left + side / 2, top + side + 16, `n = ${n}`, { 'text-anchor': 'middle', fill: '#333' }));
  if (bar) parts.push(colorBar(left + side + 14, top, 14, side));
  return svgDocument(width, height, parts);
}

/** A vertical colour bar for the diverging scale, +1 at the top, with ticks at -1, 0, 1. */
function colorBar(x: number, y: number, w: number, h: number): string {
  const steps = 40;
  const parts: string[] = [];
  for (let k = 0; k < steps; k++) {
    const v = 1 - (2 * (k + 0.5)) / steps;
    parts.push(el('rect', { x, y: y + (k * h) / steps, width: w, height: h / steps + 0.3, fill: divergingColor(v) }));
  }
  parts.push(el('rect', { x, y, width: w, height: h, fill: 'none', stroke: '#333' }));
  for (const [v, label] of [[1, '1'], [0, '0'], [-1, '-1']] as const) {
    const py = y + ((1 - v) / 2) * h;
    parts.push(el('line', { x1: x + w, y1: py, x2: x + w + 4, y2: py, stroke: '#333' }));
    parts.push(text(x + w + 6, py + 4, label, { fill: '#333' }));
  }
  return el('g', { class: 'colorbar' }, parts);
}
