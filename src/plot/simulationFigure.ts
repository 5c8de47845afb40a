import type { Tokens } from '../linalg/mat.ts';
import { gram } from '../analysis/gram.ts';
import { circleTrajectoryPlot } from './circleTrajectoryPlot.ts';
import { figure } from './figure.ts';
import { gramHeatmap } from './gramHeatmap.ts';
import { linePlot } from './linePlot.ts';
import { sphereView } from './sphereView.ts';

/** The sampled trajectory and its diagnostics that {@link simulationFigure} draws. */
export interface SimulationTrace {
  /** Sample times, increasing. */
  readonly times: readonly number[];
  /** Configuration at each sample time, n x d. */
  readonly states: readonly Tokens[];
  /** Interaction energy at each sample time (non-finite entries leave gaps). */
  readonly energy: readonly number[];
  /** Cluster count at each sample time. */
  readonly clusters: readonly number[];
  /** Order of the tokens in the Gram matrices, a permutation of 0..n-1 (default: index order). */
  readonly order?: readonly number[];
  /** Name of the energy curve (default "energy E_beta"). */
  readonly energyLabel?: string;
  /** The delta of the cluster count, for the panel title (optional). */
  readonly delta?: number;
}

/**
 * The picture of one simulation: for d = 2 the angles theta_i(t) (§7.1), then for any d the energy
 * (S4/S5) and the cluster count over time, and Gram heat maps at t = 0, the middle sample and the last
 * sample, in the token order given (e.g. by cluster, so the blocks of Fig. 4 show as squares).
 */
export function simulationFigure(trace: SimulationTrace, title: string): string {
  const { times, states } = trace;
  const n = states[0].rows, d = states[0].cols;
  const last = states.length - 1;
  const order = trace.order ? [...trace.order] : Array.from({ length: n }, (_, i) => i);
  const panels: string[] = [];
  if (d === 2) panels.push(circleTrajectoryPlot(times, states, { width: 420, height: 280 }));
  if (d === 3) panels.push(sphereView(states, { width: 300, height: 280, title: 'tokens on S², paths to t = ' + fmtTime(times[last]) }));
  panels.push(
    linePlot([{ label: trace.energyLabel ?? 'energy E_beta', x: times, y: trace.energy }], {
      width: 420, height: 280, title: trace.energyLabel ?? 'energy E_β(X(t))', xLabel: 't', legend: false,
    }),
  );
  const maxCount = Math.max(1, ...trace.clusters);
  panels.push(
    linePlot([{ label: 'clusters', x: times, y: trace.clusters, step: true }], {
      width: 420, height: 280, xLabel: 't', legend: false,
      title: trace.delta !== undefined ? `cluster count (δ = ${trace.delta})` : 'cluster count',
      yDomain: [0, maxCount + 1],
    }),
  );
  const picks = [...new Set([0, Math.round(last / 2), last])];
  for (const k of picks) {
    panels.push(gramHeatmap(gram(states[k]), { width: 300, height: 280, order, title: `Gram ⟨x_i, x_j⟩ at t = ${fmtTime(times[k])}` }));
  }
  return figure(panels, { columns: 3, title });
}

function fmtTime(t: number): string {
  return String(Number(t.toPrecision(4)));
}
