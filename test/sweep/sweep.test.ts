import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { phaseTaskRef } from '../../src/figures/phaseTask.ts';
import type { PhaseArgs } from '../../src/figures/phaseTask.ts';
import { mergeRecords, readRecords } from '../../src/sweep/records.ts';
import { runSweep } from '../../src/sweep/runSweep.ts';
import { parseShard, shardCells } from '../../src/sweep/shard.ts';
import { deriveSeed } from '../../src/random/rng.ts';

const args: PhaseArgs = { n: 8, d: 2, betas: [1, 4], seeds: 3, h: 0.1, times: [0, 2, 5], delta: 1e-3, clusterDelta: 1e-4 };
const ref = phaseTaskRef(args);

describe('sweeps', () => {
  it('shards 1..3 together equal the unsharded run, record for record', async () => {
    const whole = await runSweep(ref, { seed: 5, workers: 1 });
    const parts = [];
    for (let i = 1; i <= 3; i++) parts.push(...(await runSweep(ref, { seed: 5, workers: 1, shard: { index: i, count: 3 } })).records);
    expect(parts).toHaveLength(whole.records.length);
    expect(mergeRecords(parts, whole.records.map((r) => r.id))).toEqual(whole.records);
  });

  it('each cell replays alone from deriveSeed(global seed, cell id)', async () => {
    const whole = await runSweep(ref, { seed: 5, workers: 1 });
    const r = whole.records[4];
    expect(r.seed).toBe(deriveSeed(5, r.id));
  });

  it('a worker pool (worker_threads loading the TypeScript task through tsx) gives the same records as one thread', async () => {
    const one = await runSweep(ref, { seed: 9, workers: 1 });
    const pool = await runSweep(ref, { seed: 9, workers: 2 });
    expect(pool.threads).toBe(2);
    expect(pool.records).toEqual(one.records);
  });

  it('an interrupted sweep resumes: cells already in the output (and a torn last line) are handled, nothing is recomputed twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnflow-sweep-'));
    const out = join(dir, 'cells.jsonl');
    const first = await runSweep(ref, { seed: 3, workers: 1, out, shard: { index: 1, count: 2 } });
    appendFileSync(out, '{"id":"beta=4/run=2","se'); // killed mid-write
    const second = await runSweep(ref, { seed: 3, workers: 1, out });
    expect(second.resumed).toBe(first.computed);
    expect(second.computed).toBe(6 - first.computed);
    const full = await runSweep(ref, { seed: 3, workers: 1 });
    expect(second.records).toEqual(full.records);
    // Output lines merge by concatenation: file order does not matter.
    const lines = readFileSync(out, 'utf8').split('\n').filter((l) => l.startsWith('{') && l.endsWith('}'));
    writeFileSync(join(dir, 'reversed.jsonl'), lines.reverse().join('\n') + '\n');
    expect(mergeRecords(readRecords(join(dir, 'reversed.jsonl')), full.records.map((r) => r.id))).toEqual(full.records);
  });

  it('--shard i/N parses 1-based slices and refuses malformed ones, naming the option', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(shardCells([0, 1, 2, 3, 4], { index: 2, count: 2 })).toEqual([1, 3]);
    expect(() => parseShard('0/4')).toThrow(/--shard.*1\/4/);
    expect(() => parseShard('5/4')).toThrow(/--shard/);
  });
});

describe('verify as a sweep', () => {
  it('theorem cells: shards 1/2 and 2/2 together give the verdicts of the unsharded run, in a worker pool too', async () => {
    const { theoremTaskRef } = await import('../../src/sweep/theoremTask.ts');
    const tref = theoremTaskRef({ ids: ['M-SA', 'S1', 'S2'], runs: 4 });
    const whole = await runSweep(tref, { seed: 42, workers: 1 });
    expect(whole.records.map((r) => r.id)).toEqual(['M-SA', 'S1', 'S2']);
    for (const r of whole.records) expect((r.result as { verdict: string }).verdict).toBe('passed');
    const a = await runSweep(tref, { seed: 42, workers: 1, shard: { index: 1, count: 2 } });
    const b = await runSweep(tref, { seed: 42, workers: 2, shard: { index: 2, count: 2 } });
    expect(mergeRecords([...b.records, ...a.records], whole.records.map((r) => r.id))).toEqual(whole.records);
  });
});

describe('sweep errors', () => {
  it('a cell that throws fails the sweep with an error naming the cell, in a worker and in the caller\'s thread', async () => {
    const fref = { module: new URL('./failingTask.ts', import.meta.url).href, factory: 'failingTask', args: null };
    await expect(runSweep(fref, { workers: 2 })).rejects.toThrow(/cell bad.*cell exploded/s);
    await expect(runSweep(fref, { workers: 1 })).rejects.toThrow(/cell exploded/);
    await expect(runSweep({ ...fref, factory: 'nope' }, { workers: 1 })).rejects.toThrow(/task.factory/);
  });
});
