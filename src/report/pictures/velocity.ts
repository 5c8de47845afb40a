import { barChart } from '../../plot/barChart.ts';
import { figure } from '../../plot/figure.ts';
import { tokenView } from '../../plot/tokenView.ts';

/** Arrow colours: the implementation orange and solid, the reference blue and dashed (Okabe-Ito). */
export const IMPL_COLOR = '#D55E00';
export const REF_COLOR = '#0072B2';

/** What {@link velocityPicture} draws: the tokens and the velocity each side returned there. */
export interface VelocityPictureInput {
  readonly X: readonly (readonly number[])[];
  /** The implementation's velocity, n x d (null: it could not be had). */
  readonly impl: readonly (readonly number[])[] | null;
  /** The reference velocity, n x d (null: it could not be had). */
  readonly reference: readonly (readonly number[])[] | null;
  readonly title?: string;
  readonly implLabel?: string;
}

/**
 * Velocity theorems: at each token the implementation's vector next to the reference's, on the circle
 * (d = 2) or the sphere (d = 3), on one arrow scale so their lengths compare. For d > 3, where vectors
 * cannot be drawn, only the bars: per token |v_i|, |v_i^ref| and |v_i − v_i^ref| (log scale), which
 * stand beside the arrows for d <= 3 too, so a small difference is seen as well as a large one.
 */
export function velocityPicture(input: VelocityPictureInput): string {
  const { X } = input;
  const d = X[0].length, n = X.length;
  const fits = (V: readonly (readonly number[])[] | null) => (V && V.length === n && V.every((r) => r.length === d && r.every(Number.isFinite)) ? V : null);
  const vi = fits(input.impl), vr = fits(input.reference);
  const implLabel = input.implLabel ?? 'implementation';
  const title = input.title ?? 'velocity at each token';
  const norm = (r: readonly number[]) => Math.hypot(...r);
  const groups = [
    ...(vi ? [{ label: `|v_i| ${implLabel}`, values: vi.map(norm), color: IMPL_COLOR }] : []),
    ...(vr ? [{ label: '|v_i| reference', values: vr.map(norm), color: REF_COLOR }] : []),
    ...(vi && vr ? [{ label: '|v_i − v_i^ref|', values: vi.map((r, i) => norm(r.map((c, k) => c - vr[i][k]))), color: '#333' }] : []),
  ];
  const bars = (t: string) => barChart(X.map((_, i) => String(i)), groups, { title: t, xLabel: 'token i', logY: true, width: 440, height: 300 });
  if (d === 2 || d === 3) {
    const view = tokenView(X, {
      title,
      width: 340,
      height: 380,
      arrows: [
        ...(vi ? [{ label: `${implLabel} v_i`, vectors: vi, color: IMPL_COLOR }] : []),
        ...(vr ? [{ label: 'reference v_i', vectors: vr, color: REF_COLOR, dashed: true }] : []),
      ],
    });
    return groups.length ? figure([view, bars('lengths per token (log)')], { columns: 2 }) : view;
  }
  return bars(`${title} (d = ${d}: lengths, log)`);
}
