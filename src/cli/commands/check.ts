import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ImplementationError } from '../../adapters/implementation.ts';
import { stderrSuffix } from '../../adapters/protocolClient.ts';
import { subprocessImplementation } from '../../adapters/subprocess.ts';
import type { CheckResult } from '../../check/checkImplementation.ts';
import { checkImplementation } from '../../check/checkImplementation.ts';
import { AttnflowError } from '../../errors.ts';
import { failureBody, renderJunit } from '../../report/junit.ts';
import { JsonlReport } from '../../report/jsonl.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import type { Evidence } from '../../report/evidence.ts';
import { gatherEvidence } from '../../report/evidence.ts';
import { budgetText, renderHtmlReport, writeHtmlFile } from '../../report/html.ts';
import { formatMs, renderTable, runsCell } from '../../report/table.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs, positiveOption } from '../command.ts';
import { parseSuiteOptions, SUITE_HELP, SUITE_OPTIONS } from '../suiteOptions.ts';
import { exitMeaning, summaryLine } from '../../../properties/runSuite.ts';
import { resultLine } from './verify.ts';

const HELP = `attnflow check: run the theorem suite against another implementation

Usage: attnflow check --impl "<command>" [options]

The command is started with the shell and spoken to with the protocol of PROTOCOL.md (JSON lines on
stdin/stdout). Its handshake decides which theorems run; the others are reported as skipped.

Options:
  --impl <command>   the implementation, e.g. "python3 examples/python/attnflow_impl.py" (required)
${SUITE_HELP}
  --budget <s>       seconds for the whole run (default 300). Theorems run cheapest and most decisive
                     first (velocity, energy and layer identities, then short flows, then long ones);
                     each gets a share of what is left and reports how many runs it got
  --timeout <s>      seconds to wait for one answer before the process counts as hung (default 30;
                     a batch line gets twice that)
  --fail-fast        stop at the first failed must theorem (the rest are reported as skipped)
  --no-batch         do not use the batch extension even if the handshake announces it
  --junit <file>     JUnit XML report
  --markdown <file>  Markdown summary
  --html <file>      one self-contained HTML page: every theorem, each failure with a picture
  -h, --help         this help

Verdicts: passed; failed (the implementation answered, in time, something that violates the theorem
on the printed case, a NaN where the exact answer is finite included); errored (a crash, a hang, a
line that is not JSON, a wrong seq or shape, an error answer: never a counterexample); inconclusive
(the budget ran out, or the theory cannot decide the case); skipped (an op or model is missing).

Exit status:
  0  every must theorem passed (should/may failures are reported but do not change it)
  1  a must theorem failed
  2  the implementation could not be checked (bad options, the command does not start, the
     handshake failed)
  3  no must theorem failed, but some theorem errored
  4  no failure and no error, but a must theorem stayed inconclusive (raise --budget)`;

/** A string as one POSIX shell word. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function indent(text: string, prefix = '  '): string {
  return text.split('\n').map((l) => prefix + l).join('\n');
}

function clipped(text: string, max = 4000): string {
  return text.length > max ? text.slice(0, max) + `... (${text.length - max} more characters in the JSON-lines report)` : text;
}

/** `attnflow check`: validates an implementation in any language through the protocol. */
export const checkCommand: Command = {
  name: 'check',
  summary: 'run the theorem suite against another implementation (any language, via the protocol)',
  help: HELP,
  async run(argv) {
    const { values } = parseCommandArgs('check', argv, {
      ...SUITE_OPTIONS,
      impl: { type: 'string' },
      timeout: { type: 'string' },
      budget: { type: 'string' },
      'fail-fast': { type: 'boolean' },
      'no-batch': { type: 'boolean' },
      junit: { type: 'string' },
      markdown: { type: 'string' },
      html: { type: 'string' },
    });
    const { selected, seed, runs, profile } = parseSuiteOptions('check', values);
    if (values.list) {
      process.stdout.write(renderTable(['id', 'tier', 'needs', 'statement'], selected.map((t) => [t.id, t.tier, t.needs.ops.join(','), t.title])) + '\n');
      return 0;
    }
    if (!values.impl || values.impl.trim() === '') {
      throw new AttnflowError('--impl', 'is missing', 'pass the command that starts the implementation, e.g. --impl "python3 my_impl.py"');
    }
    const timeout = positiveOption(values.timeout, 'timeout', 30);
    const budget = positiveOption(values.budget, 'budget', 300);
    const out = process.stdout;
    const tty = process.stderr.isTTY === true;

    let impl;
    try {
      impl = await subprocessImplementation(values.impl, { timeoutSeconds: timeout, batch: !values['no-batch'] });
    } catch (e) {
      if (e instanceof ImplementationError) {
        process.stderr.write(`attnflow check: the implementation could not be checked: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    const profileFlags = profile.name === 'float64' ? '' : profile.name === 'float32' ? ' --profile float32' : ` --profile custom --eps ${profile.eps} --flow-rtol ${profile.flowRtol}`;
    const replayPrefix = `attnflow check --impl ${shellQuote(values.impl)}${profileFlags}${timeout !== 30 ? ` --timeout ${timeout}` : ''}`;
    const hs = impl.handshake;
    out.write(
      `attnflow check: ${selected.length} theorems against ${hs.implementation.name}${hs.implementation.version ? ` ${hs.implementation.version}` : ''}` +
        `${hs.implementation.language ? ` (${hs.implementation.language})` : ''}; ops ${hs.supports.ops.join(', ')}; models ${hs.supports.models.join(', ')}` +
        `${impl.client.batching ? '; batch' : ''}\n  seed ${seed}, profile ${profile.name} (eps ${profile.eps.toExponential(3)}, flow rtol ${profile.flowRtol}), ` +
        `budget ${budget} s, timeout ${timeout} s per answer\n`,
    );
    const jsonl = values.report ? new JsonlReport(values.report) : undefined;
    let report;
    let evidence: Record<string, Evidence> | undefined;
    try {
      report = await checkImplementation(impl, {
        all: values.all,
        only: values.only,
        seed,
        runs,
        profile,
        path: values.path,
        replayPrefix,
        report: jsonl,
        budgetSeconds: budget,
        // From the process start, less 5% (at most 15 s) for the answers in flight and the report: the run ends within --budget.
        budgetFrom: 0,
        budgetReserveSeconds: Math.min(15, 0.05 * budget),
        failFast: values['fail-fast'],
        onStart: tty ? (thm, k, total) => process.stderr.write(`\r  [${k + 1}/${total}] ${thm.id}: starting\x1b[K`) : undefined,
        onRun: tty ? (thm, done, total) => process.stderr.write(`\r  ${thm.id}: ${done}/${total} runs\x1b[K`) : undefined,
        onResult: (r: CheckResult) => {
          if (tty) process.stderr.write('\r\x1b[K');
          out.write(resultLine(r) + '\n');
          if (r.failure || r.error) out.write(clipped(indent(failureBody(r), '    ')) + '\n');
          else if (r.incidents?.some((i) => i.kind !== 'restart')) out.write(indent(r.incidents.map((i) => `${i.kind}: ${i.message}`).join('\n'), '    ') + '\n');
        },
      });
      // The pictures re-ask the implementation while its process is still open (never changes a verdict).
      if (values.html) evidence = await gatherEvidence(report.results, impl, { profile }).catch(() => undefined);
    } finally {
      await impl.close();
    }
    const s = report.summary;
    out.write('\n' + renderTable(
      ['id', 'tier', 'verdict', 'runs', 'time', 'statement'],
      report.results.map((r) => [r.id, r.tier, r.verdict === 'skipped' ? `skipped (${r.reason})` : r.verdict, runsCell(r), formatMs(r.timeMs), r.title.length > 60 ? r.title.slice(0, 57) + '...' : r.title]),
      [false, false, false, true, true, false],
    ) + '\n\n');
    // Health check (after Hypothesis): a pass on a third of the cases is weaker than it looks.
    const thin = report.results.filter((r) => r.verdict === 'passed' && r.requestedRuns !== undefined && r.runs * 3 < r.requestedRuns);
    if (thin.length) {
      out.write(`${thin.length} theorems passed on fewer than a third of their cases within the budget (${thin.map((r) => `${r.id} ${runsCell(r)}`).join(', ')}); ` +
        `a larger --budget checks more.\n`);
    }
    const crashes = report.incidents.filter((i) => i.kind !== 'restart');
    if (crashes.length) {
      out.write(`${crashes.length} transport incidents; the implementation was started ${report.starts} times.${stderrSuffix(impl.client.stderr())}\n`);
    }
    for (const [file, text] of [[values.junit, () => renderJunit(report)], [values.markdown, () => renderMarkdown(report)]] as const) {
      if (!file) continue;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text());
    }
    if (values.html) {
      writeHtmlFile(values.html, renderHtmlReport({ ...report, command: 'check', evidence, budget: budgetText({ runs, budget: `${budget} s for the run`, timeoutSeconds: timeout }), generatedAt: new Date().toISOString() }));
    }
    const written = [jsonl?.path, values.junit, values.markdown, values.html].filter(Boolean);
    const busy = report.implementationMs ?? 0;
    out.write(`total time ${formatMs(report.timeMs)} (the implementation answering ${formatMs(busy)}, ${report.timeMs > 0 ? Math.round((100 * busy) / report.timeMs) : 0}%); ` +
      `${impl.client.stats.requests} requests${impl.client.stats.batches ? ` (${impl.client.stats.batches} batch lines)` : ''}` +
      `${written.length ? `; reports written to ${written.join(', ')}` : ''}\n`);
    out.write(`${summaryLine(s)}; profile ${profile.name}: ${exitMeaning(report.exitCode)} (exit ${report.exitCode})\n`);
    return report.exitCode;
  },
};
