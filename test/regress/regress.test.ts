import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { readBaseline, recordBaseline, serializeBaseline } from '../../src/regress/baseline.ts';
import { regressCases } from '../../src/regress/cases.ts';
import { compareBaseline, movement } from '../../src/regress/compare.ts';
import { allowedMovement } from '../../src/regress/tolerance.ts';
import { FLOAT32, FLOAT64 } from '../../theorems/types.ts';
import { runCli } from '../cli/capture.ts';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const PY = `python3 ${join(import.meta.dirname, '../../examples/python/attnflow_impl.py')}`;
const FIXTURE = join(import.meta.dirname, '../fixtures/baseline/baseline.json');
const cheap = regressCases().filter((c) => ['velocity', 'energy', 'layer', 'gammaBeta', 'tStar'].includes(c.kind));
const flows = regressCases().filter((c) => c.kind === 'flow');

describe('attnflow regress', () => {
  it('attnflow\'s reference reproduces its own committed baseline within every tolerance class', async () => {
    const report = await compareBaseline(readBaseline(FIXTURE), referenceImplementation(), { reference: true, profile: FLOAT64 });
    const bad = report.rows.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.status} ${r.moved} vs ${r.allowed} ${r.note ?? ''}`);
    expect(bad, bad.join('\n')).toEqual([]);
    expect(report.rows.length).toBe(regressCases().length);
  });

  it('re-recording without a change gives a byte-identical baseline', async () => {
    const a = serializeBaseline(await recordBaseline(referenceImplementation(), { reference: true, cases: cheap, settings: { flowRtol: 1e-11 } }));
    const b = serializeBaseline(await recordBaseline(referenceImplementation(), { reference: true, cases: cheap, settings: { flowRtol: 1e-11 } }));
    expect(a).toBe(b);
    expect(JSON.parse(a).cases).toHaveLength(cheap.length); // plain JSON
    expect(a.split('\n').filter((l) => l.startsWith('    {"id"'))).toHaveLength(cheap.length); // one case per line
  });

  it('compare catches a small change of the reference integrator (DOPRI5 rtol 1e-11 -> 1e-8) in the flow quantities', async () => {
    const baseline = readBaseline(FIXTURE);
    const report = await compareBaseline(baseline, referenceImplementation({ rtol: 1e-8, atol: 1e-10 }), { reference: true, profile: FLOAT64, cases: flows });
    expect(report.failures, JSON.stringify(report.rows)).toBeGreaterThan(0);
    expect(report.rows[0].status).toBe('moved');
    // Sorted worst first.
    for (let k = 1; k < report.rows.length; k++) expect(report.rows[k - 1].ratio).toBeGreaterThanOrEqual(report.rows[k].ratio);
    // The same change passes under the float32 profile, whose flow tolerance is 1e4 times looser.
    const loose = await compareBaseline(baseline, referenceImplementation({ rtol: 1e-8, atol: 1e-10 }), { reference: true, profile: FLOAT32, cases: flows });
    expect(loose.failures).toBe(0);
  });

  it('an exact quantity (cluster count, verdict) fails on any change; a long-horizon time gets max(1, 5 %)', () => {
    const m = movement([2, 2, 1], [2, 3, 1]);
    expect(m.moved).toBe(1);
    expect(allowedMovement('exact', FLOAT64, { scale: 2, t: 0 })).toBe(0);
    expect(allowedMovement('long-horizon', FLOAT64, { scale: 1, t: 40 })).toBe(2);
    expect(allowedMovement('long-horizon', FLOAT64, { scale: 1, t: 4 })).toBe(1);
    expect(movement([1, 2], [1, 2, 3]).moved).toBe(Infinity);
  });

  it('the CLI records, compares with exit 0, and exits 1 with the moved quantities listed first after a step-control change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnflow-regress-'));
    const rec = await runCli(['regress', 'record', dir]);
    expect(rec.code, rec.stderr).toBe(0);
    const first = readFileSync(join(dir, 'baseline.json'), 'utf8');
    expect((await runCli(['regress', 'record', dir])).code).toBe(0);
    expect(readFileSync(join(dir, 'baseline.json'), 'utf8')).toBe(first); // byte-identical re-recording
    const same = await runCli(['regress', 'compare', dir]);
    expect(same.code, same.stdout + same.stderr).toBe(0);
    expect(same.stdout).toContain('OK: 28 quantities');
    const changed = await runCli(['regress', 'compare', dir, '--rtol', '1e-7', '--atol', '1e-9']);
    expect(changed.code, changed.stdout).toBe(1);
    const firstRow = changed.stdout.split('\n')[3];
    expect(firstRow).toMatch(/^(flow|equiangular)\/.*moved/);
    const bad = await runCli(['regress', 'compare', join(dir, 'nope')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('regress record');
    const zero = await runCli(['regress', 'compare', dir, '--impl', 'true', '--timeout', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--timeout: must be > 0');
  });

  it.runIf(hasNumpy)('--impl: the numpy example passes against attnflow\'s baseline, and a step-size change of its integrator (RK4, h = 0.05) is caught', async () => {
    const dir = join(import.meta.dirname, '../fixtures/baseline');
    const ok = await runCli(['regress', 'compare', dir, '--impl', PY]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/skipped|OK: \d+ quantities/);
    const rk4 = await runCli(['regress', 'compare', dir, '--impl', `${PY} --integrator rk4 --h 0.05`]);
    expect(rk4.code, rk4.stdout + rk4.stderr).toBe(1);
    expect(rk4.stdout.split('\n')[3]).toMatch(/moved/);
  });
});
