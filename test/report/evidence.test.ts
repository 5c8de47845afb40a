import { describe, expect, it } from 'vitest';
import type { Implementation } from '../../src/adapters/implementation.ts';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { checkImplementation } from '../../src/check/checkImplementation.ts';
import { mat } from '../../src/linalg/mat.ts';
import { caseSystem, gatherEvidence, pictureKind } from '../../src/report/evidence.ts';
import { FLOAT64 } from '../../theorems/types.ts';

const ref = referenceImplementation();

/** The reference with its velocity (and so its flow's field) scaled by 1.1: wrong, but smoothly so. */
function scaled(): Implementation {
  return {
    name: 'scaled', version: '1', models: ['sa', 'usa'],
    velocity: async (req) => {
      const v = await ref.velocity!(req);
      return mat(v.rows, v.cols, v.data.map((x) => 1.1 * x));
    },
    flow: async (req) => ref.flow!({ ...req, times: req.times.map((t) => 1.1 * t) }),
  };
}

describe('evidence for the HTML report\'s pictures', () => {
  it('chooses the picture by what the theorem is about: its ops, and what the case carries', () => {
    const X = [[1, 0], [0, 1]];
    const r = (c: unknown) => ({ id: 'x', failure: { counterexample: c } as never });
    expect(pictureKind(r({ X }), { needs: { ops: ['velocity'], models: [] } })).toBe('velocity');
    expect(pictureKind(r({ X }), { needs: { ops: ['velocity', 'flow'], models: [] } })).toBe('trajectory');
    expect(pictureKind(r({ X, times: [1] }), undefined)).toBe('trajectory');
    expect(pictureKind(r({ X }), { needs: { ops: ['energy'], models: [] } })).toBe('tokens');
    expect(pictureKind(r({ n: 4, seed: 1 }), { needs: { ops: ['velocity'], models: [] } })).toBe('none');
    expect(caseSystem({ X, Q: [[1, 0, 0]] })).toBeNull(); // Q of the wrong size: not a system to re-run
    expect(caseSystem({ X, beta: 2, model: 'usa', Q: null })).toMatchObject({ beta: 2, model: 'usa' });
  });

  it('re-runs a real failure on both sides: the implementation\'s velocity differs from the reference\'s', async () => {
    const report = await checkImplementation(scaled(), { only: 'M-SA,S1', runs: 10 });
    const msa = report.results.find((r) => r.id === 'M-SA')!;
    expect(msa.verdict).toBe('failed');
    const ev = await gatherEvidence(report.results, scaled(), { profile: FLOAT64 });
    expect(Object.keys(ev)).toEqual(report.results.filter((r) => r.verdict === 'failed').map((r) => r.id));
    const e = ev['M-SA'];
    expect(e.kind).toBe('velocity');
    if (e.kind !== 'velocity') return;
    expect(e.impl).not.toBeNull();
    expect(e.reference).not.toBeNull();
    const i = e.reference!.findIndex((row) => Math.hypot(...row) > 1e-6);
    expect(i).toBeGreaterThanOrEqual(0); // a case where both velocities vanish could not have failed
    e.impl![i].forEach((c, k) => expect(c).toBeCloseTo(1.1 * e.reference![i][k], 12));
  });

  it('a flow failure gets its trajectory over the case\'s horizon, with the quantities for both sides', async () => {
    const result = {
      id: 'S5', title: 't', tier: 'must' as const, kind: 'floating' as const, verdict: 'failed' as const, runs: 1, inconclusiveRuns: 0, timeMs: 1, seed: 1, profile: 'float64', implementation: 'scaled',
      failure: { message: 'm', counterexample: { model: 'sa', beta: 1, X: [[1, 0], [0, 1], [-0.6, -0.8]], Q: null, K: null, V: null, times: [0.5, 2] }, path: '', shrinks: 0, replay: '' },
    };
    const ev = await gatherEvidence([result], scaled(), { profile: FLOAT64, samples: 11 });
    const e = ev.S5;
    expect(e.kind).toBe('trajectory');
    if (e.kind !== 'trajectory') return;
    expect(e.op).toBe('flow');
    expect(e.times).toHaveLength(11);
    expect(e.times[10]).toBe(2);
    const dev = e.quantities[0];
    expect(dev.name).toContain('x_i^ref');
    expect(dev.impl![10]).toBeGreaterThan(dev.limit!.y[10]); // the 10 % faster flow is outside the tolerance
  });

  it('never throws and never waits long: a hanging or throwing side is noted, the other still drawn', async () => {
    const hanging: Implementation = { name: 'h', models: ['sa'], velocity: () => new Promise(() => undefined) };
    const throwing: Implementation = { name: 't', models: ['sa'], velocity: async () => { throw new Error('boom'); } };
    const result = {
      id: 'M-SA', title: 't', tier: 'must' as const, kind: 'exact' as const, verdict: 'failed' as const, runs: 1, inconclusiveRuns: 0, timeMs: 1, seed: 1, profile: 'float64', implementation: 'h',
      failure: { message: 'm', counterexample: { model: 'sa', beta: 1, X: [[1, 0], [0, 1]], Q: null, K: null, V: null }, path: '', shrinks: 0, replay: '' },
    };
    const started = performance.now();
    const h = (await gatherEvidence([result], hanging, { profile: FLOAT64, timeoutMs: 50 }))['M-SA'];
    expect(performance.now() - started).toBeLessThan(5000);
    expect(h).toMatchObject({ kind: 'velocity', impl: null });
    expect(h.kind === 'velocity' && h.reference).toBeTruthy();
    expect(h.kind === 'velocity' && h.note).toContain('no answer within 50 ms');
    const t = (await gatherEvidence([result], throwing, { profile: FLOAT64 }))['M-SA'];
    expect(t.kind === 'velocity' && t.note).toContain('boom');
    // Errored theorems and passes are not re-run at all.
    const errored = { ...result, verdict: 'errored' as never };
    expect(await gatherEvidence([errored, { ...result, verdict: 'passed' as const, failure: undefined }], throwing, { profile: FLOAT64 })).toEqual({});
  });
});
