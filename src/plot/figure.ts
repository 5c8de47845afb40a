import { AttnflowError } from '../errors.ts';
import { el, svgDocument, svgSize, text } from './svg.ts';

/** Options for {@link figure}; every field is optional. */
export interface FigureOptions {
  /** Panels per row (default: all in one row up to 3, then 3 per row). */
  readonly columns?: number;
  /** A title across the top of the figure. */
  readonly title?: string;
  /** Pixels between panels (default 10). */
  readonly gap?: number;
}

/**
 * Places SVG panels (documents from the attnflow plot writers) in a grid, row by row, as one SVG
 * document. Each panel keeps its own size; a grid cell is as wide as the widest panel of its column
 * and as tall as the tallest of its row. Panels nest as `<svg>` elements, so their content is untouched.
 */
export function figure(panels: readonly string[], options: FigureOptions = {}): string {
  if (panels.length === 0) throw new AttnflowError('panels', 'is empty', 'pass at least one panel');
  const columns = options.columns ?? Math.min(3, panels.length);
  if (!Number.isInteger(columns) || columns < 1) throw new AttnflowError('columns', `is ${columns}`, 'pass a positive integer');
  const gap = options.gap ?? 10;
  const sizes = panels.map(svgSize);
  const rows = Math.ceil(panels.length / columns);
  const colW = new Array<number>(columns).fill(0), rowH = new Array<number>(rows).fill(0);
  sizes.forEach((s, k) => {
    colW[k % columns] = Math.max(colW[k % columns], s.width);
    rowH[Math.floor(k / columns)] = Math.max(rowH[Math.floor(k / columns)], s.height);
  });
  const top = options.title ? 34 : 0;
  const width = colW.reduce((a, b) => a + b, 0) + gap * (columns + 1);
  const height = top + rowH.reduce((a, b) => a + b, 0) + gap * (rows + 1);
  const parts: string[] = [];
  if (options.title) parts.push(text(width / 2, 24, options.title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' }));
  panels.forEach((p, k) => {
    const c = k % columns, r = Math.floor(k / columns);
    const x = gap + colW.slice(0, c).reduce((a, b) => a + b, 0) + gap * c;
    const y = top + gap + rowH.slice(0, r).reduce((a, b) => a + b, 0) + gap * r;
    parts.push(el('g', { transform: `translate(${x} ${y})` }, p.trim()));
  });
  return svgDocument(width, height, parts);
}
