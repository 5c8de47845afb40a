/**
 * The HTML report in a real browser: Debian's Chromium (/usr/bin/chromium, which .ci/run installs when
 * missing) driven by playwright-core loads reports made by real `attnflow check` runs (the numpy
 * example with a planted bug, and without) and checks what a person sees. Screenshots go to
 * out/browser/ (git-ignored; CI keeps out/). Without Chromium the test is skipped with the reason,
 * except under CI=true, where it fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_NUMPY, pythonImpl } from '../adapters/pythonAvailable.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUT = resolve('out/browser');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const missing = !existsSync(CHROMIUM) ? `${CHROMIUM} is missing (apt-get install -y chromium)` : !HAVE_NUMPY ? 'python3 with numpy is missing (the reports come from the numpy example)' : null;
if (missing && process.env.CI) throw new Error(`browser test: ${missing}; under CI it must run (.ci/run installs chromium)`);
if (missing) console.log(`skipped the browser test of the HTML report: ${missing}`);

/** Runs `attnflow check` on the numpy example and returns the HTML report's path and the exit status. */
function checkReport(name: string, flags: string, only: string): { file: string; status: number | null; output: string } {
  const file = join(OUT, `${name}.html`);
  const r = spawnSync('node', ['bin/attnflow.js', 'check', '--impl', pythonImpl(flags), '--only', only, '--html', file], { encoding: 'utf8', timeout: 240_000 });
  return { file, status: r.status, output: r.stdout + r.stderr };
}

/** One page in a fresh profile, with every console error, page error and non-file request recorded. */
interface Opened { page: Page; errors: string[]; requests: string[] }

describe.skipIf(missing !== null)('the HTML report in Chromium', () => {
  let failing: ReturnType<typeof checkReport>, passing: ReturnType<typeof checkReport>;
  const contexts: { ctx: BrowserContext; dir: string }[] = [];

  async function open(file: string, javaScriptEnabled = true): Promise<Opened> {
    const dir = mkdtempSync(join(tmpdir(), 'attnflow-chromium-'));
    const ctx = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: FLAGS, javaScriptEnabled, viewport: { width: 1100, height: 900 } });
    contexts.push({ ctx, dir });
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const errors: string[] = [], requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => { if (!/^(file|data|about):/.test(r.url())) requests.push(r.url()); });
    await page.goto(pathToFileURL(file).href);
    return { page, errors, requests };
  }

  beforeAll(() => {
    mkdirSync(OUT, { recursive: true });
    failing = checkReport('report-failing', '--bug softmax-axis', 'M-SA,S5,S1');
    passing = checkReport('report-passing', '', 'M-SA,S1');
  }, 300_000);

  afterAll(async () => {
    for (const { ctx, dir } of contexts) {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a failing check: the failing theorem\'s row and picture are there, the table filters, the copy button works, no errors', async () => {
    expect(failing.status, failing.output).toBe(1);
    const { page, errors, requests } = await open(failing.file);
    await expect.poll(() => page.title()).toContain('attnflow check: numpy-example');
    expect(await page.locator('.banner').textContent()).toContain('FAILED');
    const row = page.locator('tr[data-theorem="M-SA"]');
    expect(await row.isVisible()).toBe(true);
    expect(await row.locator('.v').textContent()).toBe('failed');
    // The failure's section: the quantity against the tolerance and the velocity picture, drawn large enough to read.
    const section = page.locator('#fail-M-SA');
    expect(await section.locator('.violation').first().textContent()).toContain('exceeds the tolerance');
    const picture = section.locator('[data-picture="velocity"] svg').first();
    expect(await picture.isVisible()).toBe(true);
    const box = (await picture.boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    expect(box.height).toBeGreaterThan(250);
    expect(await section.locator('[data-picture="velocity"] line.arrow').count()).toBeGreaterThan(0);
    expect(await page.locator('#fail-S5 [data-picture="trajectory"] svg').first().isVisible()).toBe(true);
    // The replay line and its copy button (shown by the script).
    const copy = section.locator('.replay button.copy');
    expect(await copy.isVisible()).toBe(true);
    expect(await section.locator('.replay-line').textContent()).toMatch(/^attnflow check --impl .* --only 'M-SA' --seed 42 --path '[\d:]+' --runs 1$/);
    await copy.click();
    await expect.poll(() => copy.textContent()).not.toBe('copy');
    await page.screenshot({ path: join(OUT, 'report-failing.png'), fullPage: true });
    await page.screenshot({ path: join(OUT, 'report-failing-top.png'), clip: { x: 0, y: 0, width: 1100, height: 1500 }, fullPage: true });
    // Filter: only the passed theorems, then only the failed ones, then all again.
    await page.click('label[for="filter-passed"]');
    expect(await page.locator('tr[data-theorem="S1"]').isVisible()).toBe(true);
    expect(await row.isVisible()).toBe(false);
    expect(await section.isVisible()).toBe(false);
    await page.click('label[for="filter-failed"]');
    expect(await row.isVisible()).toBe(true);
    expect(await page.locator('tr[data-theorem="S1"]').isVisible()).toBe(false);
    await page.click('label[for="filter-all"]');
    expect(await page.locator('#theorems tbody tr:visible').count()).toBe(3);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 120_000);

  it('a passing check says so, with every row and no failure section', async () => {
    expect(passing.status, passing.output).toBe(0);
    const { page, errors } = await open(passing.file);
    expect(await page.locator('.banner').textContent()).toContain('PASSED');
    expect(await page.locator('#theorems tbody tr:visible').count()).toBe(2);
    expect(await page.locator('section.failure').count()).toBe(0);
    await page.screenshot({ path: join(OUT, 'report-passing.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);

  it('without scripts the page still reads and still filters (CSS only); the copy buttons stay hidden', async () => {
    const { page, errors } = await open(failing.file, false);
    expect(await page.locator('#fail-M-SA [data-picture="velocity"] svg').first().isVisible()).toBe(true);
    expect(await page.locator('#fail-M-SA .replay button.copy').isVisible()).toBe(false);
    await page.click('label[for="filter-passed"]');
    expect(await page.locator('tr[data-theorem="M-SA"]').isVisible()).toBe(false);
    expect(await page.locator('tr[data-theorem="S1"]').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  }, 120_000);
});
