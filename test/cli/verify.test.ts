import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './capture.ts';

describe('attnflow verify', () => {
  it('streams one line per theorem, ends with the N passed, N failed, N skipped line and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnflow-verify-'));
    const report = join(dir, 'r.jsonl');
    const r = await runCli(['verify', '--only', 'S1,M-SA', '--runs', '3', '--report', report]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASSED\s+M-SA\s+must/m);
    expect(r.stdout).toMatch(/^2 passed, 0 failed, 0 skipped$/m);
    const lines = readFileSync(report, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['M-SA', 'S1']);
    expect(lines[0]).toMatchObject({ verdict: 'passed', tier: 'must', runs: 3 });
  });

  it('selects with id globs and lists theorems with --list', async () => {
    const r = await runCli(['verify', '--list', '--all', '--only', 'T6.8*']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/T6\.8 /);
    expect(r.stdout).toMatch(/T6\.8r/);
    expect(r.stdout).not.toMatch(/S1 /);
  });

  it('rejects an unknown option, an unknown id and a bad profile with exit 2 and the field named', async () => {
    expect(await runCli(['verify', '--bogus'])).toMatchObject({ code: 2 });
    const unknown = await runCli(['verify', '--only', 'NOPE']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--only/);
    const profile = await runCli(['verify', '--profile', 'float16']);
    expect(profile.stderr).toMatch(/--profile/);
  });

  it('runs shards whose reports together hold every selected theorem once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnflow-shard-'));
    const ids: string[] = [];
    for (const k of [1, 2]) {
      const report = join(dir, `s${k}.jsonl`);
      const r = await runCli(['verify', '--only', 'M-SA,S1,S2', '--runs', '2', '--shard', `${k}/2`, '--workers', '1', '--report', report]);
      expect(r.code).toBe(0);
      ids.push(...readFileSync(report, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id));
    }
    expect(ids.sort()).toEqual(['M-SA', 'S1', 'S2']);
  });
});
