import { clusters } from '../analysis/clusters.ts';
import { gram } from '../analysis/gram.ts';
import { circleTrajectoryPlot } from '../plot/circleTrajectoryPlot.ts';
import { figure } from '../plot/figure.ts';
import { gramHeatmap } from '../plot/gramHeatmap.ts';
import { linePlot } from '../plot/linePlot.ts';
import { sphereView } from '../plot/sphereView.ts';
import { svgDocument, text } from '../plot/svg.ts';
import type { Conjecture } from './conjecture.ts';
import type { ExploreResult } from './explore.ts';

/**
 * The picture of a counterexample: the conjecture's own `picture` when it has one; else its trajectory
 * (angles on the circle for d = 2, the sphere for d = 3), the cluster count over time and the final
 * Gram matrix; else a card with the hypothesis and the reason.
 */
export function counterexamplePicture<H>(c: Conjecture<H>, r: ExploreResult<H>): string {
  const h = r.counterexample as H;
  if (c.picture) return c.picture(h, r.trajectory);
  const title = `${c.id}: counterexample — ${r.reason ?? ''}`;
  const tr = r.trajectory;
  if (tr && tr.states.length > 0) {
    const d = tr.states[0].cols;
    const panels: string[] = [];
    if (d === 2) panels.push(circleTrajectoryPlot(tr.times, tr.states, { width: 420, height: 280 }));
    if (d === 3) panels.push(sphereView(tr.states, { width: 300, height: 280 }));
    panels.push(linePlot([{ label: 'clusters', x: [...tr.times], y: tr.states.map((X) => clusters(X, { delta: 1e-3 }).count), step: true }], {
      width: 420, height: 280, title: 'cluster count (δ = 1e-3)', xLabel: 't', legend: false,
    }));
    panels.push(gramHeatmap(gram(tr.states[tr.states.length - 1]), { width: 300, height: 280, title: `Gram at t = ${tr.times[tr.times.length - 1]}` }));
    return figure(panels, { columns: 3, title: title.length > 140 ? title.slice(0, 137) + '...' : title });
  }
  const lines = [title, ...JSON.stringify(h, null, 1).split('\n')].slice(0, 40);
  return svgDocument(720, 24 + 16 * lines.length, lines.map((l, k) => text(10, 20 + 16 * k, l.length > 110 ? l.slice(0, 107) + '...' : l, { 'font-family': 'monospace' })));
}
