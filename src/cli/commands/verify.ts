import { referenceImplementation } from '../../adapters/reference.ts';
import { JsonlReport } from '../../report/jsonl.ts';
import { gatherEvidence } from '../../report/evidence.ts';
import { budgetText, renderHtmlReport, writeHtmlFile } from '../../report/html.ts';
import { formatMs, renderTable, runsCell } from '../../report/table.ts';
import type { TheoremResult } from '../../../properties/runTheorem.ts';
import { exitStatus, runSuite, summarise, summaryLine } from '../../../properties/runSuite.ts';
import { theorems } from '../../../theorems/index.ts';
import { AttnflowError } from '../../errors.ts';
import { parseShard } from '../../sweep/shard.ts';
import { runSweep } from '../../sweep/runSweep.ts';
import type { TheoremCellResult } from '../../sweep/theoremTask.ts';
import { theoremTaskRef } from '../../sweep/theoremTask.ts';
import type { Command } from '../command.ts';
import { integerOption, parseCommandArgs } from '../command.ts';
import { parseSuiteOptions, SUITE_HELP, SUITE_OPTIONS } from '../suiteOptions.ts';

const HELP = `attnflow verify: run the theorem suite against attnflow's reference implementation

Usage: attnflow verify [options]

Options:
${SUITE_HELP}
  --shard <i/N>      run slice i of N of the selected theorems (sweep mode: one JSON line per
                     theorem cell; with --report the file is appended to and an interrupted run
                     resumes; concatenated shard reports equal the unsharded run)
  --workers <k>      sweep mode with k worker threads (default: every core when --shard is given)
  --html <file>      one self-contained HTML page: every theorem, each failure with a picture
  -h, --help         this help

Exit status: 0 when every "must" theorem passed, 1 when one failed, 2 on bad options, 3 when a
theorem errored (the engine threw), 4 when a must theorem stayed inconclusive.`;

/** Formats one streamed line for a finished theorem. */
export function resultLine(r: TheoremResult): string {
  const verdict = r.verdict.toUpperCase().padEnd(12);
  const why = r.verdict === 'errored' || r.verdict === 'inconclusive' ? (r.reason ? ` (${r.reason})` : '') : '';
  const extra = r.verdict === 'skipped' ? `(${r.reason})` : `${runsCell(r)} runs, ${formatMs(r.timeMs)}${why}`;
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
    const { values } = parseCommandArgs('verify', argv, { ...SUITE_OPTIONS, shard: { type: 'string' }, workers: { type: 'string' }, html: { type: 'string' } });
    const { selected, seed, runs, profile } = parseSuiteOptions('verify', values);
    if (values.list) {
      process.stdout.write(renderTable(['id', 'tier', 'cost', 'statement'], selected.map((t) => [t.id, t.tier, t.cost, t.title])) + '\n');
      return 0;
    }
    if (values.shard !== undefined || values.workers !== undefined) {
      return runSharded({ all: values.all, only: values.only, seed, runs, shard: values.shard, workers: values.workers, report: values.report });
    }
    const report = values.report ? new JsonlReport(values.report) : null;
    const tty = process.stderr.isTTY;
    const out = process.stdout;
    out.write(`attnflow verify: ${selected.length} theorems against attnflow-reference (seed ${seed}, profile ${profile.name})\n`);
    const started = performance.now();
    const results = await runSuite(theorems, referenceImplementation(), {
      all: values.all,
      only: values.only,
      seed,
      runs,
      path: values.path,
      profile,
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
      results.map((r) => [r.id, r.tier, r.kind, r.verdict, runsCell(r), formatMs(r.timeMs), r.title.length > 70 ? r.title.slice(0, 67) + '...' : r.title]),
      [false, false, false, false, true, true, false],
    ) + '\n\n');
    if (values.html) {
      const reference = referenceImplementation();
      const evidence = await gatherEvidence(results, reference, { profile, reference }).catch(() => undefined);
      writeHtmlFile(values.html, renderHtmlReport({ command: 'verify', implementation: { name: reference.name, version: reference.version }, profile, seed, results, evidence,
        budget: budgetText({ runs }), timeMs: performance.now() - started, generatedAt: new Date().toISOString() }));
    }
    out.write(`total time ${formatMs(performance.now() - started)}${report ? `; report written to ${report.path}` : ''}${values.html ? `; HTML report ${values.html}` : ''}\n`);
    out.write(`${summaryLine(s)}\n`);
    return exitStatus(s);
  },
};

/**
 * `verify --shard i/N [--workers k]`: the suite as a sweep with one cell per theorem (src/sweep), so
 * slices run on different machines and their JSON-lines reports merge by concatenation.
 */
async function runSharded(o: { all?: boolean; only?: string; seed: number; runs?: number; shard?: string; workers?: string; report?: string }): Promise<number> {
  const shard = o.shard === undefined ? undefined : parseShard(o.shard);
  const workers = o.workers === undefined ? undefined : integerOption(o.workers, 'workers', 1, 1);
  const out = process.stdout;
  const started = performance.now();
  out.write(`attnflow verify (sweep${shard ? `, shard ${o.shard}` : ''}): seed ${o.seed}${o.report ? `, report ${o.report}` : ''}\n`);
  const outcome = await runSweep<{ id: string }, TheoremCellResult>(theoremTaskRef({ all: o.all, only: o.only, suiteSeed: o.seed, runs: o.runs }), {
    seed: o.seed,
    shard,
    workers,
    out: o.report,
    onProgress: process.stderr.isTTY ? (done, total) => process.stderr.write(`\r  ${done}/${total} theorems\x1b[K`) : undefined,
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const rows = outcome.records.map((r) => {
    const thm = theorems.find((t) => t.id === r.id);
    return { ...r.result, tier: thm?.tier ?? 'must', title: thm?.title ?? '' };
  });
  for (const r of rows) {
    out.write(`${r.verdict.toUpperCase().padEnd(12)} ${r.id.padEnd(10)} ${r.tier.padEnd(6)} ${r.runs} runs\n`);
    if (r.failure) out.write(`  violation: ${r.failure}\n  replay: ${r.replay}\n`);
  }
  const count = (v: string) => rows.filter((r) => r.verdict === v).length;
  out.write(`\n${outcome.computed} computed, ${outcome.resumed} resumed from the report, ${outcome.threads} thread(s), ${formatMs(performance.now() - started)}\n`);
  out.write(`${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped${count('inconclusive') ? `, ${count('inconclusive')} inconclusive` : ''}\n`);
  return rows.some((r) => r.verdict === 'failed' && r.tier === 'must') ? 1 : 0;
}
