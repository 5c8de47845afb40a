import { describe, expect, it } from 'vitest';
import { figure } from '../../src/plot/figure.ts';
import { linePlot } from '../../src/plot/linePlot.ts';
import { gramHeatmap } from '../../src/plot/gramHeatmap.ts';
import { svgSize } from '../../src/plot/svg.ts';
import { mat } from '../../src/linalg/mat.ts';
import { countElements, xmlProblems } from './xml.ts';

describe('figure', () => {
  it('places panels in a grid whose size is the sum of the column widths and row heights plus gaps', () => {
    const a = linePlot([{ label: 'a', x: [0, 1], y: [0, 1] }], { width: 400, height: 250 });
    const b = gramHeatmap(mat(3, 3), { width: 300, height: 300 });
    const svg = figure([a, b, a], { columns: 2, title: 'demo', gap: 10 });
    expect(xmlProblems(svg)).toEqual([]);
    const { width, height } = svgSize(svg);
    expect(width).toBe(400 + 300 + 3 * 10);
    expect(height).toBe(34 + 300 + 250 + 3 * 10);
    expect(countElements(svg, 'svg')).toBe(4);
    expect(svg).toContain('translate(420 44)');
  });

  it('refuses an empty panel list and a bad column count', () => {
    expect(() => figure([])).toThrow(/^panels: /);
    expect(() => figure(['<svg width="1" height="1"></svg>'], { columns: 0 })).toThrow(/^columns: /);
  });
});
