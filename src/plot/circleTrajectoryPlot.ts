import { AttnflowError } from '../errors.ts';
import type { Tokens } from '../linalg/mat.ts';
import { toAngles } from '../random/sphere.ts';
import { axes, panelFrame } from './axes.ts';
import { tokenColor } from './colors.ts';
import type { Scale } from './scale.ts';
import { linearScale } from './scale.ts';
import { el, points, svgDocument } from './svg.ts';

/** Options for {@link circleTrajectoryPlot}; every field is optional. */
export interface CircleTrajectoryOptions {
  /** Pixel width (default 480). */
  readonly width?: number;
  /** Pixel height (default 300). */
  readonly height?: number;
  /** Panel title (default "token angles theta_i(t)"). */
  readonly title?: string;
  /** x-axis label (default "t"). */
  readonly xLabel?: string;
  /** Colour of token i of n (default: evenly spaced hues). */
  readonly color?: (i: number, n: number) => string;
}

/** One piece of a token's curve that does not cross the cut at ±pi. */
interface Piece { t: number[]; theta: number[] }

/**
 * Splits the angle path of one token into pieces that stay in [-pi, pi]: between two samples the token
 * is taken to move along the shorter arc, and where that arc crosses ±pi the line is ended at the
 * boundary and restarted on the other side, so a token circling the origin is not drawn as a
 * vertical jump across the whole panel.
 */
export function unwrapPieces(times: readonly number[], theta: readonly number[]): Piece[] {
  const pieces: Piece[] = [];
  if (times.length === 0) return pieces;
  let cur: Piece = { t: [times[0]], theta: [theta[0]] };
  pieces.push(cur);
  for (let k = 1; k < times.length; k++) {
    const t1 = times[k - 1], a = theta[k - 1];
    let delta = theta[k] - a;
    delta -= 2 * Math.PI * Math.round(delta / (2 * Math.PI));
    const b = a + delta;
    if (b > Math.PI || b < -Math.PI) {
      const edge = b > Math.PI ? Math.PI : -Math.PI;
      const tc = t1 + ((edge - a) / delta) * (times[k] - t1);
      cur.t.push(tc);
      cur.theta.push(edge);
      cur = { t: [tc, times[k]], theta: [-edge, b - 2 * edge] };
      pieces.push(cur);
    } else {
      cur.t.push(times[k]);
      cur.theta.push(b);
    }
  }
  return pieces;
}

const PI_TICKS: readonly [number, string][] = [[-Math.PI, '-π'], [-Math.PI / 2, '-π/2'], [0, '0'], [Math.PI / 2, 'π/2'], [Math.PI, 'π']];

/**
 * d = 2 trajectories (§1.9, §7.1): the angle theta_i(t) of every token against time, one line per
 * token, y axis [-pi, pi] with the wrap-around handled by {@link unwrapPieces}. `states[k]` is the
 * configuration at `times[k]`, n x 2.
 */
export function circleTrajectoryPlot(times: readonly number[], states: readonly Tokens[], options: CircleTrajectoryOptions = {}): string {
  if (times.length !== states.length) {
    throw new AttnflowError('states', `has ${states.length} configurations but times has ${times.length}`, 'pass one state per time');
  }
  if (states.length === 0) throw new AttnflowError('states', 'is empty', 'pass at least one configuration');
  const n = states[0].rows;
  states.forEach((X, k) => {
    if (X.cols !== 2 || X.rows !== n) {
      throw new AttnflowError(`states[${k}]`, `is ${X.rows} x ${X.cols}, expected ${n} x 2`, 'pass circle tokens (d = 2) with the same n at every time');
    }
  });
  times.forEach((t, k) => {
    if (!Number.isFinite(t) || (k > 0 && t < times[k - 1])) {
      throw new AttnflowError(`times[${k}]`, `is ${t}`, 'pass finite, non-decreasing times');
    }
  });
  const width = options.width ?? 480, height = options.height ?? 300;
  const frame = panelFrame(width, height);
  const t0 = times[0], t1 = times[times.length - 1] > t0 ? times[times.length - 1] : t0 + 1;
  const xs = linearScale(t0, t1, frame.left, frame.left + frame.width, Math.max(2, Math.round(frame.width / 80)));
  const base = linearScale(-Math.PI, Math.PI, frame.top + frame.height, frame.top);
  const ys: Scale = {
    ...base,
    ticks: PI_TICKS.map(([v]) => v),
    format: (v) => PI_TICKS.find(([w]) => Math.abs(w - v) < 1e-12)?.[1] ?? String(v),
  };
  const angles = states.map((X) => toAngles(X));
  const color = options.color ?? tokenColor;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const theta = angles.map((a) => a[i]);
    const shapes = unwrapPieces(times, theta).map((p) =>
      el('polyline', { points: points(p.t.map(xs.map), p.theta.map(ys.map)), fill: 'none', stroke: color(i, n), 'stroke-width': 1.3, 'stroke-opacity': 0.9 }),
    );
    lines.push(el('g', { class: 'token' }, [el('title', {}, `token ${i}`), ...shapes]));
  }
  const ax = axes(frame, xs, ys, { title: options.title ?? 'token angles θ_i(t)', xLabel: options.xLabel ?? 't', yLabel: 'θ_i' });
  return svgDocument(width, height, [ax, ...lines]);
}
