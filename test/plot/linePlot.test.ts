import { describe, expect, it } from 'vitest';
import { linePlot } from '../../src/plot/linePlot.ts';
import { niceTicks, formatTick } from '../../src/plot/scale.ts';
import { countElements, xmlProblems } from './xml.ts';
import { AttnflowError } from '../../src/errors.ts';

const t = Array.from({ length: 50 }, (_, k) => k * 0.2);

describe('linePlot', () => {
  it('writes well-formed SVG with one polyline per series, axes labels and a legend', () => {
    const svg = linePlot(
      [
        { label: 'energy', x: t, y: t.map((s) => 1 - Math.exp(-s)) },
        { label: 'clusters <n>', x: t, y: t.map((s) => Math.max(1, 8 - Math.floor(s))), step: true, dashed: true },
      ],
      { title: 'SA & friends', xLabel: 't', yLabel: 'value' },
    );
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(countElements(svg, 'polyline')).toBe(2);
    expect(svg).toContain('SA &amp; friends');
    expect(svg).toContain('clusters &lt;n&gt;');
    expect(svg).toContain('class="legend"');
    expect(svg).toMatch(/>t<\/text>/);
  });

  it('breaks the line at non-finite values, and at values <= 0 on a log axis', () => {
    const y = t.map((s, k) => (k === 10 ? NaN : k === 30 ? 0 : Math.exp(-s)));
    const lin = linePlot([{ label: 'e', x: t, y }]);
    expect(xmlProblems(lin)).toEqual([]);
    expect(countElements(lin, 'polyline')).toBe(2);
    const log = linePlot([{ label: 'e', x: t, y }], { logY: true });
    expect(xmlProblems(log)).toEqual([]);
    expect(countElements(log, 'polyline')).toBe(3);
    expect(log).toMatch(/>1e-4<\/text>/);
  });

  it('draws an empty or all-NaN series as bare axes instead of writing NaN', () => {
    expect(xmlProblems(linePlot([]))).toEqual([]);
    expect(xmlProblems(linePlot([{ label: 'x', x: [0, 1], y: [NaN, NaN] }], { logY: true }))).toEqual([]);
    expect(xmlProblems(linePlot([{ label: 'c', x: [0, 1, 2], y: [3, 3, 3] }]))).toEqual([]);
  });

  it('refuses series whose x and y lengths differ, naming the series', () => {
    expect(() => linePlot([{ label: 'a', x: [0, 1], y: [0] }])).toThrow(AttnflowError);
    expect(() => linePlot([{ label: 'a', x: [0, 1], y: [0] }])).toThrow(/series\[0\]\.y/);
  });

  it('ticks are 1, 2 or 5 times a power of ten and cover the range', () => {
    expect(niceTicks(0, 30, 5)).toEqual([0, 10, 20, 30]);
    expect(niceTicks(0, 30, 8)).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(niceTicks(0.13, 0.92, 4)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(formatTick(0.30000000000000004)).toBe('0.3');
    expect(formatTick(1e-7)).toBe('1e-7');
  });
});
