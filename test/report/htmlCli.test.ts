import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'attnflow-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--html on the commands', () => {
  it('verify --html writes the page of the reference run', async () => {
    const file = join(dir, 'verify.html');
    const r = await runCli(['verify', '--only', 'S1,M-SA', '--runs', '2', '--html', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`HTML report ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<title>attnflow verify: attnflow-reference');
    expect(html).toContain('data-theorem="S1"');
    expect(html).toContain('data-theorem="M-SA"');
    expect(html).toContain('2 runs per theorem');
  }, 60_000);

  it('regress compare --html charts what moved against its tolerance; record refuses it', async () => {
    const file = join(dir, 'regress.html');
    const r = await runCli(['regress', 'compare', 'test/fixtures/baseline', '--rtol', '1e-8', '--html', file]);
    expect(r.code).toBe(1);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('data-picture="regress"');
    expect(html).toMatch(/FAILED: \d+ quantit(y|ies) moved past tolerance/);
    expect(html).toContain('class="bar moved"');
    const bad = await runCli(['regress', 'record', join(dir, 'b'), '--html', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--html');
  }, 120_000);
});
