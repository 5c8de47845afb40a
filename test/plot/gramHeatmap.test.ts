import { describe, expect, it } from 'vitest';
import { gramHeatmap } from '../../src/plot/gramHeatmap.ts';
import { divergingColor } from '../../src/plot/colors.ts';
import { fromRows, mat } from '../../src/linalg/mat.ts';
import { countElements, xmlProblems } from './xml.ts';

describe('gramHeatmap', () => {
  it('writes well-formed SVG with cells and a colour bar labelled -1, 0, 1', () => {
    const n = 6;
    const G = mat(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G.data[i * n + j] = Math.cos(i - j);
    const svg = gramHeatmap(G, { title: 'Gram at t = 0' });
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('class="colorbar"');
    for (const label of ['>1</text>', '>0</text>', '>-1</text>']) expect(svg).toContain(label);
    expect(countElements(svg, 'rect')).toBeGreaterThan(n);
  });

  it('merges runs of equal colour: a constant matrix needs one rect per row', () => {
    const n = 10;
    const G = mat(n, n, new Float64Array(n * n).fill(1));
    const svg = gramHeatmap(G, { colorBar: false });
    // n cell rects + the background + the frame.
    expect(countElements(svg, 'rect')).toBe(n + 2);
  });

  it('the diverging scale is blue at -1, near-white at 0, red at +1, and clips', () => {
    expect(divergingColor(-1)).toBe('rgb(33,102,172)');
    expect(divergingColor(0)).toBe('rgb(247,247,247)');
    expect(divergingColor(1)).toBe('rgb(178,24,43)');
    expect(divergingColor(1 + 1e-15)).toBe(divergingColor(1));
  });

  it('refuses non-square or non-finite matrices and bad orders, naming the field', () => {
    expect(() => gramHeatmap(fromRows([[1, 0]]))).toThrow(/^G: /);
    expect(() => gramHeatmap(mat(2, 2, Float64Array.from([1, NaN, 0, 1])))).toThrow(/G\[0\]\[1\]/);
    expect(() => gramHeatmap(mat(2, 2), { order: [0, 0] })).toThrow(/^order: /);
  });
});
