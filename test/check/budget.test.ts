import { describe, expect, test } from 'vitest';
import type { Implementation } from '../../src/adapters/implementation.ts';
import { ImplementationError } from '../../src/adapters/implementation.ts';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { checkImplementation, THEORY_ONLY } from '../../src/check/checkImplementation.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { EXIT } from '../../properties/runSuite.ts';
import { noTangentProjection } from '../helpers/mutants.ts';
import { runTheorem } from '../../properties/runTheorem.ts';
import { sphereInvariance } from '../../theorems/S1.sphere-invariance.ts';
import fc from 'fast-check';
import { fromRows } from '../../src/linalg/mat.ts';
import type { Theorem } from '../../theorems/types.ts';

const ref = referenceImplementation();

/** The reference with every flow delayed by `ms`: a correct but slow implementation. */
function slowFlows(ms: number): Implementation {
  return { ...ref, name: `slow-${ms}ms`, flow: async (req) => (await new Promise((r) => setTimeout(r, ms)), ref.flow!(req)) };
}

describe('checkImplementation within a budget', () => {
  test('a slow correct implementation gets passed verdicts within the budget, each theorem reporting the runs it got', async () => {
    const started = performance.now();
    const report = await checkImplementation(slowFlows(40), { only: 'M-SA,S1,S2,S10', budgetSeconds: 3 });
    const wall = (performance.now() - started) / 1000;
    expect(report.results.map((r) => r.verdict)).toEqual(['passed', 'passed', 'passed', 'passed']);
    expect(report.exitCode).toBe(EXIT.passed);
    // Each theorem stops starting cases when its share is spent; one case in flight may finish after it.
    expect(wall).toBeLessThan(3 + 2);
    const s1 = report.results.find((r) => r.id === 'S1')!;
    expect(s1.interrupted).toBe(true);
    expect(s1.runs).toBeLessThan(s1.requestedRuns!);
    expect(s1.budgetMs).toBeGreaterThan(0);
  });

  test('a theorem starts no case that its mean case time says would end past its share', async () => {
    // Each S1 case is one flow request of at least 200 ms. With 500 ms, cases 1 and 2 end at 400 ms or later,
    // and a third would end at 600 ms or later: it is not started (before this look-ahead it was, at 400 ms).
    const r = await runTheorem(sphereInvariance, slowFlows(200), { timeLimitMs: 500, runs: 10 });
    expect(r.verdict).toBe('passed');
    expect(r.interrupted).toBe(true);
    expect(r.runs).toBeGreaterThanOrEqual(1);
    expect(r.runs).toBeLessThanOrEqual(2);
  });

  test('a case that keeps sending requests past twice its share, or past the run\'s budget, is cut off at the next request: inconclusive, not failed', async () => {
    // One case of 50 sequential flow requests, each at least 20 ms (like FU-circle's doubling horizons against
    // a slow integrator, which once took 7 minutes of a 5-minute budget). A share of 200 ms stops it at 400 ms.
    let sent = 0;
    const slow: Implementation = { ...slowFlows(20), name: 'slow-chain', flow: async (req) => (sent++, slowFlows(20).flow!(req)) };
    const chain: Theorem<number> = {
      ...sphereInvariance as unknown as Theorem<number>,
      id: 'CHAIN', runs: 3,
      arbitrary: () => fc.constant(0),
      async check(ctx) {
        const X = fromRows([[1, 0], [0, 1]]);
        for (let k = 0; k < 50; k++) await ctx.impl.flow!({ model: 'sa', beta: 1, Q: null, K: null, V: null, X, times: [0.1] });
        return { status: 'pass' };
      },
    };
    const r = await runTheorem(chain, slow, { timeLimitMs: 200 });
    expect(r.verdict).toBe('inconclusive');
    expect(r.interrupted).toBe(true);
    expect(r.reason).toMatch(/time ran out/);
    // Requests sent at or after 400 ms are refused; at 20 ms or more each, at most 21 got through.
    expect(sent).toBeLessThanOrEqual(21);
    // The end of the whole run's budget cuts it sooner.
    sent = 0;
    const early = await runTheorem(chain, slow, { timeLimitMs: 200, runDeadline: performance.now() + 100 });
    expect(early.verdict).toBe('inconclusive');
    expect(sent).toBeLessThanOrEqual(6);
  });

  test('the budget counts from budgetFrom and keeps its reserve back: a budget already spent runs nothing', async () => {
    const spent = await checkImplementation(ref, { only: 'M-SA,S1', budgetSeconds: 2, budgetFrom: performance.now() - 2000 });
    expect(spent.results.map((r) => r.verdict)).toEqual(['inconclusive', 'inconclusive']);
    expect(spent.results[0].reason).toMatch(/budget of 2 s was spent/);
    const reserved = await checkImplementation(ref, { only: 'M-SA', budgetSeconds: 1, budgetReserveSeconds: 1 });
    expect(reserved.results[0].verdict).toBe('inconclusive');
    const open = await checkImplementation(ref, { only: 'M-SA', runs: 5, budgetSeconds: 60, budgetReserveSeconds: 3 });
    expect(open.results[0].verdict).toBe('passed');
  });

  test('theorems reached with no budget left are inconclusive (not failed), and the exit status says so', async () => {
    const report = await checkImplementation(slowFlows(400), { only: 'S1,S2,S10', budgetSeconds: 0.3 });
    const verdicts = report.results.map((r) => r.verdict);
    expect(verdicts).not.toContain('failed');
    expect(verdicts).toContain('inconclusive');
    expect(report.results.find((r) => r.verdict === 'inconclusive')!.reason).toMatch(/budget/);
    expect(report.exitCode).toBe(EXIT.inconclusive);
  });

  test('cheap decisive theorems run first whatever order they are asked in', async () => {
    const report = await checkImplementation(ref, { only: 'S1,T4.1,E1,M-SA,HP-flow,M-FLOW', runs: 1 });
    expect(report.results.map((r) => r.id)).toEqual(['M-SA', 'M-FLOW', 'E1', 'S1', 'HP-flow', 'T4.1']);
  });

  test('--fail-fast stops at the first failed must theorem and reports the rest as skipped with the reason', async () => {
    const report = await checkImplementation(noTangentProjection, { only: 'M-SA,S1,S2', runs: 5, failFast: true });
    expect(report.results.map((r) => r.verdict)).toEqual(['failed', 'skipped', 'skipped']);
    expect(report.results[1].reason).toContain('--fail-fast stopped the run after M-SA failed');
    expect(report.exitCode).toBe(EXIT.mustFailed);
  });

  test('an implementation that hangs on every flow is errored, never failed, and the run stops paying for hangs', async () => {
    const hanging: Implementation = { ...ref, name: 'hangs', flow: async () => { throw new ImplementationError('timeout', 'no answer within 30 s (option --timeout)'); } };
    const report = await checkImplementation(hanging, { only: 'M-SA,S1,S2,S10,S5,S11', runs: 5, maxHungTheorems: 2 });
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
    expect(byId['M-SA'].verdict).toBe('passed');
    expect(byId.S1.verdict).toBe('errored');
    expect(byId.S2.verdict).toBe('errored');
    expect(byId.S1.error!.kind).toBe('timeout');
    expect(report.results.filter((r) => r.verdict === 'inconclusive').every((r) => /hung in 2 theorems/.test(r.reason ?? ''))).toBe(true);
    expect(report.results.some((r) => r.verdict === 'failed')).toBe(false);
    expect(report.exitCode).toBe(EXIT.errored);
    const xml = renderJunit(report);
    expect(xml).toMatch(/<error message="[^"]*no answer within 30 s[^"]*" type="timeout">/);
    expect(xml).toMatch(/errors="2"/);
    const md = renderMarkdown(report);
    expect(md).toContain('### Errors (no answer: crash, hang or protocol violation)');
    expect(md).toContain('the implementation **errored**');
  });

  test('a case that chains many flow requests stops at the theorem\'s deadline instead of running on (inconclusive, not failed)', async () => {
    // T4.1 doubles its horizon up to t = 512, one flow request per chunk: each request here costs 300 ms.
    const report = await checkImplementation(slowFlows(300), { only: 'T4.1', budgetSeconds: 1 });
    const r = report.results[0];
    expect(['passed', 'inconclusive']).toContain(r.verdict);
    expect(r.timeMs, 'the deadline is checked between requests').toBeLessThan(1000 + 3 * 300 + 1500);
  });

  test('theorems that ask the implementation nothing are skipped by check with the reason', async () => {
    const report = await checkImplementation(ref, { only: 'M-SA,T6.7,Ex9.3', runs: 2 });
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
    expect(byId['M-SA'].verdict).toBe('passed');
    for (const id of ['T6.7', 'Ex9.3']) {
      expect(byId[id].verdict).toBe('skipped');
      expect(byId[id].reason).toBe(THEORY_ONLY);
    }
    expect(report.exitCode).toBe(EXIT.passed);
  });
});
