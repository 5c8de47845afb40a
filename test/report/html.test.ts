import { describe, expect, it } from 'vitest';
import { renderHtmlReport, renderRegressHtml, verdictsOf, VERDICT_ORDER } from '../../src/report/html.ts';
import type { HtmlResult } from '../../src/report/html.ts';
import { FLOAT64 } from '../../theorems/types.ts';

const base = { tier: 'must', runs: 10, timeMs: 12 };
const results: HtmlResult[] = [
  { ...base, id: 'S1', title: 'tokens stay on the sphere', verdict: 'passed' },
  { ...base, id: 'Tab1-V=I', title: 'hull <shrinks> & "more"', verdict: 'skipped', reason: 'needs op layer', runs: 0 },
  {
    ...base, id: 'M-SA', title: 'velocity equals the reference', verdict: 'failed',
    failure: {
      message: 'max |v - v_ref| = 0.13 exceeds the tolerance 9e-13',
      counterexample: { model: 'sa', beta: 1, X: [[1, 0], [0, 1], [-1, 0]], Q: null, K: null, V: null },
      details: { quantity: 'max_i |v_i - v_i^ref|', measured: 0.13, tolerance: 9e-13 },
      shrinks: 8, replay: "attnflow check --impl 'x' --only 'M-SA' --seed 42 --path '7:0' --runs 1",
    },
  },
  {
    ...base, id: 'S5', title: 'energy increases', verdict: 'errored', runs: 1, requestedRuns: 100,
    error: { kind: 'timeout', message: 'no answer within 5 s (seq 4)', case: { X: [[1, 0]] }, replay: 'attnflow check --only S5 --path 0', count: 3 },
    incidents: [{ kind: 'timeout', message: 'no answer within 5 s', seq: 4 }, { kind: 'restart', message: 'restarting' }],
    stderr: ['Traceback (most recent call last):', '  ZeroDivisionError: <boom>'],
  },
  { ...base, id: 'T4.3', title: 'circle', verdict: 'inconclusive', reason: 'budget spent' },
  { ...base, id: 'X9', title: 'odd', verdict: 'flaky?' },
];
const input = { command: 'check', implementation: { name: 'numpy-example', version: '1.0.0', command: 'python3 impl.py' }, profile: FLOAT64, seed: 42, timeMs: 1234, results };

describe('the HTML report', () => {
  it('lists verdicts in the fixed order, unknown ones after, as they are', () => {
    expect(verdictsOf(results)).toEqual(['passed', 'failed', 'errored', 'inconclusive', 'skipped', 'flaky?']);
    expect(VERDICT_ORDER).toEqual(['passed', 'failed', 'errored', 'inconclusive', 'skipped']);
  });

  it('shows the run, the counts, every theorem, and a section per failure and error', () => {
    const html = renderHtmlReport(input);
    for (const s of ['numpy-example 1.0.0', 'python3 impl.py', 'float64', '>42<', '1.2 s', 'FAILED: a must theorem failed or errored']) expect(html).toContain(s);
    for (const r of results) expect(html).toContain(`data-theorem="${r.id}"`);
    expect((html.match(/<tr class="row-/g) ?? []).length).toBe(results.length);
    expect(html).toContain('<span class="v v-other">flaky?</span>');
    expect(html).toContain('hull &lt;shrinks&gt; &amp; &quot;more&quot;'); // escaped, never markup
    expect(html).toContain('1 / 100'); // runs of requested
    // The failure: quantity vs tolerance, gauge, picture of the tokens (no evidence given), replay with copy button.
    const fail = html.slice(html.indexOf('id="fail-M-SA"'), html.indexOf('</section>', html.indexOf('id="fail-M-SA"')));
    expect(fail).toContain('max_i |v_i - v_i^ref|');
    expect(fail).toContain('data-picture="gauge"');
    expect(fail).toContain('data-picture="tokens"');
    expect(fail).toContain('not re-queried');
    expect(fail).toContain('--path &apos;7:0&apos;');
    expect(fail).toContain('data-copy="replay-');
    // The error: what happened, the stderr tail, the case and its replay.
    const err = html.slice(html.indexOf('id="fail-S5"'), html.indexOf('</section>', html.indexOf('id="fail-S5"')));
    expect(err).toContain('data-picture="errored"');
    expect(err).toContain('no answer in time (hang)');
    expect(err).toContain('ZeroDivisionError: &lt;boom&gt;');
    expect(err).toContain('3 runs ended this way');
    expect(err).toContain('attnflow check --only S5 --path 0');
    expect(html).not.toContain('id="fail-S1"');
  });

  it('filters by verdict with CSS alone (one radio per verdict), and loads nothing from outside', () => {
    const html = renderHtmlReport(input);
    for (const v of ['passed', 'failed', 'errored', 'inconclusive', 'skipped']) {
      expect(html).toContain(`id="filter-${v}"`);
      expect(html).toContain(`body:has(#filter-${v}:checked) [data-verdict]:not([data-verdict="${v}"]){display:none}`);
    }
    expect(html).toMatch(/id="filter-flaky--[a-z0-9]+"/);
    expect(html).not.toMatch(/<link|<img|@import|url\((?!#)/);
    expect([...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]).filter((h) => !h.startsWith('#'))).toEqual([]);
    expect(html).toContain("default-src 'none'");
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    expect(script.length).toBeLessThan(1500);
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('a failure whose measured value is below its bound is drawn as one that had to reach it', () => {
    const low: HtmlResult = { ...base, id: 'T5.1', title: 'saddle', verdict: 'failed', failure: { message: 'not unstable: <v, J v> = 0.04', counterexample: { n: 4 }, details: { quantity: '<v, J v> / predicted', measured: 0.07, tolerance: 0.1 }, shrinks: 0, replay: 'r' } };
    const html = renderHtmlReport({ ...input, results: [low] });
    expect(html).toContain('0.1 (must reach at least)');
    expect(html).toContain('no picture: the counterexample carries no tokens to draw');
  });

  it('a passing run says so', () => {
    const html = renderHtmlReport({ ...input, results: [results[0], results[1]] });
    expect(html).toContain('PASSED: every theorem that ran passed');
    expect(html).not.toContain('<h2>Failures');
  });

  it('regress compare: the verdict, the chart of moved/allowed and every quantity, filterable by status', () => {
    const html = renderRegressHtml({
      baselineName: 'attnflow-reference', implName: 'attnflow-reference', baselineDir: 'baseline/',
      report: {
        profile: 'float64', failures: 1, rows: [
          { id: 'flow/t=20', tolerance: 'flow', status: 'moved', moved: 3e-8, allowed: 2e-9, ratio: 15 },
          { id: 'velocity/sa', tolerance: 'pointwise', status: 'passed', moved: 0, allowed: 5e-14, ratio: 0 },
        ],
      },
    });
    expect(html).toContain('FAILED: 1 quantity moved past tolerance');
    expect(html).toContain('data-picture="regress"');
    expect(html).toContain('class="bar moved"');
    expect(html).toContain('data-quantity="flow/t=20"');
    expect(html).toContain('id="filter-moved"');
  });
});
