import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only JSON-lines report: each record is written (and flushed by the OS write) the moment
 * it is known, so an interrupted run keeps everything already computed, and shards merge by
 * concatenation.
 */
export class JsonlReport {
  readonly path: string;
  /** Creates (truncates) the file unless `append` is set. */
  constructor(path: string, append = false) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    if (!append) writeFileSync(path, '');
  }
  /** Appends one record as one line. */
  write(record: unknown): void {
    appendFileSync(this.path, JSON.stringify(record, replacer) + '\n');
  }
}

/** JSON replacer that keeps non-finite numbers readable ("NaN", "Infinity") as PROTOCOL.md does. */
export function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Float64Array) return Array.from(value);
  return value;
}
