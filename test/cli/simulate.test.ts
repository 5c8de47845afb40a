import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { xmlProblems } from '../plot/xml.ts';
import { runCli } from './capture.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'attnflow-simulate-'));

/** The table rows printed by simulate: lines after the header whose first cell is a number. */
function tableRows(stdout: string): string[][] {
  const lines = stdout.split('\n');
  const h = lines.findIndex((l) => /^\s*t\s+energy\s+clusters\s+diameter\s+min<xi,xj>\s*$/.test(l));
  expect(h, `header line in:\n${stdout}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const l of lines.slice(h + 1)) {
    const cells = l.trim().split(/\s+/);
    if (cells.length !== 5 || !Number.isFinite(Number(cells[0]))) break;
    rows.push(cells);
  }
  return rows;
}

describe('attnflow simulate', () => {
  it('prints the table (t, energy, clusters, diameter, min<xi,xj>) and writes trajectory.json and simulation.svg', async () => {
    const out = tmp();
    const r = await runCli(['simulate', '--model', 'sa', '--beta', '1', '--n', '8', '--d', '3', '--t', '4', '--seed', '2', '--times', '4', '--samples', '20', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const rows = tableRows(r.stdout);
    expect(rows.map((c) => Number(c[0]))).toEqual([0, 1, 2, 3, 4]);
    // S5: the SA energy with Q = K = V = I is non-decreasing along the flow.
    const E = rows.map((c) => Number(c[1]));
    for (let k = 1; k < E.length; k++) expect(E[k], `E(t_${k}) >= E(t_${k - 1}) - 1e-9`).toBeGreaterThanOrEqual(E[k - 1] - 1e-9);
    const traj = JSON.parse(readFileSync(join(out, 'trajectory.json'), 'utf8')) as {
      params: { model: string; beta: number }; times: number[]; states: number[][][]; seed: number;
    };
    expect(traj.params).toMatchObject({ model: 'sa', beta: 1 });
    expect(traj.seed).toBe(2);
    expect(traj.times).toHaveLength(21);
    expect(traj.times[20]).toBe(4);
    expect(traj.states).toHaveLength(21);
    expect(traj.states[0]).toHaveLength(8);
    expect(traj.states[0][0]).toHaveLength(3);
    const tol = 1e-12;
    for (const row of traj.states[20]) {
      const err = Math.abs(Math.hypot(...row) - 1);
      expect(err, `| |x_i| - 1 | = ${err} vs tol ${tol} (S1)`).toBeLessThan(tol);
    }
    const svg = readFileSync(join(out, 'simulation.svg'), 'utf8');
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('Gram');
    expect(svg).not.toContain('token angles'); // d = 3: no angle panel
  });

  it('starts from --init tokens, draws the angle panel for d = 2, and runs the Post-LN layer integrator', async () => {
    const out = tmp();
    const init = join(out, 'tokens.json');
    const angles = [0, 0.3, 2, 4];
    // float32-rounded unit vectors are accepted and put back on the sphere.
    writeFileSync(init, JSON.stringify(angles.map((a) => [Math.fround(Math.cos(a)), Math.fround(Math.sin(a))])));
    const r = await runCli(['simulate', '--init', init, '--beta', '2', '--t', '2', '--integrator', 'layer', '--h', '0.1', '--times', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(tableRows(r.stdout)).toHaveLength(3);
    expect(tableRows(r.stdout)[0][2]).toBe('4');
    const svg = readFileSync(join(out, 'simulation.svg'), 'utf8');
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('token angles');
    const traj = JSON.parse(readFileSync(join(out, 'trajectory.json'), 'utf8')) as { init: string; integrator: string; h: number };
    expect(traj).toMatchObject({ init, integrator: 'layer', h: 0.1 });
  });

  const bad: [string[], RegExp][] = [
    [['--model', 'linear'], /--model: unknown model "linear".*Fix: /],
    [['--beta=-1'], /--beta: must be >= 0/],
    [['--beta', 'abc'], /--beta: expected a number/],
    [['--n', '0'], /--n: expected an integer >= 1/],
    [['--d', '2.5'], /--d: expected an integer >= 1/],
    [['--t', '0'], /--t: must be > 0/],
    [['--seed=-3'], /--seed: expected an integer >= 0/],
    [['--integrator', 'euler'], /--integrator: unknown integrator "euler"/],
    [['--h', '0.1'], /--h: is a fixed step, but dopri5/],
    [['--integrator', 'rk4', '--h', '0'], /--h: must be > 0/],
    [['--times', '0'], /--times: expected an integer >= 1/],
    [['--delta', '3'], /--delta: must lie in \(0, 2\]/],
    [['--init', '/nonexistent/tokens.json'], /--init: cannot read/],
    [['--bogus', '1'], /bogus.*Fix: run "attnflow simulate --help"/],
  ];
  for (const [args, message] of bad) {
    it(`exits 2 with a message naming the option for ${args.join(' ')}`, async () => {
      const r = await runCli(['simulate', ...args, '--out', tmp()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    });
  }

  it('refuses --init tokens that are not unit vectors, and --n that contradicts them', async () => {
    const dir = tmp();
    const init = join(dir, 'tokens.json');
    writeFileSync(init, JSON.stringify([[1, 0], [0, 2]]));
    const r = await runCli(['simulate', '--init', init, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--init\[1\]: has norm 2/);
    writeFileSync(init, JSON.stringify({ X: [[1, 0], [0, 1]] }));
    const r2 = await runCli(['simulate', '--init', init, '--n', '5', '--out', dir]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--n: is 5 but .* holds 2 tokens/);
  });
});

describe('simulate progress bar', () => {
  it('stays silent when stderr is not a terminal, and draws a bar on a terminal', async () => {
    const { progressBar } = await import('../../src/cli/commands/simulate.ts');
    const stderr = process.stderr as { isTTY?: boolean };
    const was = stderr.isTTY;
    const write = process.stderr.write.bind(process.stderr);
    let text = '';
    process.stderr.write = ((c: string | Uint8Array) => ((text += String(c)), true)) as typeof process.stderr.write;
    try {
      stderr.isTTY = false;
      const quiet = progressBar('x');
      expect(quiet.onProgress).toBeUndefined();
      quiet.done();
      expect(text).toBe('');
      stderr.isTTY = true;
      const bar = progressBar('simulate');
      bar.onProgress?.(15, 30);
      bar.done();
      expect(text).toContain(' 50%');
      expect(text).toContain('#'.repeat(15) + '.'.repeat(15));
    } finally {
      stderr.isTTY = was;
      process.stderr.write = write;
    }
  });
});
