/** Options for {@link timePerCall}. */
export interface TimingOptions {
  /** Seconds one repetition lasts at least (default 0.05): the inner loop doubles until it does. */
  readonly minTime?: number;
  /** Repetitions (default 5). */
  readonly reps?: number;
  /** Stop after this many seconds of repetitions even if fewer than `reps` ran (default 10). */
  readonly budget?: number;
  /** The clock in milliseconds (default performance.now; bench/profile.ts can pass CPU time). */
  readonly now?: () => number;
}

/** Seconds per call: the median of the repetitions, and the fastest one. */
export interface Timing {
  readonly median: number;
  readonly min: number;
}

/**
 * Seconds per call of `fn` (median and fastest repetition): the inner loop is calibrated so that one repetition lasts about
 * `minTime` (per-call overhead and timer resolution then do not matter), like bench/numpy_velocity.py.
 */
export function timePerCall(fn: () => unknown, options: TimingOptions = {}): Timing {
  const minTime = options.minTime ?? 0.05, reps = options.reps ?? 5, budget = options.budget ?? 10;
  const now = options.now ?? (() => performance.now());
  fn();
  let inner = 1;
  for (;;) {
    const t0 = now();
    for (let r = 0; r < inner; r++) fn();
    const dt = (now() - t0) / 1000;
    if (dt >= minTime || inner >= 1 << 20) break;
    inner *= 2;
  }
  const samples: number[] = [];
  const start = now();
  for (let r = 0; r < reps; r++) {
    const t0 = now();
    for (let i = 0; i < inner; i++) fn();
    samples.push((now() - t0) / 1000 / inner);
    if ((now() - start) / 1000 > budget) break;
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0] };
}
