import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore, parseBudget } from '../../src/explore/explore.ts';
import falseSanity from '../../src/explore/conjectures/falseSanity.ts';
import { circleLandscape, expInteraction, landscape, newtonCritical } from '../../src/explore/conjectures/circleLandscape.ts';
import { runCli } from '../cli/capture.ts';
import { xmlProblems } from '../plot/xml.ts';

describe('attnflow explore', () => {
  it('finds the planted false conjecture within a 20 s budget and shrinks it to the smallest refuting n = 4 at beta = 0', () => {
    const r = explore(falseSanity, { budgetMs: 20_000, seed: 42 });
    expect(r.found).toBe(true);
    const h = r.counterexample as { n: number; beta: number; seed: number };
    expect(h.n).toBe(4);
    expect(h.beta).toBe(0);
    expect(r.shrinks).toBeGreaterThan(0);
    expect(r.reason).toMatch(/4 clusters at t = 1/);
    // Replaying the path re-runs exactly the shrunk counterexample.
    const again = explore(falseSanity, { budgetMs: 20_000, seed: 42, path: r.path });
    expect(again.counterexample).toEqual(h);
  });

  it('reports how much it searched when the conjecture holds', () => {
    const holds = { id: 'true', statement: 'n >= 2', hypotheses: fc.integer({ min: 2, max: 9 }), predicate: (n: number) => n >= 2 };
    const r = explore(holds, { budgetMs: 5_000, maxRuns: 300 });
    expect(r.found).toBe(false);
    expect(r.runs).toBe(300);
  });

  it('the circle landscape: Newton finds non-synchronised critical points and the analytic Hessian matches finite differences', () => {
    const theta = [0.1, 1.3, 2.9, 4.4, 5.0];
    const beta = 1.7, eps = 1e-6;
    const { g, H } = landscape(theta, beta, expInteraction);
    for (let k = 0; k < 5; k++) {
      const p = [...theta], m = [...theta];
      p[k] += eps; m[k] -= eps;
      const gp = landscape(p, beta, expInteraction).g, gm = landscape(m, beta, expInteraction).g;
      for (let j = 0; j < 5; j++) {
        const fd = (gp[j] - gm[j]) / (2 * eps);
        expect(Math.abs(fd - H[j][k]), `H[${j}][${k}] vs fd ${fd}, tol 1e-6`).toBeLessThan(1e-6);
      }
    }
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12); // rotation invariance
    // Three equally spaced tokens are a critical point with an ascent direction: a strict saddle.
    const cp = newtonCritical([0, 2.1, 4.2], 1, expInteraction);
    expect(cp).not.toBeNull();
    expect(cp!.synchronised).toBe(false);
    expect(cp!.lambdaMax).toBeGreaterThan(0);
    // A few seconds of search at beta in (0, 1] (proved by Criscitiello et al.) finds nothing.
    const r = explore(circleLandscape({ beta: [0.1, 1], n: [3, 6] }), { budgetMs: 2_000, seed: 7 });
    expect(r.found, r.reason).toBe(false);
    expect(r.runs).toBeGreaterThan(50);
  });

  it('the CLI writes the counterexample JSON, a well-formed SVG and a replay line for a conjecture module given as a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnflow-explore-'));
    const file = join(dir, 'my-conjecture.ts');
    const src = new URL('../../src/explore/conjecture.ts', import.meta.url).href;
    writeFileSync(file, `import fc from 'fast-check';\nimport { defineConjecture } from ${JSON.stringify(src)};\n` +
      `export default defineConjecture({ id: 'small-beta', statement: 'beta < 5', hypotheses: fc.record({ beta: fc.double({ min: 0, max: 10, noNaN: true }) }), predicate: (h) => h.beta < 5 || 'beta too big' });\n`);
    const res = await runCli(['explore', file, '--budget', '10s', '--out', dir]);
    expect(res.code, res.stderr).toBe(1);
    const json = JSON.parse(readFileSync(join(dir, 'small-beta.counterexample.json'), 'utf8'));
    expect(json.hypothesis.beta).toBe(5);
    expect(json.replay).toMatch(/^attnflow explore .*my-conjecture\.ts --seed 42 --replay \S+/);
    expect(xmlProblems(readFileSync(join(dir, 'small-beta.counterexample.svg'), 'utf8'))).toEqual([]);
    const sanity = await runCli(['explore', 'sanity-false', '--budget', '20s', '--out', dir]);
    expect(sanity.code).toBe(1);
    expect(xmlProblems(readFileSync(join(dir, 'sanity-false.counterexample.svg'), 'utf8'))).toEqual([]);
    const bad = await runCli(['explore', 'no-such-conjecture']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('sanity-false');
  });

  it('parses budgets like 500ms, 30s, 5m and refuses others, naming --budget', () => {
    expect(parseBudget('5m')).toBe(300_000);
    expect(parseBudget('30s')).toBe(30_000);
    expect(parseBudget('500ms')).toBe(500);
    expect(() => parseBudget('soon')).toThrow(/--budget/);
  });
});
