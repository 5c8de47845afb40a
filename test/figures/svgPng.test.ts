import { describe, expect, it } from 'vitest';
import { figureFont, svgToPng } from '../../src/figures/svgPng.ts';
import { phaseDiagramSvg, phaseGrid } from '../../src/figures/phaseDiagram.ts';
import { phaseCellId } from '../../src/figures/phaseTask.ts';
import { el, svgDocument, text } from '../../src/plot/svg.ts';

/** Pixels of an RGBA image in a rectangle that are clearly not white. */
function inked(r: { width: number; pixels: Uint8Array }, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
    const k = 4 * (y * r.width + x);
    if (r.pixels[k] < 160 && r.pixels[k + 1] < 160 && r.pixels[k + 2] < 160) n++;
  }
  return n;
}

describe('svgToPng (resvg)', () => {
  it('renders shapes at the requested zoom as a PNG', () => {
    const svg = svgDocument(40, 20, [el('rect', { x: 20, y: 0, width: 20, height: 20, fill: 'black' })]);
    const r = svgToPng(svg, { scale: 2 });
    expect([...r.png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect([r.width, r.height]).toEqual([80, 40]);
    expect(inked(r, 0, 0, 40, 40)).toBe(0); // left half white (the background)
    expect(inked(r, 40, 0, 80, 40)).toBe(40 * 40); // right half the black rect
  });

  it('draws text (tick labels, titles) with a system font', () => {
    const font = figureFont();
    if (!font) {
      if (process.env.CI) throw new Error('no DejaVu/Liberation font: .ci/run installs fonts-dejavu-core');
      console.log('skipped: no DejaVu or Liberation font here (apt-get install fonts-dejavu-core)');
      return;
    }
    const blank = svgToPng(svgDocument(200, 40, []), { scale: 1 });
    const withText = svgToPng(svgDocument(200, 40, [text(10, 28, 'β = 4: θ_i(t)', { 'font-size': 20 })]), { scale: 1 });
    expect(inked(blank, 0, 0, 200, 40)).toBe(0);
    expect(inked(withText, 0, 0, 200, 40)).toBeGreaterThan(100);
  });

  it('the phase diagram PNG is its SVG: same aspect, axes and colour bar present', () => {
    const args = { n: 4, d: 2, betas: [1, 2], seeds: 1, h: 0.1, times: [0, 1, 2], delta: 1e-3, clusterDelta: 1e-4 };
    const records = args.betas.map((beta) => ({ id: phaseCellId(beta, 0), seed: 1, result: { fraction: [0, 0.5, 1], clusters: [4, 2, 1] } }));
    const svg = phaseDiagramSvg(args, phaseGrid(args, records as never));
    const w = Number(/width="(\d+)/.exec(svg)![1]), h = Number(/height="(\d+)/.exec(svg)![1]);
    const r = svgToPng(svg, { scale: 1 });
    expect([r.width, r.height]).toEqual([w, h]);
    // The frame and colour bar are drawn: well over a few hundred dark pixels outside the cells.
    expect(inked(r, 0, 0, r.width, r.height)).toBeGreaterThan(300);
  });
});
