import { describe, expect, it } from 'vitest';
import { equiangularVelocity, gammaBeta, oneMinusGammaBeta, tStar } from '../../src/analysis/equiangular.ts';
import type { EquiangularModel } from '../../src/analysis/equiangular.ts';
import { mat } from '../../src/linalg/mat.ts';
import { velocity } from '../../src/models/velocity.ts';

/** Independent check: classical RK4 on (6.9)/(6.10) with a fixed small step. */
function rk4(model: EquiangularModel, n: number, beta: number, T: number, h: number): number {
  const f = (g: number) => equiangularVelocity(model, n, beta, g);
  let g = 0;
  const steps = Math.round(T / h);
  for (let s = 0; s < steps; s++) {
    const k1 = f(g), k2 = f(g + (h / 2) * k1), k3 = f(g + (h / 2) * k2), k4 = f(g + h * k3);
    g += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return g;
}

describe('gammaBeta', () => {
  it('matches the THEORY §3 reference values of Thm 6.8 (abs tol 1e-10; references have 10 decimals)', () => {
    const cases: [EquiangularModel, number, number, number[], number[]][] = [
      ['sa', 5, 3, [0.5, 1, 2, 5], [0.0468225623, 0.107059958, 0.2939541119, 0.9854573451]],
      ['usa', 5, 3, [0.5, 1], [0.5318822116, 0.9999999786]],
      ['sa', 32, 4, [1, 5, 10], [0.0354413984, 0.9527748497, 0.9999977389]],
    ];
    for (const [model, n, beta, t, ref] of cases) {
      const g = gammaBeta(model, n, beta, t);
      for (let i = 0; i < t.length; i++) {
        const err = Math.abs(g[i] - ref[i]);
        expect(err, `${model} n=${n} beta=${beta} t=${t[i]}: ${g[i]} vs ${ref[i]}, err ${err} vs tol 1e-10`).toBeLessThan(1e-10);
      }
    }
  });

  it('agrees with an independent RK4 integration of (6.9)/(6.10) at step 1e-3 (abs tol 1e-12)', () => {
    for (const [model, n, beta, T] of [['sa', 5, 3, 5], ['usa', 5, 3, 1], ['sa', 32, 6, 12], ['usa', 8, 0, 2]] as const) {
      const err = Math.abs(gammaBeta(model, n, beta, T) - rk4(model, n, beta, T, 1e-3));
      expect(err, `${model} n=${n} beta=${beta} T=${T}: err ${err} vs tol 1e-12`).toBeLessThan(1e-12);
    }
  });

  it('(6.9)/(6.10) is what the SA/USA vector field gives on an equiangular configuration: d/dt <x_i,x_j> = f(gamma) (tol 1e-13)', () => {
    const n = 5;
    for (const model of ['sa', 'usa'] as const) {
      for (const [beta, g] of [[3, 0], [3, 0.4], [0.7, 0.9]]) {
        // x_i = a e_i + b u with u = 1/sqrt(n) (1..1): |x_i| = 1, <x_i, x_j> = g.
        const a = Math.sqrt(1 - g), b = -a / Math.sqrt(n) + Math.sqrt((a * a) / n + g);
        const X = mat(n, n);
        for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) X.data[i * n + k] = (i === k ? a : 0) + b / Math.sqrt(n);
        const V = velocity(X, { beta, model });
        let dot = 0;
        for (let k = 0; k < n; k++) dot += V.data[k] * X.data[n + k] + X.data[k] * V.data[n + k];
        const err = Math.abs(dot - equiangularVelocity(model, n, beta, g));
        expect(err, `${model} beta=${beta} gamma=${g}: err ${err} vs tol 1e-13`).toBeLessThan(1e-13);
      }
    }
  });

  it('is a semigroup: starting from gamma0 = gamma(s) gives gamma(s + t) (abs tol 1e-14)', () => {
    const s = 1.3, t = [0, 0.5, 2];
    const g0 = gammaBeta('sa', 7, 2, s);
    const a = gammaBeta('sa', 7, 2, t, { gamma0: g0 });
    const b = gammaBeta('sa', 7, 2, t.map((x) => x + s));
    for (let i = 0; i < t.length; i++) expect(Math.abs(a[i] - b[i]), `t=${t[i]}`).toBeLessThan(1e-14);
    expect(gammaBeta('usa', 3, 1, 4, { gamma0: 1 })).toBe(1);
  });

  it('is vectorised over unsorted times with the same values as scalar calls', () => {
    const t = [5, 0, 1, 3, 0.25];
    const v = gammaBeta('usa', 6, 1.5, t);
    for (let i = 0; i < t.length; i++) expect(v[i]).toBe(gammaBeta('usa', 6, 1.5, t[i]));
    expect(v[1]).toBe(0);
  });

  it('has the late-time rates 1 - gamma ~ C e^{-2t} (SA) and C e^{-2 e^beta t} (USA) (T6.8r; log-slope tol 1e-6)', () => {
    const [a, b] = oneMinusGammaBeta('sa', 32, 4, [20, 21]);
    const slopeSa = Math.log(b / a);
    expect(Math.abs(slopeSa + 2), `SA slope ${slopeSa}`).toBeLessThan(1e-6);
    const [c, e] = oneMinusGammaBeta('usa', 5, 1, [8, 9]);
    const slopeUsa = Math.log(e / c);
    expect(Math.abs(slopeUsa + 2 * Math.E) / (2 * Math.E), `USA slope ${slopeUsa}`).toBeLessThan(1e-6);
  });

  it('reproduces THEORY §6.3: 1 - gamma(30) = 0.969 (beta 8), 0.991 (beta 9); 1 - gamma(10) = 2.3e-6 (beta 4), 0.83 (beta 6), SA n = 32', () => {
    const r = (beta: number, t: number) => oneMinusGammaBeta('sa', 32, beta, [t])[0];
    expect(r(8, 30)).toBeCloseTo(0.969, 3);
    expect(r(9, 30)).toBeCloseTo(0.991, 3);
    expect(Math.abs(r(4, 10) / 2.3e-6 - 1)).toBeLessThan(0.03);
    expect(r(6, 10)).toBeCloseTo(0.83, 2);
  });

  it('rejects n < 2, beta < 0, negative times and gamma0 outside [0, 1], naming the field', () => {
    expect(() => gammaBeta('sa', 1, 1, 1)).toThrow(/^n/);
    expect(() => gammaBeta('sa', 3, -1, 1)).toThrow(/^beta/);
    expect(() => gammaBeta('sa', 3, 1, [1, -1])).toThrow(/t\[1\]/);
    expect(() => gammaBeta('sa', 3, 1, 1, { gamma0: 1.5 })).toThrow(/options\.gamma0/);
    expect(() => gammaBeta('xx' as EquiangularModel, 3, 1, 1)).toThrow(/model/);
  });
});

describe('tStar', () => {
  it('matches the §6.3 table of first times with gamma = 1 - 1e-3, n = 32 (tol: half a unit of the last printed digit)', () => {
    const table: [EquiangularModel, number, number, number][] = [
      ['sa', 0.5, 5.2202, 5e-5], ['sa', 1, 5.2703, 5e-5], ['sa', 2, 5.4584, 5e-5], ['sa', 4, 6.9535, 5e-5],
      ['sa', 6, 15.9953, 5e-5], ['sa', 9, 178.73, 5e-3],
      ['usa', 0.5, 3.8046, 5e-5], ['usa', 1, 2.897, 5e-5], ['usa', 2, 1.8804, 5e-5], ['usa', 4, 1.1308, 5e-5],
    ];
    for (const [model, beta, ref, tol] of table) {
      const t = tStar(model, 32, beta, 1e-3);
      expect(Math.abs(t - ref), `${model} beta=${beta}: t* = ${t} vs ${ref}, tol ${tol}`).toBeLessThan(tol);
    }
  });

  it('is consistent with gammaBeta: gamma(t*) = 1 - delta (abs tol 1e-14), and the SA curve leaves t <= 30 at beta = 6.9065', () => {
    for (const [model, beta] of [['sa', 4], ['usa', 2], ['sa', 0]] as const) {
      const t = tStar(model, 32, beta, 1e-3);
      expect(Math.abs(gammaBeta(model, 32, beta, t) - (1 - 1e-3)), `${model} beta=${beta}`).toBeLessThan(1e-14);
    }
    expect(tStar('sa', 32, 6.906, 1e-3)).toBeLessThan(30);
    expect(tStar('sa', 32, 6.907, 1e-3)).toBeGreaterThan(30);
    expect(tStar('sa', 32, 2, 0.5, { gamma0: 0.6 })).toBe(0);
    expect(() => tStar('sa', 32, 2, 0)).toThrow(/delta/);
  });
});
