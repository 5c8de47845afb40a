import { referenceImplementation } from '../../adapters/reference.ts';
import { JsonlReport } from '../../report/jsonl.ts';
import { formatMs, renderTable } from '../../report/table.ts';
import type { TheoremResult } from '../../../properties/runTheorem.ts';
import { runSuite, selectTheorems, summarise } from '../../../properties/runSuite.ts';
import { theorems } from '../../../theorems/index.ts';
import { FLOAT32, FLOAT64 } from '../../../theorems/types.ts';
import { AttnflowError } from '../../errors.ts';
import type { Command } from '../command.ts';
import { integerOption, parseCommandArgs } from '../command.ts';

const HELP = `attnflow verify: run the theorem suite against attnflow's reference implementation

Usage: attnflow verify [options]

Options:
  --all              also run the slow theorems (long sweeps)
  --only <globs>     comma-separated theorem ids, * as wildcard (e.g. "S*,T6.8")
  --seed <int>       suite seed (default 42); each theorem's seed is derived from it and its id
  --runs <int>       cases per theorem (default: each theorem's own)
  --path <path>      replay one fast-check case (printed by a failure's replay line)
  --profile <name>   tolerance profile: float64 (default) or float32
  --report <file>    write a JSON-lines report, one line per theorem as it finishes
  --list             list the theorems and exit
  -h, --help         this help

Exit status: 0 when every "must" theorem passed, 1 when one failed, 2 on bad options.`;

/** Formats one streamed line for a finished theorem. */
export function resultLine(r: TheoremResult): string {
  const verdict = r.verdict.toUpperCase().padEnd(12);
  const extra = r.verdict === 'skipped' ? `(${r.reason})` : `${r.runs} runs, ${formatMs(r.timeMs)}`;
  return `${verdict} ${r.id.padEnd(10)} ${r.tier.padEnd(6)} ${extra}`;
}

/** A failure's details as indented text: message, counterexample, replay command. */
export function failureText(r: TheoremResult): string {
  if (!r.failure) return '';
  const ce = JSON.stringify(r.failure.counterexample);
  return [
    `  ${r.title}`,
    `  violation: ${r.failure.message}`,
    `  counterexample (after ${r.failure.shrinks} shrinks): ${ce.length > 600 ? ce.slice(0, 600) + '...' : ce}`,
    `  replay: ${r.failure.replay}`,
  ].join('\n');
}

/** `attnflow verify`: the main job. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: "run the theorem suite against attnflow's reference implementation",
  help: HELP,
  async run(argv) {
    const { values } = parseCommandArgs('verify', argv, {
      all: { type: 'boolean' },
      only: { type: 'string' },
      seed: { type: 'string' },
      runs: { type: 'string' },
      path: { type: 'string' },
      profile: { type: 'string' },
      report: { type: 'string' },
      list: { type: 'boolean' },
    });
    const profileName = values.profile ?? 'float64';
    if (profileName !== 'float64' && profileName !== 'float32') {
      throw new AttnflowError('--profile', `unknown profile ${JSON.stringify(profileName)}`, 'use --profile float64 or --profile float32');
    }
    const selected = selectTheorems(theorems, { all: values.all, only: values.only });
    if (values.list) {
      process.stdout.write(renderTable(['id', 'tier', 'cost', 'statement'], selected.map((t) => [t.id, t.tier, t.cost, t.title])) + '\n');
      return 0;
    }
    if (values.only && selected.length === 0) {
      throw new AttnflowError('--only', `no theorem id matches ${JSON.stringify(values.only)}`, 'run "attnflow verify --list --all" to see the ids');
    }
    const seed = integerOption(values.seed, 'seed', 42, 0);
    const runs = values.runs === undefined ? undefined : integerOption(values.runs, 'runs', 1, 1);
    const report = values.report ? new JsonlReport(values.report) : null;
    const tty = process.stderr.isTTY;
    const out = process.stdout;
    out.write(`attnflow verify: ${selected.length} theorems against attnflow-reference (seed ${seed}, profile ${profileName})\n`);
    const started = performance.now();
    const results = await runSuite(theorems, referenceImplementation(), {
      all: values.all,
      only: values.only,
      seed,
      runs,
      path: values.path,
      profile: profileName === 'float32' ? FLOAT32 : FLOAT64,
      onRun: tty ? (thm, done, total) => process.stderr.write(`\r  ${thm.id}: ${done}/${total} runs\x1b[K`) : undefined,
      onResult: (r) => {
        if (tty) process.stderr.write('\r\x1b[K');
        out.write(resultLine(r) + '\n');
        if (r.failure) out.write(failureText(r) + '\n');
        report?.write(r);
      },
    });
    const s = summarise(results);
    out.write('\n' + renderTable(
      ['id', 'tier', 'kind', 'verdict', 'runs', 'time', 'statement'],
      results.map((r) => [r.id, r.tier, r.kind, r.verdict, String(r.runs), formatMs(r.timeMs), r.title.length > 70 ? r.title.slice(0, 67) + '...' : r.title]),
      [false, false, false, false, true, true, false],
    ) + '\n\n');
    out.write(`total time ${formatMs(performance.now() - started)}${report ? `; report written to ${report.path}` : ''}\n`);
    out.write(`${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.inconclusive ? `, ${s.inconclusive} inconclusive` : ''}\n`);
    return s.mustFailed ? 1 : 0;
  },
};
