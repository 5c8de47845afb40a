import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusters } from '../../analysis/clusters.ts';
import { diameter, minPairwiseInner } from '../../analysis/diameter.ts';
import { energyBeta0, logEnergy } from '../../energy/energy.ts';
import { AttnflowError } from '../../errors.ts';
import { sampleTimes } from '../../explore/simulate.ts';
import { flow } from '../../integrators/flow.ts';
import type { Tokens } from '../../linalg/mat.ts';
import { fromRows, toRows } from '../../linalg/mat.ts';
import { normalizeRows } from '../../linalg/vec.ts';
import type { ModelKind } from '../../models/params.ts';
import { UNIT_TOLERANCE, validateTokens } from '../../models/params.ts';
import { simulationFigure } from '../../plot/simulationFigure.ts';
import { Rng } from '../../random/rng.ts';
import { uniformSphere } from '../../random/sphere.ts';
import type { Command } from '../command.ts';
import { integerOption, numberOption, parseCommandArgs } from '../command.ts';

/** The integrators `simulate` offers (src/integrators/flow.ts). */
export type IntegratorName = 'dopri5' | 'rk4' | 'layer';

/** One system to simulate: SA or USA with Q = K = V = I (eq. 2.3, §1.3). */
export interface SimulationConfig {
  readonly model: ModelKind;
  /** Inverse temperature, >= 0. */
  readonly beta: number;
  /** Initial tokens, n x d, unit rows. */
  readonly X0: Tokens;
  /** Final time T > 0. */
  readonly tEnd: number;
  /** Default `dopri5` (rtol 1e-10, atol 1e-12, the flow defaults). */
  readonly integrator?: IntegratorName;
  /** Step of `rk4` / `layer` (default: the flow defaults, 0.01 / 0.1). */
  readonly h?: number;
  /** Number of equal intervals of [0, T] at which the trajectory is kept (default 200). */
  readonly samples?: number;
  /** Cluster threshold: i ~ j when <x_i, x_j> > 1 - delta (default 1e-3, Fig. 3). */
  readonly delta?: number;
  /** Called during the integration with the time reached and T. */
  readonly onProgress?: (t: number, tEnd: number) => void;
}

/** Diagnostics of one sampled configuration. */
export interface SimulationRow {
  readonly t: number;
  /** E_beta(X) (beta > 0; Remark 3.8) or E_0(X) = |sum x_i|^2 / n (beta = 0; Appendix A); Infinity beyond float64. */
  readonly energy: number;
  /** log of the energy (finite even where the energy is not). */
  readonly logEnergy: number;
  /** Connected components of <x_i, x_j> > 1 - delta. */
  readonly clusters: number;
  /** max_{i,j} |x_i - x_j|. */
  readonly diameter: number;
  /** min_{i != j} <x_i, x_j>. */
  readonly minInner: number;
}

/** What {@link runSimulation} returns. */
export interface Simulation {
  readonly config: SimulationConfig;
  /** Sample times reached (all of [0, T] unless the step budget ran out). */
  readonly times: number[];
  readonly states: Tokens[];
  readonly rows: SimulationRow[];
  /** Cluster labels of the tokens at the last sample. */
  readonly finalLabels: Int32Array;
  readonly budgetExhausted: boolean;
  readonly stats: { steps: number; rejected: number; evaluations: number };
}

/** Integrates one system over [0, T] and measures energy, clusters, diameter and min inner product at each sample. */
export function runSimulation(config: SimulationConfig): Simulation {
  const samples = config.samples ?? 200;
  const delta = config.delta ?? 1e-3;
  const times = sampleTimes(config.tEnd, samples);
  const params = { model: config.model, beta: config.beta };
  const res = flow(config.X0, params, times, {
    integrator: config.integrator ?? 'dopri5',
    ...(config.h !== undefined ? { h: config.h } : {}),
    onProgress: config.onProgress,
  });
  const rows = res.states.map((X, k): SimulationRow => {
    const logE = config.beta > 0 ? logEnergy(X, { beta: config.beta }, { validate: false }) : Math.log(energyBeta0(X, { validate: false }));
    return {
      t: res.times[k],
      energy: Math.exp(logE),
      logEnergy: logE,
      clusters: clusters(X, { delta }).count,
      diameter: diameter(X),
      minInner: minPairwiseInner(X),
    };
  });
  const lastState = res.states[res.states.length - 1] ?? config.X0;
  return {
    config,
    times: res.times,
    states: res.states,
    rows,
    finalLabels: clusters(lastState, { delta }).labels,
    budgetExhausted: res.budgetExhausted,
    stats: res.stats,
  };
}

/** Column names of the table {@link formatTable} prints. */
export const TABLE_COLUMNS = ['t', 'energy', 'clusters', 'diameter', 'min<xi,xj>'] as const;

/** The rows at `every`-th sample (and the last) as a fixed-width text table with {@link TABLE_COLUMNS}. */
export function formatTable(rows: readonly SimulationRow[], every = 1): string {
  const widths = [9, 16, 9, 12, 12];
  const line = (cells: string[]) => cells.map((c, k) => c.padStart(widths[k])).join(' ');
  const out = [line([...TABLE_COLUMNS])];
  for (let k = 0; k < rows.length; k++) {
    if (k % every !== 0 && k !== rows.length - 1) continue;
    const r = rows[k];
    out.push(line([
      String(Number(r.t.toFixed(4))),
      Number.isFinite(r.energy) ? r.energy.toPrecision(10) : `exp(${r.logEnergy.toFixed(3)})`,
      String(r.clusters),
      r.diameter.toExponential(3),
      r.minInner.toFixed(6),
    ]));
  }
  return out.join('\n');
}

/** Writes `<dir>/trajectory.json` (params, times, states as rows) and `<dir>/simulation.svg`; returns both paths. */
export function writeSimulationFiles(sim: Simulation, dir: string, title: string, extra: Record<string, unknown> = {}): { trajectory: string; svg: string } {
  mkdirSync(dir, { recursive: true });
  const trajectory = join(dir, 'trajectory.json');
  const svg = join(dir, 'simulation.svg');
  const c = sim.config;
  const doc = {
    params: { model: c.model, beta: c.beta, Q: null, K: null, V: null },
    n: c.X0.rows,
    d: c.X0.cols,
    ...extra,
    integrator: c.integrator ?? 'dopri5',
    ...(c.h !== undefined ? { h: c.h } : {}),
    stats: sim.stats,
    times: sim.times,
    states: sim.states.map(toRows),
  };
  writeFileSync(trajectory, JSON.stringify(doc) + '\n');
  writeFileSync(svg, simulationSvg(sim, title));
  return { trajectory, svg };
}

/** The SVG picture of a simulation (see {@link simulationFigure}). */
export function simulationSvg(sim: Simulation, title: string): string {
  return simulationFigure(
    {
      times: sim.times,
      states: sim.states,
      energy: sim.rows.map((r) => r.energy),
      clusters: sim.rows.map((r) => r.clusters),
      order: clusterOrder(sim),
      energyLabel: sim.config.beta > 0 ? 'energy E_β(X(t))' : 'energy E_0(X(t))',
      delta: sim.config.delta ?? 1e-3,
    },
    title,
  );
}

/**
 * Tokens sorted by their cluster at the last sample, then by their cluster at the middle sample, so
 * the Gram heat maps show clusters (and sub-clusters about to merge) as diagonal blocks.
 */
export function clusterOrder(sim: Simulation): number[] {
  const n = sim.config.X0.rows;
  const order = Array.from({ length: n }, (_, i) => i);
  if (sim.states.length === 0) return order;
  const delta = sim.config.delta ?? 1e-3;
  const fin = sim.finalLabels;
  const mid = clusters(sim.states[Math.round((sim.states.length - 1) / 2)], { delta }).labels;
  return order.sort((a, b) => fin[a] - fin[b] || mid[a] - mid[b] || a - b);
}

/**
 * A progress bar on stderr when stderr is a terminal (silent otherwise, so logs and pipes stay
 * clean), redrawn at most every 100 ms. Call `done()` to clear it.
 */
export function progressBar(label: string): { onProgress?: (t: number, tEnd: number) => void; done: () => void } {
  if (!process.stderr.isTTY) return { done: () => {} };
  let lastDraw = 0, drawn = false;
  return {
    onProgress: (t, tEnd) => {
      const now = Date.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      drawn = true;
      const f = tEnd > 0 ? Math.min(1, t / tEnd) : 1;
      const filled = Math.round(f * 30);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(100 * f).toFixed(0).padStart(3)}%  t = ${t.toFixed(2)}/${tEnd}`);
    },
    done: () => {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

const HELP = `attnflow simulate [options]

Integrates one self-attention system (Q = K = V = I, eq. 2.3) from an iid uniform start on the
sphere (or from --init), prints energy, cluster count, diameter and min <x_i,x_j> over time, and
writes <out>/trajectory.json and <out>/simulation.svg.

Options (defaults in brackets):
  --model sa|usa       softmax-normalised SA or unnormalised USA [sa]
  --beta <b>           inverse temperature, >= 0 [1]
  --n <n>              number of tokens [32]
  --d <d>              dimension [2]
  --t <T>              final time, > 0 [30]
  --seed <s>           seed of the uniform start, integer >= 0 [1]
  --init <file>        JSON array of token rows (unit vectors), instead of a random start
  --integrator <name>  dopri5 (adaptive, rtol 1e-10) | rk4 | layer (Post-LN, §1.7) [dopri5]
  --h <h>              step of rk4 [0.01] or layer [0.1]
  --out <dir>          output folder [out]
  --times <k>          rows of the printed table, equally spaced in [0, T] [10]
  --samples <m>        sampled states kept in trajectory.json and the plots [200, fewer for huge n d]
  --delta <delta>      cluster threshold: <x_i,x_j> > 1 - delta links two tokens [1e-3]

Example:
  attnflow simulate --model sa --beta 4 --n 32 --d 2 --t 30 --seed 1 --out out/beta4
`;

const MAX_STORED_NUMBERS = 2_000_000;

/** \`attnflow simulate\`: one trajectory, a table and a picture. */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'integrate one system, print energy and clusters over time, write JSON and SVG',
  help: HELP,
  async run(argv: string[]): Promise<number> {
    const { values } = parseCommandArgs('simulate', argv, {
      model: { type: 'string' }, beta: { type: 'string' }, n: { type: 'string' }, d: { type: 'string' },
      t: { type: 'string' }, seed: { type: 'string' }, init: { type: 'string' }, integrator: { type: 'string' },
      h: { type: 'string' }, out: { type: 'string' }, times: { type: 'string' }, samples: { type: 'string' },
      delta: { type: 'string' },
    });
    const v = values as Record<string, string | undefined>;
    const model = v.model ?? 'sa';
    if (model !== 'sa' && model !== 'usa') throw new AttnflowError('--model', `unknown model ${JSON.stringify(model)}`, 'pass --model sa or --model usa');
    const beta = numberOption(v.beta, 'beta', 1);
    if (beta < 0) throw new AttnflowError('--beta', `must be >= 0, got ${beta}`, 'pass --beta <number >= 0>');
    const tEnd = numberOption(v.t, 't', 30);
    if (!(tEnd > 0)) throw new AttnflowError('--t', `must be > 0, got ${tEnd}`, 'pass --t <final time > 0>');
    const seed = integerOption(v.seed, 'seed', 1, 0);
    const integrator = v.integrator ?? 'dopri5';
    if (integrator !== 'dopri5' && integrator !== 'rk4' && integrator !== 'layer') {
      throw new AttnflowError('--integrator', `unknown integrator ${JSON.stringify(integrator)}`, 'pass --integrator dopri5, rk4 or layer');
    }
    const h = v.h === undefined ? undefined : numberOption(v.h, 'h', 0);
    if (h !== undefined && !(h > 0)) throw new AttnflowError('--h', `must be > 0, got ${h}`, 'pass --h <step > 0>, e.g. 0.1');
    if (h !== undefined && integrator === 'dopri5') throw new AttnflowError('--h', 'is a fixed step, but dopri5 chooses its own steps', 'drop --h, or pass --integrator rk4 or layer');
    const rowsWanted = integerOption(v.times, 'times', 10, 1);
    const samplesWanted = integerOption(v.samples, 'samples', 200, 1);
    const delta = numberOption(v.delta, 'delta', 1e-3);
    if (!(delta > 0 && delta <= 2)) throw new AttnflowError('--delta', `must lie in (0, 2], got ${delta}`, 'pass --delta 1e-3');
    const out = v.out ?? 'out';

    let X0: Tokens;
    let origin: Record<string, unknown>;
    if (v.init !== undefined) {
      X0 = readInit(v.init);
      if (v.n !== undefined && integerOption(v.n, 'n', 1) !== X0.rows) throw new AttnflowError('--n', `is ${v.n} but ${v.init} holds ${X0.rows} tokens`, 'drop --n when you pass --init');
      if (v.d !== undefined && integerOption(v.d, 'd', 1) !== X0.cols) throw new AttnflowError('--d', `is ${v.d} but the tokens in ${v.init} have d = ${X0.cols}`, 'drop --d when you pass --init');
      origin = { init: v.init };
    } else {
      const n = integerOption(v.n, 'n', 32, 1), d = integerOption(v.d, 'd', 2, 1);
      X0 = uniformSphere(n, d, new Rng(seed));
      origin = { seed, start: 'iid uniform on the sphere' };
    }
    // Keep the sample grid a multiple of the table grid so every table row is a stored sample.
    const cap = Math.max(rowsWanted, Math.floor(MAX_STORED_NUMBERS / (X0.rows * X0.cols)));
    const per = Math.max(1, Math.round(Math.min(samplesWanted, cap) / rowsWanted));
    const samples = per * rowsWanted;

    const title = `${model.toUpperCase()}, β = ${beta}, n = ${X0.rows}, d = ${X0.cols}, ${v.init !== undefined ? `start ${v.init}` : `seed ${seed}`}, ${integrator}`;
    process.stdout.write(`attnflow simulate: ${title}, t in [0, ${tEnd}]\n`);
    const bar = progressBar('simulate');
    const sim = runSimulation({ model, beta, X0, tEnd, integrator, ...(h !== undefined ? { h } : {}), samples, delta, onProgress: bar.onProgress });
    bar.done();
    process.stdout.write(formatTable(sim.rows, per) + '\n');
    const files = writeSimulationFiles(sim, out, title, origin);
    process.stdout.write(`${sim.stats.steps} steps (${sim.stats.rejected} rejected); wrote ${files.trajectory} and ${files.svg}\n`);
    if (sim.budgetExhausted) {
      process.stderr.write(`attnflow simulate: the step budget ran out at t = ${sim.times[sim.times.length - 1]}; the files hold the part reached. Fix: a shorter --t or a larger --h.\n`);
      return 1;
    }
    return 0;
  },
};

/** Reads `--init`: a JSON array of token rows, or an object with such an array under "X". */
function readInit(path: string): Tokens {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AttnflowError('--init', `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'pass the path of a JSON file of token rows');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AttnflowError('--init', `${path} is not JSON (${(e as Error).message})`, 'write the tokens as [[x11, x12, ...], [x21, ...], ...]');
  }
  const rows = Array.isArray(json) ? json : (json as { X?: unknown })?.X;
  if (!Array.isArray(rows)) throw new AttnflowError('--init', `${path} holds neither an array of rows nor {"X": rows}`, 'write the tokens as [[x11, x12, ...], [x21, ...], ...]');
  const X = fromRows(rows as number[][], '--init');
  validateTokens(X, true, UNIT_TOLERANCE, '--init');
  // Rows within the tolerance (e.g. float32-rounded) are put exactly on the sphere.
  normalizeRows(X.data, X.rows, X.cols);
  return X;
}
