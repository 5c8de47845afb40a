import { describe, expect, it } from 'vitest';
import { circleTrajectoryPlot, unwrapPieces } from '../../src/plot/circleTrajectoryPlot.ts';
import { fromAngles } from '../../src/random/sphere.ts';
import { fromRows } from '../../src/linalg/mat.ts';
import { countElements, xmlProblems } from './xml.ts';

describe('circleTrajectoryPlot', () => {
  it('a token crossing theta = pi is drawn as two pieces that end and restart at the boundary', () => {
    const times = [0, 1, 2];
    const theta = [3.0, -3.0, -2.5]; // 3.0 -> -3.0 crosses pi along the short arc of length 2 pi - 6
    const pieces = unwrapPieces(times, theta);
    expect(pieces).toHaveLength(2);
    expect(pieces[0].theta[pieces[0].theta.length - 1]).toBe(Math.PI);
    expect(pieces[1].theta[0]).toBe(-Math.PI);
    const tc = pieces[0].t[pieces[0].t.length - 1];
    const expected = (Math.PI - 3) / (2 * Math.PI - 6);
    expect(Math.abs(tc - expected), 'crossing time within 1e-12').toBeLessThan(1e-12);
    expect(pieces[1].theta.slice(1)).toEqual([-3.0, -2.5].map((v) => v));
  });

  it('a token that stays away from the cut is one piece', () => {
    expect(unwrapPieces([0, 1, 2], [0.1, 0.5, 1.2])).toHaveLength(1);
  });

  it('writes well-formed SVG with a group per token and pi tick labels', () => {
    const n = 5, times = Array.from({ length: 40 }, (_, k) => k * 0.25);
    const states = times.map((t) => fromAngles(Array.from({ length: n }, (_, i) => (2 * Math.PI * i) / n + 0.8 * t)));
    const svg = circleTrajectoryPlot(times, states, { title: 'rotating' });
    expect(xmlProblems(svg)).toEqual([]);
    expect(countElements(svg, 'g class="token"')).toBe(n);
    expect(countElements(svg, 'polyline')).toBeGreaterThan(n); // rotating tokens wrap at least once
    expect(svg).toContain('>π</text>');
    expect(svg).toContain('>-π/2</text>');
  });

  it('refuses tokens that are not on the circle (d != 2), naming the state', () => {
    expect(() => circleTrajectoryPlot([0], [fromRows([[1, 0, 0]])])).toThrow(/states\[0\]/);
    expect(() => circleTrajectoryPlot([0, 1], [fromRows([[1, 0]])])).toThrow(/states/);
  });
});
