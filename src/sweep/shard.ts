import { AttnflowError } from '../errors.ts';

/** Slice `index` (1-based) of `count` slices, as in `--shard 2/8` (vitest's convention). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parses `i/N` with 1 <= i <= N. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index >= 1 && index <= count)) {
    throw new AttnflowError('--shard', `expected i/N with 1 <= i <= N, got ${JSON.stringify(text)}`, 'pass e.g. --shard 1/4 (slice 1 of 4)');
  }
  return { index, count };
}

/**
 * The cells of one shard: positions k with k mod N = i - 1. Round-robin keeps the slices balanced when
 * cost grows along the list (e.g. with beta), and the union of shards 1..N is the whole list.
 */
export function shardCells<C>(cells: readonly C[], shard?: Shard): C[] {
  if (!shard) return [...cells];
  return cells.filter((_, k) => k % shard.count === shard.index - 1);
}
