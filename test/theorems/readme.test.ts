import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { theorems } from '../../theorems/index.ts';
import { theoremTable } from '../../theorems/readmeTable.ts';

describe('README theorem list', () => {
  it('lists every theorem with its id, tier and statement, exactly as the modules declare them', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme.includes(theoremTable()), 'README is out of date: run "npx tsx theorems/readmeTable.ts --write"').toBe(true);
  });

  it('gives every theorem a unique id and complete metadata', () => {
    const ids = theorems.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of theorems) {
      for (const field of ['title', 'source', 'hypotheses', 'conclusion', 'tolerance'] as const) expect(t[field].length, `${t.id}.${field}`).toBeGreaterThan(5);
      expect(['must', 'should', 'may']).toContain(t.tier);
      if (t.kind === 'statistical') expect(t.falseFailureProbability, `${t.id} states its false-failure probability`).toBeLessThanOrEqual(1e-6);
    }
  });
});
