import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { shellQuote } from '../../src/cli/commands/check.ts';
import { HAVE_NUMPY, pythonImpl } from '../adapters/pythonAvailable.ts';

const CLI = 'node bin/attnflow.js';

function attnflow(args: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', `${CLI} ${args}`], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('attnflow check', () => {
  test('checking "attnflow serve" passes, exits 0, and writes the JSON-lines, JUnit and Markdown reports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnflow-cli-check-'));
    const r = attnflow(`check --impl "${CLI} serve" --only M-SA,S1 --runs 3 --report ${dir}/r.jsonl --junit ${dir}/r.xml --markdown ${dir}/r.md`);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('against attnflow 0.1.0 (typescript)');
    expect(r.stdout).toContain('2 passed, 0 failed, 0 skipped; profile float64: every must theorem passed');
    expect(readFileSync(`${dir}/r.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).verdict)).toEqual(['passed', 'passed']);
    expect(readFileSync(`${dir}/r.xml`, 'utf8')).toContain('failures="0"');
    expect(readFileSync(`${dir}/r.md`, 'utf8')).toContain('every **must** theorem passed');
  }, 120_000);

  test('an implementation that cannot start exits 2 with the reason and its stderr', () => {
    const r = attnflow(`check --impl "echo no numpy here >&2; exit 4" --only M-SA`);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('could not be checked: handshake failed');
    expect(r.stderr).toContain('exited with status 4');
    expect(r.stderr).toContain('no numpy here');
  }, 60_000);

  test('a missing --impl and an unknown profile exit 2 naming the option', () => {
    expect(attnflow('check --only M-SA').stderr).toContain('--impl: is missing');
    const r = attnflow(`check --impl true --profile float16`);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--profile');
  }, 60_000);

  test.skipIf(!HAVE_NUMPY)('a broken implementation exits 1 with a replay line that reproduces the failure in one run', () => {
    const r = attnflow(`check --impl ${shellQuote(pythonImpl('--bug softmax-axis'))} --only M-SA --runs 30 --profile custom --eps 1e-15`);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('profile custom');
    const replay = r.stdout.split('\n').find((l) => l.trim().startsWith('replay: '))!.trim().slice('replay: '.length);
    expect(replay).toMatch(/^attnflow check --impl '.*--bug softmax-axis' --profile custom --eps 1e-15 --flow-rtol 1e-8 --only 'M-SA' --seed 42 --path '[\d:]+' --runs 1$/);
    const again = attnflow(replay.slice('attnflow '.length));
    expect(again.status).toBe(1);
    expect(again.stdout).toContain('FAILED       M-SA       must   1 runs');
    const ce = (s: string) => s.split('\n').find((l) => l.includes('counterexample'))!.replace(/after \d+ shrinks/, '');
    expect(ce(again.stdout)).toBe(ce(r.stdout));
  }, 120_000);

  test('shellQuote leaves plain words alone and single-quotes the rest', () => {
    expect(shellQuote('python3')).toBe('python3');
    expect(shellQuote("python3 it's.py")).toBe(`'python3 it'\\''s.py'`);
  });
});
