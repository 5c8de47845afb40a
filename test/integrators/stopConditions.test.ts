import { describe, expect, it } from 'vitest';
import { diameterBelow, stopWhen } from '../../src/integrators/stopConditions.ts';
import { fromRows } from '../../src/linalg/mat.ts';

describe('stop conditions', () => {
  it('diameterBelow(eps) holds exactly when max_{i,j} |x_i - x_j| < eps', () => {
    const s = 1e-3;
    const X = fromRows([[1, 0], [Math.cos(s), Math.sin(s)], [Math.cos(s / 2), Math.sin(s / 2)]]);
    const diam = Math.hypot(1 - Math.cos(s), Math.sin(s));
    expect(diameterBelow(diam * 1.000001).test(0, X)).toBe(true);
    expect(diameterBelow(diam * 0.999999).test(0, X)).toBe(false);
    expect(diameterBelow(1e-9).test(0, fromRows([[0, 1]]))).toBe(true);
  });

  it('diameterBelow rejects a non-positive or NaN eps naming eps', () => {
    expect(() => diameterBelow(0)).toThrow(/eps/);
    expect(() => diameterBelow(NaN)).toThrow(/eps/);
  });

  it('stopWhen wraps a predicate on the tokens under the given name', () => {
    const c = stopWhen('firstTokenNorth', (X) => X.data[1] > 0.5);
    expect(c.name).toBe('firstTokenNorth');
    expect(c.test(1, fromRows([[0, 1]]))).toBe(true);
    expect(c.test(1, fromRows([[1, 0]]))).toBe(false);
    expect(() => stopWhen('', () => true)).toThrow(/name/);
  });
});
