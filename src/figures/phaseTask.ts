import { AttnflowError, assertFinite, assertInteger } from '../errors.ts';
import { clusters } from '../analysis/clusters.ts';
import { mat } from '../linalg/mat.ts';
import { rowDot } from '../linalg/vec.ts';
import { Rng } from '../random/rng.ts';
import { uniformSphere } from '../random/sphere.ts';
import type { SweepCell, SweepTask, TaskRef } from '../sweep/types.ts';
import { IdentityLayer } from './identityLayer.ts';

/** Parameters of the phase-diagram sweep (Fig. 3/4, THEORY §5); every field is JSON. */
export interface PhaseArgs {
  /** Tokens (Fig. 3/4: 32). */
  readonly n: number;
  /** Dimension (Fig. 4: 2). */
  readonly d: number;
  /** The beta rows of the diagram. */
  readonly betas: readonly number[];
  /** Starts per beta (the paper: 2^10; Fig. 4 table: 40). */
  readonly seeds: number;
  /** Layer step: normalize(x + h A x) (Fig. 3 code: 0.1; Fig. 4 table: 0.01). */
  readonly h: number;
  /** Checkpoint times, increasing, >= 0; each is reached after round(t / h) layers. */
  readonly times: readonly number[];
  /** A pair counts as clustered when <x_i, x_j> > 1 - delta (Fig. 3: 1e-3). */
  readonly delta: number;
  /** Cluster count = components of [Gram > 1 - clusterDelta] (Fig. 4: 1e-4, i.e. Gram > 0.9999). */
  readonly clusterDelta: number;
}

/** One (beta, start) cell. */
export interface PhaseCell extends SweepCell {
  readonly beta: number;
  readonly run: number;
}

/** Per checkpoint time: the fraction of clustered off-diagonal pairs and the cluster count. */
export interface PhaseResult {
  readonly fraction: number[];
  readonly clusters: number[];
}

/** Checks the arguments; the errors name the field. */
export function validatePhaseArgs(a: PhaseArgs): void {
  assertInteger(a.n, 'n', 2, 100000);
  assertInteger(a.d, 'd', 2, 100000);
  assertInteger(a.seeds, 'seeds', 1, 1e7);
  assertFinite(a.h, 'h');
  if (!(a.h > 0)) throw new AttnflowError('h', `must be > 0, got ${a.h}`, 'pass a layer step such as 0.1');
  if (a.betas.length === 0) throw new AttnflowError('betas', 'is empty', 'pass at least one beta');
  a.betas.forEach((b, k) => {
    assertFinite(b, `betas[${k}]`);
    if (b < 0) throw new AttnflowError(`betas[${k}]`, `must be >= 0, got ${b}`, 'pass non-negative betas');
  });
  if (a.times.length === 0) throw new AttnflowError('times', 'is empty', 'pass at least one checkpoint time');
  a.times.forEach((t, k) => {
    assertFinite(t, `times[${k}]`);
    if (t < 0 || (k > 0 && t < a.times[k - 1])) throw new AttnflowError(`times[${k}]`, `is ${t}`, 'pass non-decreasing times >= 0');
  });
  for (const [v, f] of [[a.delta, 'delta'], [a.clusterDelta, 'clusterDelta']] as const) {
    assertFinite(v, f);
    if (!(v > 0 && v < 1)) throw new AttnflowError(f, `must lie in (0, 1), got ${v}`, 'pass a small threshold such as 1e-3');
  }
}

/** Stable cell id, e.g. `beta=4/run=07`: the seed of the cell derives from it. */
export function phaseCellId(beta: number, run: number): string {
  return `beta=${beta}/run=${run}`;
}

/**
 * The sweep of Fig. 3/4 (THEORY §5): for every beta and start, iid uniform tokens on S^{d-1}, SA with
 * Q = K = V = I through the Post-LN layer normalize(x + h A x), recording at each checkpoint the
 * fraction of pairs i != j with <x_i, x_j> > 1 - delta (the colour of Fig. 3) and the cluster count.
 */
export function phaseTask(args: PhaseArgs): SweepTask<PhaseCell, PhaseResult> {
  validatePhaseArgs(args);
  const steps = args.times.map((t) => Math.round(t / args.h));
  return {
    name: 'phase-diagram',
    cells: () => args.betas.flatMap((beta) => Array.from({ length: args.seeds }, (_, run) => ({ id: phaseCellId(beta, run), beta, run }))),
    run: (cell, seed) => {
      const X0 = uniformSphere(args.n, args.d, new Rng(seed));
      const L = new IdentityLayer(X0, cell.beta, args.h);
      const fraction: number[] = [], counts: number[] = [];
      let at = 0;
      for (const s of steps) {
        L.step(s - at);
        at = s;
        fraction.push(clusteredFraction(L.x, args.n, args.d, args.delta));
        counts.push(clusters(mat(args.n, args.d, L.x), { delta: args.clusterDelta }).count);
      }
      return { fraction, clusters: counts };
    },
  };
}

/** The {@link TaskRef} of {@link phaseTask}, for worker threads. */
export function phaseTaskRef(args: PhaseArgs): TaskRef {
  return { module: import.meta.url, factory: 'phaseTask', args };
}

/** Fraction of off-diagonal pairs with <x_i, x_j> > 1 - delta (Fig. 3 code: strict). */
export function clusteredFraction(x: Float64Array, n: number, d: number, delta: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) if (rowDot(x, i, x, j, d) > 1 - delta) c++;
  }
  return c / ((n * (n - 1)) / 2);
}
