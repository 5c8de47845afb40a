/** A map from data values to pixels, with the tick marks to draw along it. */
export interface Scale {
  /** Pixel position of a data value (the value must lie in the scale's domain, or be finite at least). */
  readonly map: (v: number) => number;
  /** Data values of the tick marks. */
  readonly ticks: readonly number[];
  /** Lower and upper end of the data domain. */
  readonly domain: readonly [number, number];
  /** Whether the scale is logarithmic (base 10). */
  readonly log: boolean;
  /** Tick label text (default {@link formatTick}). */
  readonly format?: (v: number) => string;
}

/** Tick positions at 1, 2 or 5 times a power of ten covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  const out: number[] = [];
  // toPrecision(12) drops the float noise of k * step (3 * 0.2 = 0.6000000000000001).
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return out;
}

/** Widens [lo, hi] to tick-aligned ends (and a degenerate range to a unit one) so data never touches the frame. */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const t = niceTicks(lo, hi, count);
  const step = t.length > 1 ? t[1] - t[0] : hi - lo;
  return [Math.min(lo, Math.floor(lo / step) * step), Math.max(hi, Math.ceil(hi / step) * step)];
}

/** A linear scale from [lo, hi] onto pixels [p0, p1]. */
export function linearScale(lo: number, hi: number, p0: number, p1: number, count = 5): Scale {
  const span = hi - lo || 1;
  return {
    map: (v) => p0 + ((v - lo) / span) * (p1 - p0),
    ticks: niceTicks(lo, hi, count).filter((t) => t >= lo - 1e-12 * span && t <= hi + 1e-12 * span),
    domain: [lo, hi],
    log: false,
  };
}

/**
 * A base-10 logarithmic scale from [lo, hi] (both > 0) onto pixels [p0, p1], the domain widened to
 * whole decades; ticks at powers of ten, thinned to at most about 8.
 */
export function logScale(lo: number, hi: number, p0: number, p1: number): Scale {
  let a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
  if (!Number.isFinite(a) || !Number.isFinite(b)) { a = 0; b = 1; }
  if (b === a) b = a + 1;
  const every = Math.max(1, Math.ceil((b - a) / 8));
  const ticks: number[] = [];
  for (let e = a; e <= b; e += every) ticks.push(Math.pow(10, e));
  return {
    map: (v) => p0 + ((Math.log10(v) - a) / (b - a)) * (p1 - p0),
    ticks,
    domain: [Math.pow(10, a), Math.pow(10, b)],
    log: true,
  };
}

/** A short label for a tick value: at most 4 significant digits, exponent form for very large or small values. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(2).split('e');
    return `${String(Number(m))}e${Number(e)}`;
  }
  return String(Number(v.toPrecision(4)));
}
