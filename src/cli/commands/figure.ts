import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AttnflowError } from '../../errors.ts';
import { fig4Args, metastableTable, metastableTrajectory } from '../../figures/metastable.ts';
import { phaseDiagramSvg, phaseGrid } from '../../figures/phaseDiagram.ts';
import type { PhaseArgs, PhaseResult } from '../../figures/phaseTask.ts';
import { phaseTaskRef } from '../../figures/phaseTask.ts';
import { svgToPng } from '../../figures/svgPng.ts';
import { circleTrajectoryPlot } from '../../plot/circleTrajectoryPlot.ts';
import { figure } from '../../plot/figure.ts';
import { renderTable } from '../../report/table.ts';
import { runSweep } from '../../sweep/runSweep.ts';
import { parseShard } from '../../sweep/shard.ts';
import type { Command } from '../command.ts';
import { integerOption, numberOption, parseCommandArgs } from '../command.ts';

const HELP = `attnflow figure <phase-diagram|metastable> [options]

Reproduces the paper's figures (THEORY.md §5) at a size that runs on one machine, as a sweep of cells
(one per beta and start; each start seeded by deriveSeed(--seed, cell id)).

  phase-diagram   Fig. 3 (and Fig. 4 left for d = 2): fraction of pairs with <x_i, x_j> > 1 - delta over
                  (t, beta), SA with Q = K = V = I, layer normalize(x + h A x), the curve (6.12) overlaid.
  metastable      Fig. 4: cluster counts (components of Gram > 0.9999) at t = 0, 2.5, 18, 24, 30 for
                  beta = 1, 4, 9 (d = 2, n = 32, h = 0.01) and one trajectory each for beta = 4 and 9.

Options:
  --d <int>            dimension (phase-diagram; default 2)
  --n <int>            tokens (phase-diagram; default 32)
  --beta-min <x>       smallest beta (default 0.5)      --beta-max <x>  largest beta (default 9)
  --beta-step <x>      beta spacing (default 0.5)
  --betas <list>       explicit betas, comma separated (overrides the three above; metastable default 1,4,9)
  --t <x>              final time (default 30)          --dt <x>  checkpoint spacing (default 0.5)
  --h <x>              layer step (phase-diagram default 0.1 as the paper's code; metastable 0.01)
  --delta <x>          clustered-pair threshold (default 1e-3)
  --seeds <int>        starts per beta (phase-diagram default 16; metastable default 15; paper 1024 / 40)
  --seed <int>         global seed (default 1)
  --out <dir>          output folder (default figures): cells.jsonl, <name>.svg, <name>.png, summary.json
  --shard <i/N>        run slice i of N of the cells only (for many machines; see README)
  --workers <int>      threads (default: every core)
  --no-png             skip the PNG (the SVG rendered by resvg, the same figure)

Resuming and merging: cells already in <out>/cells.jsonl are skipped, so an interrupted run continues
where it stopped, and shard outputs concatenated into one cells.jsonl give the full figure on a rerun.
`;

function parseList(v: string, field: string): number[] {
  const xs = v.split(',').map((s) => Number(s.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x) || x < 0)) {
    throw new AttnflowError(`--${field}`, `expected comma-separated non-negative numbers, got ${JSON.stringify(v)}`, `pass e.g. --${field} 1,4,9`);
  }
  return xs;
}

function grid(lo: number, hi: number, step: number, field: string): number[] {
  if (!(step > 0) || hi < lo) throw new AttnflowError(`--${field}`, `empty grid ${lo}..${hi} step ${step}`, 'pass min <= max and a positive step');
  const out: number[] = [];
  for (let k = 0; lo + k * step <= hi + 1e-9 * step; k++) out.push(Number((lo + k * step).toPrecision(12)));
  return out;
}

/** `attnflow figure`: Fig. 3 phase diagrams and Fig. 4 metastable cluster counts, sharded and resumable. */
export const figureCommand: Command = {
  name: 'figure',
  summary: 'reproduce the paper\'s figures (Fig. 3 phase diagram, Fig. 4 metastability) as SVG/PNG',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('figure', argv, {
      d: { type: 'string' }, n: { type: 'string' }, 'beta-min': { type: 'string' }, 'beta-max': { type: 'string' },
      'beta-step': { type: 'string' }, betas: { type: 'string' }, t: { type: 'string' }, dt: { type: 'string' },
      h: { type: 'string' }, delta: { type: 'string' }, seeds: { type: 'string' }, seed: { type: 'string' },
      out: { type: 'string' }, shard: { type: 'string' }, workers: { type: 'string' }, 'no-png': { type: 'boolean' },
    }, true);
    const which = positionals[0];
    if (positionals.length !== 1 || (which !== 'phase-diagram' && which !== 'metastable')) {
      throw new AttnflowError('figure', `expected one of phase-diagram, metastable, got ${JSON.stringify(positionals.join(' '))}`, 'run "attnflow figure phase-diagram" or "attnflow figure metastable"');
    }
    const seed = integerOption(values.seed, 'seed', 1, 0);
    const out = values.out ?? 'figures';
    const shard = values.shard ? parseShard(values.shard) : undefined;
    const workers = values.workers === undefined ? undefined : integerOption(values.workers, 'workers', 1);
    const tEnd = numberOption(values.t, 't', 30), dt = numberOption(values.dt, 'dt', 0.5);
    let args: PhaseArgs;
    if (which === 'phase-diagram') {
      const betas = values.betas ? parseList(values.betas, 'betas')
        : grid(numberOption(values['beta-min'], 'beta-min', 0.5), numberOption(values['beta-max'], 'beta-max', 9), numberOption(values['beta-step'], 'beta-step', 0.5), 'beta-step');
      args = {
        n: integerOption(values.n, 'n', 32, 2), d: integerOption(values.d, 'd', 2, 2), betas,
        seeds: integerOption(values.seeds, 'seeds', 16), h: numberOption(values.h, 'h', 0.1),
        times: grid(0, tEnd, dt, 'dt'), delta: numberOption(values.delta, 'delta', 1e-3), clusterDelta: 1e-4,
      };
    } else {
      const base = fig4Args(integerOption(values.seeds, 'seeds', 15), values.betas ? parseList(values.betas, 'betas') : [1, 4, 9]);
      args = { ...base, h: numberOption(values.h, 'h', 0.01) };
    }
    mkdirSync(out, { recursive: true });
    const cellsPath = join(out, 'cells.jsonl');
    const started = Date.now();
    const res = await runSweep<never, PhaseResult>(phaseTaskRef(args), {
      seed, shard, out: cellsPath, workers,
      onProgress: (k, total) => { if (process.stderr.isTTY) process.stderr.write(`\r${k}/${total} cells`); },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stdout.write(`${which}: ${res.computed} cells computed, ${res.resumed} resumed from ${cellsPath}, ${res.threads} thread(s), ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    if (shard) {
      process.stdout.write(`shard ${shard.index}/${shard.count} done; concatenate the cells.jsonl of all shards into one folder's cells.jsonl and rerun without --shard to draw the figure\n`);
      return 0;
    }
    const g = phaseGrid(args, res.records);
    const files: string[] = [];
    // The PNG is the SVG rendered (resvg), so both show the same figure: axes, labels, colour bar, curve.
    const writeFigure = (name: string, svg: string) => {
      writeFileSync(join(out, `${name}.svg`), svg);
      files.push(`${name}.svg`);
      if (values['no-png']) return;
      const r = svgToPng(svg);
      writeFileSync(join(out, `${name}.png`), r.png);
      files.push(`${name}.png`);
      if (r.fontMissing) process.stderr.write(`attnflow figure: no DejaVu or Liberation font found, so ${name}.png may lack its labels; fix: apt-get install fonts-dejavu-core\n`);
    };
    if (which === 'phase-diagram') {
      writeFigure('phase-diagram', phaseDiagramSvg(args, g));
      writeFileSync(join(out, 'summary.json'), JSON.stringify({ args, seed, betas: g.betas, times: g.times, fraction: g.fraction, starts: g.starts }) + '\n');
    } else {
      const rows = metastableTable(g);
      process.stdout.write(renderTable(['beta', 't', 'starts', 'median clusters', 'range', '1-cluster fraction'],
        rows.map((r) => [String(r.beta), String(r.t), String(r.starts), String(r.median), `${r.min}-${r.max}`, r.oneCluster.toFixed(2)]), [true, true, true, true, true, true]) + '\n');
      const panels = args.betas.filter((b) => b === 4 || b === 9).map((beta) => {
        const tr = metastableTrajectory(beta, seed, { h: args.h, tMax: tEnd });
        return circleTrajectoryPlot(tr.times, tr.states, { title: `β = ${beta}: token angles θ_i(t)`, width: 460, height: 300 });
      });
      if (panels.length > 0) {
        writeFigure('metastable', figure(panels, { title: `Fig. 4: metastable clusters on the circle (n = ${args.n})` }));
      }
      writeFileSync(join(out, 'summary.json'), JSON.stringify({ args, seed, rows }) + '\n');
    }
    files.push('summary.json');
    process.stdout.write(`wrote ${files.map((f) => join(out, f)).join(', ')}\n`);
    return 0;
  },
};
