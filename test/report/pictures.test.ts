import { describe, expect, it } from 'vitest';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { fromRows } from '../../src/linalg/mat.ts';
import { barChart } from '../../src/plot/barChart.ts';
import { linePlot } from '../../src/plot/linePlot.ts';
import { tokenView } from '../../src/plot/tokenView.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';
import { toRows } from '../../src/linalg/mat.ts';
import { trajectoryQuantities } from '../../src/report/evidence.ts';
import { erroredPicture, errorKind } from '../../src/report/pictures/errored.ts';
import { gaugePicture } from '../../src/report/pictures/gauge.ts';
import { regressPicture } from '../../src/report/pictures/regress.ts';
import { tokensPicture } from '../../src/report/pictures/tokens.ts';
import { trajectoryPicture } from '../../src/report/pictures/trajectory.ts';
import { IMPL_COLOR, REF_COLOR, velocityPicture } from '../../src/report/pictures/velocity.ts';
import { FLOAT64 } from '../../theorems/types.ts';
import { countElements, xmlProblems } from '../plot/xml.ts';

const classCount = (svg: string, cls: string) => (svg.match(new RegExp(`class="${cls}"`, 'g')) ?? []).length;

describe('picture builders of the HTML report', () => {
  it('tokens: the circle for d = 2 (one dot per token, reference as rings)', () => {
    const X = toRows(uniformSphere(5, 2, new Rng(1)));
    const svg = tokensPicture(X, { reference: X.map(([a, b]) => [b, -a]) });
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('tokens on the circle');
    expect(classCount(svg, 'token')).toBe(5);
    expect(classCount(svg, 'ring')).toBe(5);
    expect(countElements(svg, 'polyline')).toBe(0); // no sphere rings for the circle
  });

  it('tokens: the orthographic sphere for d = 3 (equator and meridian, a dot per token)', () => {
    const X = toRows(uniformSphere(4, 3, new Rng(2)));
    const svg = tokensPicture(X);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('tokens on S²');
    expect(classCount(svg, 'token')).toBe(4);
    expect(countElements(svg, 'polyline')).toBe(2);
  });

  it('tokens: the Gram heat map for d > 3, side by side with the reference', () => {
    const X = toRows(uniformSphere(6, 5, new Rng(3)));
    const one = tokensPicture(X);
    expect(xmlProblems(one)).toEqual([]);
    expect(one).toContain('Gram ⟨x_i, x_j⟩ (d = 5)');
    expect(one).toContain('class="cells"');
    const two = tokensPicture(X, { reference: X });
    expect(xmlProblems(two)).toEqual([]);
    expect((two.match(/class="cells"/g) ?? []).length).toBe(2);
    expect(two).toContain('reference: Gram');
  });

  it('velocity: both sides\' arrows at each token on one scale for d = 2, plus lengths per token', () => {
    const X = [[1, 0], [0, 1], [-1, 0]];
    const ref = [[0, 0.5], [0, 0], [0, 0.5]];
    const impl = [[0, 0.4], [0.1, 0], [0, 0.6]];
    const svg = velocityPicture({ X, impl, reference: ref });
    expect(xmlProblems(svg)).toEqual([]);
    // 3 implementation arrows, 2 reference arrows (the zero one is not drawn).
    expect((svg.match(new RegExp(`class="arrow"[^>]*stroke="${IMPL_COLOR}"`, 'g')) ?? []).length).toBe(3);
    expect((svg.match(new RegExp(`class="arrow"[^>]*stroke="${REF_COLOR}"`, 'g')) ?? []).length).toBe(2);
    expect(svg).toContain('arrows ×'); // the shared scale is printed
    expect(svg).toContain('|v_i − v_i^ref|');
    // Without the implementation's side only the reference's arrows are drawn.
    const refOnly = velocityPicture({ X, impl: null, reference: ref });
    expect((refOnly.match(new RegExp(`stroke="${IMPL_COLOR}"`, 'g')) ?? []).length).toBe(0);
    expect(classCount(refOnly, 'arrow')).toBe(2);
  });

  it('velocity: d = 3 arrows on the sphere; d > 3 the lengths and differences as bars', () => {
    const X3 = toRows(uniformSphere(3, 3, new Rng(4)));
    const v3 = X3.map((x) => [x[1], -x[0], 0]);
    const s3 = velocityPicture({ X: X3, impl: v3, reference: v3.map((r) => r.map((c) => 2 * c)) });
    expect(xmlProblems(s3)).toEqual([]);
    expect(classCount(s3, 'arrow')).toBe(6);
    const X5 = toRows(uniformSphere(4, 5, new Rng(5)));
    const v5 = X5.map((x) => x.map((c) => c * 0.1));
    const s5 = velocityPicture({ X: X5, impl: v5, reference: v5.map((r) => r.map((c) => c * 1.5)) });
    expect(xmlProblems(s5)).toEqual([]);
    expect(classCount(s5, 'arrow')).toBe(0);
    expect(classCount(s5, 'bars')).toBe(3);
    expect(s5).toContain('d = 5');
  });

  it('trajectory: every quantity over time for both sides, with the tolerance band and line, and the last states', async () => {
    const ref = referenceImplementation();
    const X = uniformSphere(4, 2, new Rng(6));
    const req = { model: 'sa' as const, beta: 1, Q: null, K: null, V: null, X };
    const t = [0, 0.5, 1, 1.5, 2];
    const refStates = await ref.flow!({ ...req, times: t });
    // A wrong implementation: the flow at half the speed (the states at t/2).
    const implStates = await ref.flow!({ ...req, times: t.map((s) => s / 2) });
    const q = trajectoryQuantities(t, implStates, refStates, { beta: 1, Q: null, K: null }, FLOAT64, 'flow');
    expect(q.map((x) => x.name)).toEqual(['max_i |x_i − x_i^ref|', 'energy E_β', 'max_i ||x_i| − 1|', 'diameter max |x_i − x_j|', 'clusters (⟨x_i, x_j⟩ > 1 − 10⁻³)']);
    expect(q[0].impl![0]).toBe(0);
    expect(q[0].impl![4]).toBeGreaterThan(1e-3);
    expect(q[1].band!.hi[2]).toBeGreaterThan(q[1].reference![2]);
    const svg = trajectoryPicture({ op: 'flow', quantities: q, implFinal: toRows(implStates[4]), referenceFinal: toRows(refStates[4]) });
    expect(xmlProblems(svg)).toEqual([]);
    expect(classCount(svg, 'band')).toBe(2); // energy and diameter
    expect(svg).toContain('tolerance flowRtol (1 + t)');
    expect(svg).toContain('last state');
    expect(classCount(svg, 'ring')).toBe(4);
    // The reference alone (implementation missing) still draws, without the deviation panel.
    const alone = trajectoryQuantities(t, null, refStates, { beta: 1, Q: null, K: null }, FLOAT64, 'flow');
    expect(alone[0].name).toBe('energy E_β');
    expect(xmlProblems(trajectoryPicture({ op: 'flow', quantities: alone, implFinal: null, referenceFinal: toRows(refStates[4]) }))).toEqual([]);
  });

  it('errored: what happened in words and a mark per incident', () => {
    const incidents = [
      { kind: 'timeout', message: 'no answer within 5 s', seq: 3 },
      { kind: 'restart', message: 'restarting' },
      { kind: 'timeout', message: 'no answer within 5 s', seq: 4 },
    ];
    const svg = erroredPicture({ incidents });
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('TIMEOUT: no answer in time (hang)');
    expect(classCount(svg, 'incident')).toBe(3);
    expect(errorKind([], 'implementation garbage: a line that is not JSON')).toBe('garbage');
    expect(erroredPicture({ message: 'implementation crash: exited', kind: 'crash' })).toContain('CRASH: the process crashed');
  });

  it('gauge: the measured value against the tolerance, allowed side shaded', () => {
    const svg = gaugePicture(0.13, 9e-13);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('class="allowed"');
    expect(svg).toContain('class="measured"');
    expect(svg).toContain('tolerance 9e-13');
    expect(svg).toContain('measured 0.13');
    // log axis: the measured mark sits right of the tolerance line, past the shaded allowed part.
    const tx = Number(/class="allowed" x="16" y="32" width="([\d.]+)"/.exec(svg)![1]) + 16;
    const mx = Number(/<line x1="([\d.]+)" y1="32"[^>]*stroke="#b2182b"/.exec(svg)![1]);
    expect(mx).toBeGreaterThan(tx + 200);
    expect(xmlProblems(gaugePicture(-1, 0, 'at-least'))).toEqual([]);
    expect(xmlProblems(gaugePicture(NaN, 1))).toEqual([]);
  });

  it('regress: a bar per quantity, worst first, against the tolerance line', () => {
    const svg = regressPicture([
      { id: 'cluster count', status: 'moved', moved: 1, allowed: 0, ratio: Infinity },
      { id: 'flow t=20', status: 'moved', moved: 3e-8, allowed: 1e-9, ratio: 30 },
      { id: 'velocity', status: 'passed', moved: 1e-17, allowed: 1e-13, ratio: 1e-4 },
      { id: 'gamma', status: 'skipped', moved: NaN, allowed: NaN, ratio: 0 },
    ]);
    expect(xmlProblems(svg)).toEqual([]);
    expect(classCount(svg, 'bar moved')).toBe(2);
    expect(classCount(svg, 'bar passed')).toBe(1);
    expect(svg).toContain('changed (exact)');
    expect(svg).toContain('× 30');
    expect(svg).toContain('>tolerance<');
    expect(svg).not.toContain('gamma');
  });

  it('the plot pieces they build on refuse bad input with the field named', () => {
    expect(() => tokenView([[1, 0, 0, 0]])).toThrow(/d = 2 or d = 3/);
    expect(() => barChart(['a'], [{ label: 'x', values: [1, 2] }])).toThrow(/one value per category/);
    expect(() => linePlot([{ label: 's', x: [0, 1], y: [0, 1] }], { bands: [{ label: 'b', x: [0, 1], lo: [0], hi: [1, 1] }] })).toThrow(/bands\[0\]/);
    const banded = linePlot([{ label: 's', x: [0, 1], y: [0, 1] }], { bands: [{ label: 'b', x: [0, 1], lo: [-1, 0], hi: [1, 2] }] });
    expect(xmlProblems(banded)).toEqual([]);
    expect(countElements(banded, 'polygon')).toBe(1);
    expect(fromRows([[1, 0]]).cols).toBe(2);
  });
});
