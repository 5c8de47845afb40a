import { existsSync, readFileSync, truncateSync } from 'node:fs';
import { AttnflowError } from '../errors.ts';
import type { SweepRecord } from './types.ts';

/**
 * Reads the records of a JSON-lines sweep output. A torn last line (the process was killed while
 * writing it) is dropped, so a resumed sweep simply reruns that cell; any other bad line is an error.
 */
export function readRecords(path: string): SweepRecord[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: SweepRecord[] = [];
  lines.forEach((line, k) => {
    if (line.trim() === '') return;
    try {
      const r = JSON.parse(line) as SweepRecord;
      if (typeof r.id !== 'string') throw new Error('no id');
      out.push(r);
    } catch (e) {
      const last = lines.slice(k + 1).every((l) => l.trim() === '');
      if (last) return;
      throw new AttnflowError(`${path}:${k + 1}`, `is not a sweep record (${(e as Error).message})`, 'delete the line or the file and rerun the sweep');
    }
  });
  return out;
}

/**
 * Merges records of several shards (files concatenated, in any order): one record per id (the first
 * seen), in the order of `ids` when given (ids without a record are left out), else sorted by id.
 */
export function mergeRecords<R>(records: readonly SweepRecord<R>[], ids?: readonly string[]): SweepRecord<R>[] {
  const byId = new Map<string, SweepRecord<R>>();
  for (const r of records) if (!byId.has(r.id)) byId.set(r.id, r);
  if (ids) return ids.flatMap((id) => (byId.has(id) ? [byId.get(id) as SweepRecord<R>] : []));
  return [...byId.keys()].sort().map((id) => byId.get(id) as SweepRecord<R>);
}

/**
 * Cuts a torn last line (no final newline: the writer was killed mid-line) off a JSON-lines file, so
 * records appended on resume start on a line of their own.
 */
export function repairTail(path: string): void {
  if (!existsSync(path)) return;
  const buf = readFileSync(path);
  if (buf.length === 0 || buf[buf.length - 1] === 0x0a) return;
  truncateSync(path, buf.lastIndexOf(0x0a) + 1);
}
