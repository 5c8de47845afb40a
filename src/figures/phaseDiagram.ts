import { tStar } from '../analysis/equiangular.ts';
import { axes } from '../plot/axes.ts';
import type { Frame } from '../plot/axes.ts';
import { linearScale } from '../plot/scale.ts';
import { el, points, svgDocument, text } from '../plot/svg.ts';
import type { SweepRecord } from '../sweep/types.ts';
import type { PhaseArgs, PhaseResult } from './phaseTask.ts';
import { phaseCellId } from './phaseTask.ts';

/** The averaged sweep: rows = betas, columns = checkpoint times. */
export interface PhaseGrid {
  readonly betas: readonly number[];
  readonly times: readonly number[];
  /** fraction[b][k]: mean over starts of the clustered-pair fraction (the colour of Fig. 3). */
  readonly fraction: number[][];
  /** clusters[b][k]: the cluster counts of every start (for medians, Fig. 4). */
  readonly clusters: number[][][];
  /** Starts found per beta (fewer than requested when shards are missing). */
  readonly starts: number[];
}

/** Averages the records of a phase sweep over starts (records of missing cells are simply absent). */
export function phaseGrid(args: PhaseArgs, records: readonly SweepRecord<PhaseResult>[]): PhaseGrid {
  const byId = new Map(records.map((r) => [r.id, r.result]));
  const T = args.times.length;
  const fraction: number[][] = [], counts: number[][][] = [], starts: number[] = [];
  for (const beta of args.betas) {
    const sum = new Array<number>(T).fill(0);
    const c: number[][] = Array.from({ length: T }, () => []);
    let m = 0;
    for (let run = 0; run < args.seeds; run++) {
      const r = byId.get(phaseCellId(beta, run));
      if (!r) continue;
      m++;
      for (let k = 0; k < T; k++) {
        sum[k] += r.fraction[k];
        c[k].push(r.clusters[k]);
      }
    }
    fraction.push(sum.map((s) => (m > 0 ? s / m : NaN)));
    counts.push(c);
    starts.push(m);
  }
  return { betas: [...args.betas], times: [...args.times], fraction, clusters: counts, starts };
}

/** Median of a list (mean of the two middle values for an even length); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Sequential colour for a probability in [0, 1]: white (0) to dark blue (1), as in Fig. 3; NaN grey. */
export function probabilityRgb(p: number): [number, number, number] {
  if (!Number.isFinite(p)) return [160, 160, 160];
  const s = Math.max(0, Math.min(1, p));
  const lo = [255, 255, 255], mid = [107, 174, 214], hi = [8, 48, 107];
  const [a, b, u] = s < 0.5 ? [lo, mid, s * 2] : [mid, hi, (s - 0.5) * 2];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * u)) as [number, number, number];
}

/** The curve Gamma_{inf,delta} of (6.12): (t*(beta), beta) for SA, clipped to t <= tMax, on a fine beta grid. */
export function gammaCurve(n: number, delta: number, betaMin: number, betaMax: number, tMax: number, samples = 200): { t: number[]; beta: number[] } {
  const t: number[] = [], beta: number[] = [];
  for (let k = 0; k <= samples; k++) {
    const b = betaMin + ((betaMax - betaMin) * k) / samples;
    const ts = tStar('sa', n, b, delta);
    if (ts > tMax) break; // t* grows with beta here (THEORY §6.3 table), so the curve leaves the window for good
    t.push(ts);
    beta.push(b);
  }
  return { t, beta };
}

/** Options of {@link phaseDiagramSvg}. */
export interface PhaseDiagramSvgOptions {
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  /** Overlay the curve (6.12) (default true). */
  readonly curve?: boolean;
}

/**
 * Fig. 3 / Fig. 4 (left): the clustered-pair fraction over (t, beta) as colour cells, with the curve
 * Gamma_{inf,delta} of (6.12) dashed on top and a colour bar.
 */
export function phaseDiagramSvg(args: PhaseArgs, grid: PhaseGrid, options: PhaseDiagramSvgOptions = {}): string {
  const width = options.width ?? 560, height = options.height ?? 400;
  const frame: Frame = { left: 58, top: 30, width: width - 58 - 90, height: height - 30 - 46 };
  const { times, betas } = grid;
  const tEdges = edges(times), bEdges = edges(betas);
  const xs = linearScale(tEdges[0], tEdges[tEdges.length - 1], frame.left, frame.left + frame.width);
  const ys = linearScale(bEdges[0], bEdges[bEdges.length - 1], frame.top + frame.height, frame.top);
  const cells: string[] = [];
  for (let b = 0; b < betas.length; b++) {
    for (let k = 0; k < times.length; k++) {
      const [r, g, bl] = probabilityRgb(grid.fraction[b][k]);
      const x0 = xs.map(tEdges[k]), x1 = xs.map(tEdges[k + 1]), y0 = ys.map(bEdges[b + 1]), y1 = ys.map(bEdges[b]);
      cells.push(el('rect', { x: x0, y: y0, width: x1 - x0 + 0.3, height: y1 - y0 + 0.3, fill: `rgb(${r},${g},${bl})` }));
    }
  }
  const parts = [el('g', { class: 'cells', 'shape-rendering': 'crispEdges' }, cells)];
  parts.push(axes(frame, xs, ys, { title: options.title ?? `clustered pairs, d = ${args.d}, n = ${args.n}`, xLabel: 't', yLabel: 'β' }));
  if (options.curve ?? true) {
    const c = gammaCurve(args.n, args.delta, Math.max(0, bEdges[0]), bEdges[bEdges.length - 1], tEdges[tEdges.length - 1]);
    if (c.t.length > 1) {
      parts.push(el('polyline', { class: 'gamma-curve', points: points(c.t.map(xs.map), c.beta.map(ys.map)), fill: 'none', stroke: '#D55E00', 'stroke-width': 2, 'stroke-dasharray': '6 4' }));
      parts.push(text(frame.left + frame.width - 4, frame.top + 14, 'Γ (6.12)', { 'text-anchor': 'end', fill: '#D55E00' }));
    }
  }
  const bx = frame.left + frame.width + 18, steps = 40;
  for (let k = 0; k < steps; k++) {
    const [r, g, bl] = probabilityRgb(1 - (k + 0.5) / steps);
    parts.push(el('rect', { x: bx, y: frame.top + (k * frame.height) / steps, width: 14, height: frame.height / steps + 0.3, fill: `rgb(${r},${g},${bl})` }));
  }
  parts.push(el('rect', { x: bx, y: frame.top, width: 14, height: frame.height, fill: 'none', stroke: '#333' }));
  for (const v of [0, 0.5, 1]) parts.push(text(bx + 18, frame.top + (1 - v) * frame.height + 4, String(v), { fill: '#333' }));
  // Short enough to stay inside the panel: the bar's meaning, then its threshold.
  parts.push(text(bx + 52, frame.top + frame.height / 2, `pairs with ⟨x_i,x_j⟩ > 1−δ, δ = ${args.delta}`, {
    fill: '#333', 'font-size': 10, 'text-anchor': 'middle', transform: `rotate(-90 ${bx + 52} ${frame.top + frame.height / 2})`,
  }));
  return svgDocument(width, height, parts);
}

/**
 * The same picture as an RGBA raster (cells, beta upwards, `scale` pixels per cell) with the curve
 * (6.12) in orange when `curve` gives n and delta, for {@link encodePng}.
 */
export function phaseDiagramRaster(grid: PhaseGrid, scale = 8, curve?: { n: number; delta: number }): { width: number; height: number; rgba: Uint8Array } {
  const T = grid.times.length, B = grid.betas.length;
  const width = T * scale, height = B * scale;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const b = B - 1 - Math.floor(y / scale);
    for (let x = 0; x < width; x++) {
      const [r, g, bl] = probabilityRgb(grid.fraction[b][Math.floor(x / scale)]);
      rgba.set([r, g, bl, 255], (y * width + x) * 4);
    }
  }
  if (curve && T > 1 && B > 1) {
    const tE = edges(grid.times), bE = edges(grid.betas);
    let prevX: number | undefined;
    for (let y = 0; y < height; y++) {
      // Pixel row y covers beta from the top edge down; sample its centre.
      const beta = bE[bE.length - 1] - ((y + 0.5) / height) * (bE[bE.length - 1] - bE[0]);
      if (beta < 0) continue;
      const ts = tStar('sa', curve.n, beta, curve.delta);
      const x = Math.round(((ts - tE[0]) / (tE[tE.length - 1] - tE[0])) * width);
      // Where the curve is nearly flat, join it to the previous row's point so it stays connected.
      const from = Math.min(x, prevX ?? x) - 1, to = Math.max(x, prevX ?? x) + 1;
      for (let px = Math.max(0, from); px <= Math.min(width - 1, to); px++) rgba.set([213, 94, 0, 255], (y * width + px) * 4);
      prevX = x;
    }
  }
  return { width, height, rgba };
}

/** Cell edges around sample points: midpoints between neighbours, half a spacing beyond the ends. */
function edges(v: readonly number[]): number[] {
  if (v.length === 1) return [v[0] - 0.5, v[0] + 0.5];
  const e = [v[0] - (v[1] - v[0]) / 2];
  for (let k = 0; k + 1 < v.length; k++) e.push((v[k] + v[k + 1]) / 2);
  e.push(v[v.length - 1] + (v[v.length - 1] - v[v.length - 2]) / 2);
  return e;
}
