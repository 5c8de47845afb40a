import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AttnflowError } from '../../errors.ts';
import { BUILTIN_CONJECTURES, builtinUrl } from '../../explore/builtins.ts';
import type { Conjecture } from '../../explore/conjecture.ts';
import { explore, parseBudget, validateConjecture } from '../../explore/explore.ts';
import { writeCounterexample } from '../../explore/writeResult.ts';
import { renderTable } from '../../report/table.ts';
import type { Command } from '../command.ts';
import { integerOption, parseCommandArgs } from '../command.ts';

const HELP = `attnflow explore <conjecture.ts | built-in id> [options]

Searches for a counterexample to a conjecture with fast-check, shrinks it, and writes it as JSON with
its picture (SVG) and a replay command. When nothing is found it says how much it searched.

A conjecture is a TypeScript module whose default export (or export "conjecture") is
  defineConjecture({ id, statement, hypotheses: fc.Arbitrary<H>, simulate?(h), predicate(h, trajectory) })
(src/explore/conjecture.ts); predicate returns true, or false / a reason string for a counterexample.

Built-in conjectures (THEORY.md §4): ${Object.keys(BUILTIN_CONJECTURES).join(', ')}

Options:
  --budget <time>   search and shrink budget, e.g. 30s, 5m (default 1m)
  --seed <int>      fast-check seed (default 42)
  --runs <int>      stop after this many hypotheses even within the budget
  --out <dir>       where counterexamples go (default explore)
  --replay <path>   re-run only the counterexample at this fast-check path (with its --seed)
  --list            list the built-in conjectures

Exit status: 0 nothing found, 1 counterexample found, 2 bad input.
`;

/** Loads a conjecture from a file path or a built-in id. */
export async function loadConjecture(target: string): Promise<Conjecture> {
  const url = existsSync(target) ? pathToFileURL(resolve(target)).href : builtinUrl(target);
  if (!url) {
    throw new AttnflowError('conjecture', `${JSON.stringify(target)} is neither a file nor a built-in conjecture`, `pass a .ts file or one of ${Object.keys(BUILTIN_CONJECTURES).join(', ')}`);
  }
  const mod = (await import(url)) as { default?: unknown; conjecture?: unknown };
  const c = mod.default ?? mod.conjecture;
  validateConjecture(c);
  return c;
}

/** `attnflow explore`: counterexample search for conjectures about the dynamics. */
export const exploreCommand: Command = {
  name: 'explore',
  summary: 'search for counterexamples to a conjecture (fast-check), shrink and picture them',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('explore', argv, {
      budget: { type: 'string' }, seed: { type: 'string' }, runs: { type: 'string' }, out: { type: 'string' },
      replay: { type: 'string' }, list: { type: 'boolean' },
    }, true);
    if (values.list) {
      const rows: string[][] = [];
      for (const id of Object.keys(BUILTIN_CONJECTURES)) rows.push([id, (await loadConjecture(id)).statement]);
      process.stdout.write(renderTable(['id', 'statement'], rows) + '\n');
      return 0;
    }
    if (positionals.length !== 1) {
      throw new AttnflowError('conjecture', `expected one conjecture, got ${positionals.length}`, 'run "attnflow explore my-conjecture.ts --budget 5m" or "attnflow explore --list"');
    }
    const target = positionals[0];
    const c = await loadConjecture(target);
    const budgetMs = parseBudget(values.budget ?? '1m');
    const seed = integerOption(values.seed, 'seed', 42, 0);
    const maxRuns = values.runs === undefined ? undefined : integerOption(values.runs, 'runs', 1);
    process.stdout.write(`explore ${c.id}: ${c.statement}\n  budget ${budgetMs / 1000} s, seed ${seed}${values.replay ? `, replaying path ${values.replay}` : ''}\n`);
    const r = explore(c, { budgetMs, seed, maxRuns, path: values.replay });
    const searched = `${r.runs} hypotheses tried, ${r.skipped} discarded by preconditions, ${(r.elapsedMs / 1000).toFixed(1)} s`;
    if (!r.found) {
      process.stdout.write(`no counterexample: ${searched}${r.interrupted ? ' (budget spent)' : ''}\n`);
      return 0;
    }
    const files = writeCounterexample(values.out ?? 'explore', target, c, r);
    process.stdout.write(`COUNTEREXAMPLE after ${searched}, ${r.shrinks} shrink steps\n  ${r.reason}\n  hypothesis: ${JSON.stringify(r.counterexample)}\n  wrote ${files.json}, ${files.svg}\n  replay: ${files.replay}\n`);
    return 1;
  },
};
