import { AttnflowError, assertFinite } from '../errors.ts';
import type { Tokens } from '../linalg/mat.ts';
import { dotRows } from '../models/scores.ts';

/** Options for {@link clusters}. */
export interface ClusterOptions {
  /**
   * Tokens i, j are linked when <x_i, x_j> > 1 - delta (default 1e-3, the delta of Fig. 3 and §6.3).
   * Must lie in (0, 2].
   */
  readonly delta?: number;
}

/** The result of {@link clusters}. */
export interface Clustering {
  /** Length n: labels[i] in [0, count), numbered in order of first appearance (token 0 has label 0). */
  readonly labels: Int32Array;
  /** Number of clusters (connected components). */
  readonly count: number;
}

/**
 * Clusters of the token configuration: the connected components of the graph that links i and j when
 * <x_i, x_j> > 1 - delta (the Fig. 4 count, [VERIFIED-NUM] in THEORY §5). Linking is transitive through
 * chains, so a cluster may be wider than delta; use the diameter for a width.
 */
export function clusters(X: Tokens, options: ClusterOptions = {}): Clustering {
  const delta = options.delta ?? 1e-3;
  assertFinite(delta, 'options.delta');
  if (!(delta > 0 && delta <= 2)) {
    throw new AttnflowError('options.delta', `must lie in (0, 2], got ${delta}`, 'pass a small positive threshold such as 1e-3');
  }
  const n = X.rows, d = X.cols, x = X.data;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const threshold = 1 - delta;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dotRows(x, i, x, j, d) > threshold) {
        const a = find(i), b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const labels = new Int32Array(n);
  const rootLabel = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    let l = rootLabel.get(r);
    if (l === undefined) {
      l = rootLabel.size;
      rootLabel.set(r, l);
    }
    labels[i] = l;
  }
  return { labels, count: rootLabel.size };
}
