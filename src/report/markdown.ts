import type { CheckReport, CheckResult } from '../check/checkImplementation.ts';
import { formatMs, runsCell } from './table.ts';
import { errorBody, failureBody } from './junit.ts';
import { summaryLine } from '../../properties/runSuite.ts';

/** A table cell: pipes escaped, newlines flattened. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

const ICON: Record<CheckResult['verdict'], string> = { passed: 'pass', failed: '**FAIL**', errored: '**ERROR**', skipped: 'skip', inconclusive: 'inconclusive' };

/**
 * The report as a Markdown summary (for a pull-request comment or a CI job summary): the verdict,
 * the profile, one table row per theorem, then each failure with its counterexample and replay line.
 */
export function renderMarkdown(report: CheckReport): string {
  const s = report.summary;
  const impl = report.implementation;
  const verdict = {
    0: 'every **must** theorem passed',
    1: 'a **must** theorem **failed**',
    3: 'no must theorem failed, but the implementation **errored**',
    4: 'no failure, but a **must** theorem is **inconclusive**',
  }[report.exitCode];
  const out: string[] = [
    `## attnflow check: ${impl.name}${impl.version ? ` ${impl.version}` : ''}`,
    '',
    `${verdict}: ${summaryLine(s)} ` +
      `(profile \`${report.profile.name}\`: eps ${report.profile.eps.toExponential(3)}, flow rtol ${report.profile.flowRtol}; seed ${report.seed}; ${formatMs(report.timeMs)}).`,
    '',
  ];
  if (impl.command) out.push(`Command: \`${impl.command}\``, '');
  out.push('| theorem | tier | verdict | runs | time | statement |', '|---|---|---|---:|---:|---|');
  for (const r of report.results) {
    const v = r.verdict === 'skipped' || r.verdict === 'inconclusive' || r.verdict === 'errored' ? `${ICON[r.verdict]} (${r.reason ?? ''})` : ICON[r.verdict];
    out.push(`| ${cell(r.id)} | ${r.tier} | ${cell(v)} | ${runsCell(r)} | ${formatMs(r.timeMs)} | ${cell(r.title)} |`);
  }
  const failed = report.results.filter((r) => r.verdict === 'failed');
  if (failed.length) {
    out.push('', '### Failures');
    for (const r of failed) out.push('', `#### ${r.id} (${r.tier})`, '', '```', failureBody(r), '```');
  }
  const errored = report.results.filter((r) => r.verdict === 'errored');
  if (errored.length) {
    out.push('', '### Errors (no answer: crash, hang or protocol violation)');
    for (const r of errored) out.push('', `#### ${r.id} (${r.tier})`, '', '```', errorBody(r), '```');
  }
  const incidents = report.incidents.filter((i) => i.kind !== 'restart');
  if (incidents.length) {
    out.push('', `### Transport incidents (${incidents.length}; the process was started ${report.starts ?? 1} times)`, '');
    for (const i of incidents) out.push(`- ${i.kind}${i.seq !== undefined ? ` (seq ${i.seq})` : ''}: ${cell(i.message)}`);
  }
  return out.join('\n') + '\n';
}
