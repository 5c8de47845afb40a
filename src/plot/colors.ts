/** Series colours (Okabe-Ito, readable by colour-blind readers), cycled for many series. */
export const PALETTE: readonly string[] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

/** The k-th series colour, cycling through {@link PALETTE}. */
export function seriesColor(k: number): string {
  return PALETTE[((k % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** A colour for each of `n` tokens: evenly spaced hues, so neighbouring indices stay distinguishable. */
export function tokenColor(i: number, n: number): string {
  const hue = Math.round((360 * i) / Math.max(1, n)) % 360;
  return `hsl(${hue},70%,42%)`;
}

const BLUE = [33, 102, 172] as const, WHITE = [247, 247, 247] as const, RED = [178, 24, 43] as const;

/**
 * Diverging colour scale on [-1, 1]: blue at -1, near-white at 0, red at +1 (values outside are
 * clipped, NaN grey), so a Gram matrix shows aligned pairs red and antipodal pairs blue.
 */
export function divergingColor(v: number): string {
  if (Number.isNaN(v)) return 'rgb(128,128,128)';
  const t = Math.max(-1, Math.min(1, v));
  const [from, to, s] = t < 0 ? [WHITE, BLUE, -t] : [WHITE, RED, t];
  const c = [0, 1, 2].map((k) => Math.round(from[k] + (to[k] - from[k]) * s));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
