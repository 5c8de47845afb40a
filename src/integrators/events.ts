import type { OdeEvent } from './odeTypes.ts';

/** Index of the first event whose test holds at (t, y), or -1. Each test gets its own copy of y. */
export function firstEvent(events: readonly OdeEvent[], t: number, y: Float64Array): number {
  for (let e = 0; e < events.length; e++) if (events[e].test(t, Float64Array.from(y))) return e;
  return -1;
}
