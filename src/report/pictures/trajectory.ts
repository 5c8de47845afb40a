import { figure } from '../../plot/figure.ts';
import type { Series } from '../../plot/linePlot.ts';
import { linePlot } from '../../plot/linePlot.ts';
import type { QuantityTrace } from '../evidence.ts';
import { tokensPicture } from './tokens.ts';
import { IMPL_COLOR, REF_COLOR } from './velocity.ts';

/** What {@link trajectoryPicture} draws. */
export interface TrajectoryPictureInput {
  readonly op: 'flow' | 'layer';
  readonly quantities: readonly QuantityTrace[];
  /** Last states of both sides (null where missing), drawn as tokens. */
  readonly implFinal: readonly (readonly number[])[] | null;
  readonly referenceFinal: readonly (readonly number[])[] | null;
  readonly implLabel?: string;
  readonly title?: string;
}

/**
 * Flow and layer theorems: each quantity the paper watches over time (deviation from the reference,
 * energy, distance from the sphere, diameter, cluster count), the implementation (orange) against the
 * reference (blue, dashed) with the tolerance band or line, and the last state of both as tokens.
 */
export function trajectoryPicture(input: TrajectoryPictureInput): string {
  const implLabel = input.implLabel ?? 'implementation';
  const panels: string[] = [];
  const xLabel = input.op === 'flow' ? 't' : 't = k h (layers)';
  for (const q of input.quantities) {
    const series: Series[] = [];
    if (q.impl) series.push({ label: q.reference ? implLabel : `${implLabel} vs reference`, x: q.t, y: q.impl, color: IMPL_COLOR, step: q.step });
    if (q.reference) series.push({ label: 'reference', x: q.t, y: q.reference, color: REF_COLOR, dashed: true, step: q.step });
    if (q.limit) series.push({ label: q.limit.label, x: q.t, y: q.limit.y, color: '#777', dashed: true });
    const usable = series.some((s) => s.y.some((v) => Number.isFinite(v) && (!q.logY || v > 0)));
    if (!usable) continue;
    panels.push(linePlot(series, {
      width: 400, height: 260, title: q.name, xLabel, logY: q.logY, legend: true,
      ...(q.band ? { bands: [{ label: q.band.label, x: q.t, lo: q.band.lo, hi: q.band.hi }] } : {}),
      ...(q.step ? { yDomain: [0, Math.max(1, ...[...(q.impl ?? []), ...(q.reference ?? [])].filter(Number.isFinite)) + 1] as const } : {}),
    }));
  }
  const final = input.implFinal ?? input.referenceFinal;
  if (final) {
    panels.push(tokensPicture(final, {
      title: 'last state',
      reference: input.implFinal ? input.referenceFinal : null,
      tokensLabel: input.implFinal ? implLabel : 'reference',
    }));
  }
  return figure(panels, { columns: 3, ...(input.title ? { title: input.title } : {}) });
}
