import { AttnflowError } from '../errors.ts';
import type { Tokens } from '../linalg/mat.ts';
import { tokenColor } from './colors.ts';
import { el, num, svgDocument, text } from './svg.ts';

/** Options for {@link sphereView}; every field is optional. */
export interface SphereViewOptions {
  /** Pixels (default 320 x 340). */
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  /** Viewing direction: azimuth and elevation in radians (default 0.6 and 0.35). */
  readonly azimuth?: number;
  readonly elevation?: number;
}

/**
 * d = 3 trajectories on S^2 (eq. 2.3 keeps tokens on the sphere, S1) in orthographic projection:
 * the sphere's outline and equator, each token's path (solid on the visible hemisphere, faint
 * behind it) and its last position as a dot. `states[k]` is the configuration at the k-th sample.
 */
export function sphereView(states: readonly Tokens[], options: SphereViewOptions = {}): string {
  if (states.length === 0) throw new AttnflowError('states', 'is empty', 'pass at least one configuration');
  const n = states[0].rows;
  states.forEach((X, k) => {
    if (X.cols !== 3 || X.rows !== n) throw new AttnflowError(`states[${k}]`, `is ${X.rows} x ${X.cols}, expected ${n} x 3`, 'pass tokens on S^2 (d = 3) with the same n at every sample');
  });
  const width = options.width ?? 320, height = options.height ?? 340;
  const az = options.azimuth ?? 0.6, elv = options.elevation ?? 0.35;
  const top = options.title ? 30 : 10;
  const r = Math.min(width - 20, height - top - 10) / 2;
  const cx = width / 2, cy = top + r;
  // Camera basis: right = (-sin az, cos az, 0), up, and the depth axis towards the viewer.
  const ca = Math.cos(az), sa = Math.sin(az), ce = Math.cos(elv), se = Math.sin(elv);
  const project = (x: number, y: number, z: number) => ({
    px: cx + r * (-sa * x + ca * y),
    py: cy - r * (-se * ca * x - se * sa * y + ce * z),
    depth: ce * ca * x + ce * sa * y + se * z,
  });
  const parts: string[] = [];
  if (options.title) parts.push(text(width / 2, 18, options.title, { 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 'bold' }));
  parts.push(el('circle', { cx, cy, r, fill: '#f7f9fc', stroke: '#333', 'stroke-width': 1 }));
  const ring = (f: (s: number) => [number, number, number]) => {
    const front: string[] = [];
    for (let k = 0; k <= 96; k++) {
      const p = project(...f((2 * Math.PI * k) / 96));
      front.push(`${num(p.px)},${num(p.py)}`);
    }
    return el('polyline', { points: front.join(' '), fill: 'none', stroke: '#bbb', 'stroke-width': 0.8, 'stroke-dasharray': '3 3' });
  };
  parts.push(ring((s) => [Math.cos(s), Math.sin(s), 0]));
  parts.push(ring((s) => [Math.cos(s), 0, Math.sin(s)]));
  for (let i = 0; i < n; i++) {
    const color = tokenColor(i, n);
    let seg: string[] = [];
    let segFront = true;
    const flush = () => {
      if (seg.length > 1) parts.push(el('polyline', { points: seg.join(' '), fill: 'none', stroke: color, 'stroke-width': segFront ? 1.4 : 0.9, 'stroke-opacity': segFront ? 0.95 : 0.3 }));
    };
    for (const X of states) {
      const p = project(X.data[3 * i], X.data[3 * i + 1], X.data[3 * i + 2]);
      const front = p.depth >= 0;
      const pt = `${num(p.px)},${num(p.py)}`;
      if (front !== segFront && seg.length > 0) {
        seg.push(pt);
        flush();
        seg = [pt];
        segFront = front;
      } else {
        if (seg.length === 0) segFront = front;
        seg.push(pt);
      }
    }
    flush();
    const last = states[states.length - 1];
    const p = project(last.data[3 * i], last.data[3 * i + 1], last.data[3 * i + 2]);
    parts.push(el('circle', { cx: p.px, cy: p.py, r: 3, fill: color, 'fill-opacity': p.depth >= 0 ? 1 : 0.35, stroke: 'white', 'stroke-width': 0.6 }, el('title', {}, `token ${i}`)));
  }
  return svgDocument(width, height, parts);
}
