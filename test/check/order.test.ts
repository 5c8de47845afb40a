import { describe, expect, test } from 'vitest';
import { orderForCheck, phaseOf } from '../../src/check/order.ts';
import { theorems } from '../../theorems/index.ts';

describe('the check order', () => {
  const ordered = orderForCheck(theorems);

  test('holds every theorem once', () => {
    expect(new Set(ordered.map((t) => t.id))).toEqual(new Set(theorems.map((t) => t.id)));
    expect(ordered.length).toBe(theorems.length);
  });

  test('puts one conformance check per op first, then the identities (no flow), short flows, long ones, and last the theorems that ask the implementation nothing', () => {
    const phases = ordered.map(phaseOf);
    expect(phases).toEqual([...phases].sort((a, b) => a - b));
    expect(phaseOf(ordered[0])).toBe(0);
    for (const t of ordered.filter((t) => t.needs.ops.length === 0)) expect(phaseOf(t), t.id).toBe(4);
  });

  test('runs must before should before may within a phase', () => {
    const rank = { must: 0, should: 1, may: 2 };
    for (let k = 1; k < ordered.length; k++) {
      if (phaseOf(ordered[k]) === phaseOf(ordered[k - 1])) expect(rank[ordered[k].tier]).toBeGreaterThanOrEqual(rank[ordered[k - 1].tier]);
    }
  });

  test('reaches HP-flow, the accuracy check that catches a low-order integrator, before any long flow', () => {
    const ids = ordered.map((t) => t.id);
    const firstLong = ordered.findIndex((t) => phaseOf(t) === 3);
    expect(ids.indexOf('HP-flow')).toBeLessThan(firstLong);
    expect(ids.indexOf('M-SA')).toBeLessThan(ids.indexOf('S1'));
  });

  test('starts with the differential check of each op against the reference', () => {
    expect(ordered.slice(0, 4).map((t) => t.id).sort()).toEqual(['HP-energy', 'HP-layer', 'M-FLOW', 'M-SA']);
    const ops = new Set(ordered.slice(0, 4).flatMap((t) => t.needs.ops));
    expect([...ops].sort()).toEqual(['energy', 'flow', 'layer', 'velocity']);
  });
});
