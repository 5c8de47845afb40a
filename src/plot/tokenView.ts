import { AttnflowError } from '../errors.ts';
import { tokenColor } from './colors.ts';
import { el, escapeXml, num, svgDocument, text } from './svg.ts';

/** A set of vectors attached to the tokens (velocities), drawn as arrows from each token. */
export interface ArrowSet {
  /** Legend entry, e.g. "implementation". */
  readonly label: string;
  /** Row i is the vector at token i (n x d, d = 2 or 3, as the tokens). */
  readonly vectors: readonly (readonly number[])[];
  readonly color: string;
  /** Dashed shaft (default false). */
  readonly dashed?: boolean;
}

/** Options for {@link tokenView}; every field is optional. */
export interface TokenViewOptions {
  /** Pixels (default 320 x 340). */
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  /** Second token set drawn as hollow rings (e.g. the reference's state), labelled `ringsLabel`. */
  readonly rings?: readonly (readonly number[])[];
  readonly ringsLabel?: string;
  /** Label of the filled dots (default "tokens"); shown in the legend when rings or arrows are drawn. */
  readonly tokensLabel?: string;
  /** Vectors at each token (e.g. the implementation's and the reference's velocity). */
  readonly arrows?: readonly ArrowSet[];
  /** d = 3 viewing direction in radians (default azimuth 0.6, elevation 0.35, as {@link sphereView}). */
  readonly azimuth?: number;
  readonly elevation?: number;
}

/**
 * Tokens as points: on the unit circle for d = 2, on S^2 in orthographic projection for d = 3 (the
 * hemisphere facing the viewer solid, the far one faint), optionally with a second set of tokens as
 * rings and vectors at each token as arrows. The arrows of all sets share one scale, chosen so the
 * longest is 0.45 of the radius: lengths compare across sets, and the scale is printed.
 */
export function tokenView(tokens: readonly (readonly number[])[], options: TokenViewOptions = {}): string {
  if (tokens.length === 0) throw new AttnflowError('tokens', 'is empty', 'pass at least one token');
  const d = tokens[0].length;
  if (d !== 2 && d !== 3) throw new AttnflowError('tokens', `have dimension ${d}`, 'pass d = 2 or d = 3 tokens (use gramHeatmap for larger d)');
  const check = (rows: readonly (readonly number[])[], field: string) => rows.forEach((r, i) => {
    if (r.length !== d || r.some((v) => !Number.isFinite(v))) throw new AttnflowError(`${field}[${i}]`, `is ${JSON.stringify(r)}`, `pass ${d} finite coordinates per token`);
  });
  check(tokens, 'tokens');
  if (options.rings) check(options.rings, 'rings');
  for (const a of options.arrows ?? []) {
    if (a.vectors.length !== tokens.length) throw new AttnflowError(`arrows "${a.label}"`, `has ${a.vectors.length} vectors for ${tokens.length} tokens`, 'pass one vector per token');
    check(a.vectors, `arrows "${a.label}"`);
  }
  const width = options.width ?? 320, height = options.height ?? 340;
  const arrows = options.arrows ?? [];
  const legendRows = (options.rings ? 1 : 0) + arrows.length + (options.rings || arrows.length ? 1 : 0);
  const top = options.title ? 30 : 10, bottom = 14 + 14 * legendRows;
  const r = Math.max(20, Math.min(width - 30, height - top - bottom) / 2);
  const cx = width / 2, cy = top + r + 4;
  const az = options.azimuth ?? 0.6, elv = options.elevation ?? 0.35;
  const ca = Math.cos(az), sa = Math.sin(az), ce = Math.cos(elv), se = Math.sin(elv);
  // d = 2: the plane itself; d = 3: the camera basis of sphereView (right, up, depth towards the viewer).
  const project = (p: readonly number[]) => d === 2
    ? { px: cx + r * p[0], py: cy - r * p[1], depth: 1 }
    : {
      px: cx + r * (-sa * p[0] + ca * p[1]),
      py: cy - r * (-se * ca * p[0] - se * sa * p[1] + ce * p[2]),
      depth: ce * ca * p[0] + ce * sa * p[1] + se * p[2],
    };
  const parts: string[] = [];
  if (options.title) parts.push(text(width / 2, 18, options.title, { 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 'bold' }));
  parts.push(el('circle', { cx, cy, r, fill: d === 3 ? '#f7f9fc' : 'none', stroke: '#333', 'stroke-width': 1 }));
  if (d === 2) {
    parts.push(el('line', { x1: cx - r - 6, y1: cy, x2: cx + r + 6, y2: cy, stroke: '#ddd' }));
    parts.push(el('line', { x1: cx, y1: cy - r - 6, x2: cx, y2: cy + r + 6, stroke: '#ddd' }));
  } else {
    for (const f of [(s: number) => [Math.cos(s), Math.sin(s), 0], (s: number) => [Math.cos(s), 0, Math.sin(s)]]) {
      const pts: string[] = [];
      for (let k = 0; k <= 96; k++) {
        const p = project(f((2 * Math.PI * k) / 96));
        pts.push(`${num(p.px)},${num(p.py)}`);
      }
      parts.push(el('polyline', { points: pts.join(' '), fill: 'none', stroke: '#bbb', 'stroke-width': 0.8, 'stroke-dasharray': '3 3' }));
    }
  }
  let longest = 0;
  for (const a of arrows) for (const v of a.vectors) longest = Math.max(longest, Math.hypot(...v));
  const scale = longest > 0 ? 0.45 / longest : 1;
  if (arrows.length) {
    parts.push(el('defs', {}, arrows.map((a, k) => el('marker', { id: `tv-head-${k}-${markerTag(a.color)}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: a.color })))));
  }
  tokens.forEach((x, i) => {
    const p = project(x);
    const front = p.depth >= -1e-12;
    if (options.rings) {
      const q = project(options.rings[i]);
      parts.push(el('circle', { class: 'ring', cx: q.px, cy: q.py, r: 5.5, fill: 'none', stroke: '#333', 'stroke-width': 1.2, 'stroke-opacity': q.depth >= 0 ? 0.9 : 0.35 }, el('title', {}, escapeXml(`${options.ringsLabel ?? 'second set'}: token ${i}`))));
    }
    arrows.forEach((a, k) => {
      const v = a.vectors[i];
      const q = project(x.map((c, j) => c + scale * v[j]));
      if (Math.hypot(q.px - p.px, q.py - p.py) < 0.5) return;
      parts.push(el('line', {
        class: 'arrow', x1: p.px, y1: p.py, x2: q.px, y2: q.py, stroke: a.color, 'stroke-width': 1.8, 'stroke-opacity': front ? 1 : 0.4,
        'stroke-dasharray': a.dashed ? '4,2' : undefined, 'marker-end': `url(#tv-head-${k}-${markerTag(a.color)})`,
      }, el('title', {}, escapeXml(`${a.label} at token ${i}: (${v.map((c) => c.toPrecision(4)).join(', ')})`))));
    });
    parts.push(el('circle', { class: 'token', cx: p.px, cy: p.py, r: 3.5, fill: tokenColor(i, tokens.length), 'fill-opacity': front ? 1 : 0.35, stroke: 'white', 'stroke-width': 0.6 }, el('title', {}, escapeXml(`${options.tokensLabel ?? 'token'} ${i}: (${x.map((c) => c.toPrecision(4)).join(', ')})`))));
  });
  // Legend under the disc: what the dots, rings and arrows are, and the arrow scale.
  let ly = cy + r + 18;
  if (options.rings || arrows.length) {
    parts.push(el('circle', { cx: 16, cy: ly - 4, r: 3.5, fill: '#555' }), text(26, ly, options.tokensLabel ?? 'tokens'));
    ly += 14;
  }
  if (options.rings) {
    parts.push(el('circle', { cx: 16, cy: ly - 4, r: 5, fill: 'none', stroke: '#333', 'stroke-width': 1.2 }), text(26, ly, options.ringsLabel ?? 'second set'));
    ly += 14;
  }
  arrows.forEach((a) => {
    parts.push(el('line', { x1: 8, y1: ly - 4, x2: 22, y2: ly - 4, stroke: a.color, 'stroke-width': 2, 'stroke-dasharray': a.dashed ? '4,2' : undefined }));
    parts.push(text(26, ly, `${a.label}${a === arrows[arrows.length - 1] ? ` (arrows × ${Number(scale.toPrecision(3))})` : ''}`));
    ly += 14;
  });
  return svgDocument(width, height, parts);
}

/** A marker id fragment from a colour, so several views inlined in one HTML page do not share ids by accident. */
function markerTag(color: string): string {
  return color.replace(/[^a-zA-Z0-9]/g, '');
}
