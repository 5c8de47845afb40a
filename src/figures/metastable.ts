import type { Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import { Rng, deriveSeed } from '../random/rng.ts';
import { uniformSphere } from '../random/sphere.ts';
import { IdentityLayer } from './identityLayer.ts';
import type { PhaseArgs } from './phaseTask.ts';
import type { PhaseGrid } from './phaseDiagram.ts';
import { median } from './phaseDiagram.ts';

/** THEORY §5 Fig. 4 setup: n = 32, d = 2, SA, normalize(x + 0.01 A x), clusters of [Gram > 0.9999]. */
export function fig4Args(seeds: number, betas: readonly number[] = [1, 4, 9], times: readonly number[] = [0, 2.5, 18, 24, 30]): PhaseArgs {
  return { n: 32, d: 2, betas, seeds, h: 0.01, times, delta: 1e-3, clusterDelta: 1e-4 };
}

/** One row of the Fig. 4 table (THEORY §5). */
export interface MetastableRow {
  readonly beta: number;
  readonly t: number;
  readonly starts: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Fraction of starts with a single cluster. */
  readonly oneCluster: number;
}

/** The Fig. 4 table: median, range and single-cluster fraction of the cluster count per (beta, t). */
export function metastableTable(grid: PhaseGrid): MetastableRow[] {
  const rows: MetastableRow[] = [];
  grid.betas.forEach((beta, b) => {
    grid.times.forEach((t, k) => {
      const c = grid.clusters[b][k];
      rows.push({
        beta, t, starts: c.length, median: median(c), min: Math.min(...c), max: Math.max(...c),
        oneCluster: c.length ? c.filter((v) => v === 1).length / c.length : NaN,
      });
    });
  });
  return rows;
}

/**
 * One trajectory of Fig. 4 (right): iid uniform start on the circle from deriveSeed(seed, 'fig4', beta),
 * sampled every `every` time units up to tMax with the layer scheme of the Fig. 4 table.
 */
export function metastableTrajectory(beta: number, seed: number, options: { n?: number; h?: number; tMax?: number; every?: number } = {}): { times: number[]; states: Tokens[] } {
  const n = options.n ?? 32, h = options.h ?? 0.01, tMax = options.tMax ?? 30, every = options.every ?? 0.1;
  const L = new IdentityLayer(uniformSphere(n, 2, new Rng(deriveSeed(seed, 'fig4', beta))), beta, h);
  const per = Math.max(1, Math.round(every / h));
  const times = [0], states = [mat(n, 2, Float64Array.from(L.x))];
  for (let s = per; s * h <= tMax + 1e-9; s += per) {
    L.step(per);
    times.push(s * h);
    states.push(mat(n, 2, Float64Array.from(L.x)));
  }
  return { times, states };
}
