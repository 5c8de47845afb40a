import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { runCli } from '../cli/capture.ts';
import { describe, expect, it } from 'vitest';
import { layerStep } from '../../src/models/layer.ts';
import { mat, maxAbsDiff } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';
import { IdentityLayer } from '../../src/figures/identityLayer.ts';
import { crc32, encodePng } from '../../src/figures/png.ts';
import { svgToPng } from '../../src/figures/svgPng.ts';
import { gammaCurve, median, phaseDiagramRaster, phaseDiagramSvg, phaseGrid } from '../../src/figures/phaseDiagram.ts';
import { phaseTaskRef } from '../../src/figures/phaseTask.ts';
import type { PhaseArgs, PhaseResult } from '../../src/figures/phaseTask.ts';
import { fig4Args, metastableTable, metastableTrajectory } from '../../src/figures/metastable.ts';
import { runSweep } from '../../src/sweep/runSweep.ts';
import { sphereView } from '../../src/plot/sphereView.ts';
import { simulationFigure } from '../../src/plot/simulationFigure.ts';
import { circleTrajectoryPlot } from '../../src/plot/circleTrajectoryPlot.ts';
import { xmlProblems } from '../plot/xml.ts';

const long = process.env.ATTNFLOW_LONG === '1';

function fig4Rows(seeds: number) {
  return runSweep<never, PhaseResult>(phaseTaskRef(fig4Args(seeds)), { seed: 1, workers: 1 }).then((res) => metastableTable(phaseGrid(fig4Args(seeds), res.records)));
}

describe('the paper\'s figures', () => {
  it('the in-place identity layer equals layerStep (Post-LN, §1.7) to 1e-14 over 200 steps', () => {
    const X = uniformSphere(12, 3, new Rng(3));
    const L = new IdentityLayer(X, 4, 0.05);
    let Y = X;
    for (let s = 0; s < 200; s++) Y = layerStep(Y, { beta: 4 }, 0.05);
    L.step(200);
    const err = maxAbsDiff(mat(12, 3, L.x), Y);
    expect(err, `err ${err} vs tol 1e-14`).toBeLessThan(1e-14);
  });

  it('Fig. 4 (15 starts, seed 1): median clusters are 2 at beta = 4 and 3 at beta = 9 for t in {18, 24, 30}; beta = 1 is one cluster at t = 30 in >= 95 % of starts', async () => {
    const rows = await fig4Rows(15);
    const at = (beta: number, t: number) => rows.find((r) => r.beta === beta && r.t === t)!;
    for (const t of [18, 24, 30]) {
      expect(at(4, t).median, `beta 4, t ${t}`).toBe(2);
      expect(at(9, t).median, `beta 9, t ${t}`).toBe(3);
    }
    expect(at(1, 30).oneCluster).toBeGreaterThanOrEqual(0.95);
    expect(at(4, 30).oneCluster).toBe(0);
  });

  it.runIf(long)('Fig. 4 at the size of THEORY §5 (40 starts): the [VERIFIED-NUM] table', async () => {
    const rows = await fig4Rows(40);
    const at = (beta: number, t: number) => rows.find((r) => r.beta === beta && r.t === t)!;
    for (const t of [18, 24, 30]) {
      expect(at(4, t).median).toBe(2);
      expect([at(4, t).min, at(4, t).max]).toEqual([2, 3]);
      expect(at(9, t).median).toBe(3);
      expect([at(9, t).min, at(9, t).max]).toEqual([3, 4]);
    }
    expect(at(1, 18).oneCluster).toBeGreaterThanOrEqual(0.95);
    expect(at(1, 30).oneCluster).toBe(1);
  });

  it('the d = 2 phase diagram (Fig. 3 code scheme, h = 0.1) matches THEORY §5: no clustered pairs at t = 0, one cluster at beta = 1 by t = 30, about half the pairs at beta = 4, fewer at beta = 9', async () => {
    const args: PhaseArgs = { n: 32, d: 2, betas: [1, 4, 9], seeds: 8, h: 0.1, times: [0, 2, 5, 10, 20, 30], delta: 1e-3, clusterDelta: 1e-4 };
    const res = await runSweep<never, PhaseResult>(phaseTaskRef(args), { seed: 2, workers: 1 });
    const g = phaseGrid(args, res.records);
    const last = args.times.length - 1;
    for (let b = 0; b < 3; b++) expect(g.fraction[b][0]).toBeLessThan(0.05);
    expect(g.fraction[0][last]).toBeGreaterThanOrEqual(0.95);
    expect(g.fraction[1][last]).toBeGreaterThan(0.3);
    expect(g.fraction[1][last]).toBeLessThan(0.8);
    expect(g.fraction[2][last]).toBeLessThan(g.fraction[1][last]);
    const svg = phaseDiagramSvg(args, g);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('class="gamma-curve"');
    const r = phaseDiagramRaster(g, 4);
    expect(r.width).toBe(6 * 4);
    const withCurve = phaseDiagramRaster(g, 4, { n: 32, delta: 1e-3 });
    let orange = 0;
    for (let k = 0; k < withCurve.rgba.length; k += 4) if (withCurve.rgba[k] === 213 && withCurve.rgba[k + 1] === 94) orange++;
    expect(orange).toBeGreaterThan(0);
  });

  it('the curve Gamma (6.12) for SA, n = 32, delta = 1e-3 leaves the window t <= 30 at beta = 6.9065 (THEORY §6.3)', () => {
    const c = gammaCurve(32, 1e-3, 0, 9, 30, 9000);
    const lastBeta = c.beta[c.beta.length - 1];
    expect(Math.abs(lastBeta - 6.9065), `last beta ${lastBeta} vs 6.9065, tol 1e-3`).toBeLessThan(1e-3);
    expect(c.t[0]).toBeCloseTo(5.2, 0);
  });

  it('encodePng writes a valid PNG: signature, chunk CRCs, and pixels that inflate back', () => {
    const w = 3, h = 2, rgba = new Uint8Array(w * h * 4).map((_, k) => (k * 37) % 256);
    const png = encodePng(w, h, rgba);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    let off = 8;
    const chunks: string[] = [];
    let idat = Buffer.alloc(0);
    while (off < png.length) {
      const len = png.readUInt32BE(off), type = png.toString('latin1', off + 4, off + 8);
      expect(png.readUInt32BE(off + 8 + len)).toBe(crc32(png.subarray(off + 4, off + 8 + len)));
      if (type === 'IDAT') idat = Buffer.concat([idat, png.subarray(off + 8, off + 8 + len)]);
      chunks.push(type);
      off += 12 + len;
    }
    expect(chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    const raw = inflateSync(idat);
    expect(raw[0]).toBe(0);
    expect([...raw.subarray(1, 1 + 4 * w)]).toEqual([...rgba.subarray(0, 4 * w)]);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(() => encodePng(2, 2, new Uint8Array(3))).toThrow(/rgba.*4 bytes/);
  });

  it('Fig. 4 trajectories on the circle and the d = 3 sphere view are well-formed SVG', () => {
    const tr = metastableTrajectory(4, 1, { n: 8, tMax: 2, every: 0.5 });
    expect(tr.times).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(xmlProblems(circleTrajectoryPlot(tr.times, tr.states))).toEqual([]);
    const states = [uniformSphere(6, 3, new Rng(1)), uniformSphere(6, 3, new Rng(2))];
    const svg = sphereView(states, { title: 'S²' });
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg.match(/<title>token \d<\/title>/g)).toHaveLength(6);
    const fig = simulationFigure({ times: [0, 1], states, energy: [1, 2], clusters: [6, 6] }, 'd = 3');
    expect(fig).toContain('tokens on S²');
    expect(() => sphereView([uniformSphere(3, 2, new Rng(1))])).toThrow(/d = 3/);
  });

  it('median takes the middle of an even list as the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('the figure CLI: two shards run apart, their cells.jsonl concatenated, draw the same figure as one run (nothing recomputed)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'attnflow-figure-'));
    const common = ['figure', 'phase-diagram', '--n', '8', '--betas', '1,4', '--seeds', '2', '--t', '2', '--dt', '1', '--workers', '1'];
    for (const i of [1, 2]) {
      const r = await runCli([...common, '--shard', `${i}/2`, '--out', join(root, `s${i}`)]);
      expect(r.code, r.stderr).toBe(0);
    }
    const merged = join(root, 'merged');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(merged);
    writeFileSync(join(merged, 'cells.jsonl'), readFileSync(join(root, 's2', 'cells.jsonl'), 'utf8') + readFileSync(join(root, 's1', 'cells.jsonl'), 'utf8'));
    const m = await runCli([...common, '--out', merged]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toContain('0 cells computed, 4 resumed');
    const whole = await runCli([...common, '--out', join(root, 'whole')]);
    expect(whole.stdout).toContain('4 cells computed');
    expect(readFileSync(join(merged, 'phase-diagram.svg'), 'utf8')).toBe(readFileSync(join(root, 'whole', 'phase-diagram.svg'), 'utf8'));
    expect(existsSync(join(merged, 'phase-diagram.png'))).toBe(true);
    // The PNG is the SVG rendered, not a separate raster: the same bytes as rendering the SVG here.
    expect(readFileSync(join(merged, 'phase-diagram.png')).equals(svgToPng(readFileSync(join(merged, 'phase-diagram.svg'), 'utf8')).png)).toBe(true);
    const bad = await runCli(['figure', 'fig9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('phase-diagram');
  });
});
