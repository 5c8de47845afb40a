import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replacer } from '../report/jsonl.ts';
import type { Conjecture } from './conjecture.ts';
import type { ExploreResult } from './explore.ts';
import { counterexamplePicture } from './picture.ts';

/** Files written for a counterexample. */
export interface WrittenCounterexample {
  readonly json: string;
  readonly svg: string;
  readonly replay: string;
}

/** The command that replays exactly this counterexample (fast-check seed and shrink path). */
export function replayCommand(target: string, r: ExploreResult<unknown>): string {
  return `attnflow explore ${target} --seed ${r.seed} --replay ${r.path ?? ''}`;
}

/**
 * Writes `<dir>/<id>.counterexample.json` (the hypothesis, the reason, the search statistics and the
 * replay line) and `<dir>/<id>.counterexample.svg`.
 */
export function writeCounterexample<H>(dir: string, target: string, c: Conjecture<H>, r: ExploreResult<H>): WrittenCounterexample {
  mkdirSync(dir, { recursive: true });
  const replay = replayCommand(target, r as ExploreResult<unknown>);
  const json = join(dir, `${c.id}.counterexample.json`), svg = join(dir, `${c.id}.counterexample.svg`);
  const record = {
    conjecture: c.id, statement: c.statement, source: c.source, reason: r.reason, hypothesis: r.counterexample,
    search: { runs: r.runs, skipped: r.skipped, shrinks: r.shrinks, elapsedMs: r.elapsedMs, seed: r.seed, path: r.path },
    replay,
  };
  writeFileSync(json, JSON.stringify(record, replacer, 2) + '\n');
  writeFileSync(svg, counterexamplePicture(c, r));
  return { json, svg, replay };
}
