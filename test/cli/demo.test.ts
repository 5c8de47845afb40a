import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { xmlProblems } from '../plot/xml.ts';
import { runCli } from './capture.ts';

describe('attnflow demo', () => {
  it('prints clusters and a non-decreasing energy over t in [0, 20] and writes the picture', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'attnflow-demo-')), 'demo.svg');
    const r = await runCli(['demo', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c.length === 5 && Number.isFinite(Number(c[0])));
    expect(rows.map((c) => Number(c[0]))).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    const E = rows.map((c) => Number(c[1]));
    // S5: E_beta is non-decreasing along SA with Q = K = V = I.
    for (let k = 1; k < E.length; k++) expect(E[k], `E(t_${k}) >= E(t_${k - 1}) - 1e-9`).toBeGreaterThanOrEqual(E[k - 1] - 1e-9);
    const counts = rows.map((c) => Number(c[2]));
    expect(counts[0]).toBe(16);
    for (let k = 1; k < counts.length; k++) expect(counts[k]).toBeLessThanOrEqual(counts[k - 1]);
    expect(r.stdout).toContain(`Wrote ${out}`);
    const svg = readFileSync(out, 'utf8');
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('token angles');
  });
});
