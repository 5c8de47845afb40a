import { afterAll, describe, expect, test } from 'vitest';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { registerTheorems } from '../../properties/vitest.ts';
import type { TestFunction } from '../../properties/vitest.ts';
import { noTangentProjection } from '../helpers/mutants.ts';

// The helper as a user calls it: these tests are attnflow's verdicts on the reference.
describe('registerTheorems on the reference', () => {
  registerTheorems(test, referenceImplementation(), { only: 'M-SA,S1', runs: 3, prefix: 'reference', afterAll });
});

describe('registerTheorems', () => {
  test('registers one test per selected theorem, named by id and statement, which fails with the replay line on a broken implementation', async () => {
    const registered: { name: string; fn: Parameters<TestFunction>[1]; timeout?: number }[] = [];
    const fake: TestFunction = (name, fn, timeout) => registered.push({ name, fn, timeout });
    registerTheorems(fake, noTangentProjection, { only: 'M-SA,S1', runs: 10, timeoutMs: 5000 });
    expect(registered.map((r) => r.name.slice(0, 20))).toEqual(['attnflow M-SA: veloc', 'attnflow S1: the flo']);
    expect(registered[0].timeout).toBe(5000);
    const err = await registered[0].fn({}).then(() => null, (e: Error) => e);
    expect(err?.message).toContain('M-SA failed (tier must)');
    expect(err?.message).toContain("replay: attnflow check --only 'M-SA'");
  });

  test('a theorem the implementation cannot run is skipped through the test context with the reason', async () => {
    const registered: Parameters<TestFunction>[1][] = [];
    registerTheorems((_n, fn) => registered.push(fn), { name: 'velocity-only', models: ['sa', 'usa'], velocity: referenceImplementation().velocity }, { only: 'S1' });
    let note: string | undefined;
    await registered[0]({ skip: (n) => { note = n; } });
    expect(note).toBe('needs op flow');
  });
});
