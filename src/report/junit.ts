import type { CheckReport, CheckResult } from '../check/checkImplementation.ts';
import { escapeXml } from '../plot/svg.ts';
import { replacer } from './jsonl.ts';

/** XML text with the five special characters escaped, and characters XML 1.0 forbids dropped. */
export function xmlEscape(s: string): string {
  // eslint-disable-next-line no-control-regex
  return escapeXml(s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, ''));
}

/** The body of an errored theorem: what happened, on which case, the replay line, stderr. */
export function errorBody(r: CheckResult): string {
  const e = r.error;
  if (!e) return '';
  const lines = [
    `${r.id}: ${r.title}`,
    `errored (${e.kind}${e.count > 1 ? `, ${e.count} runs` : ''}): ${e.message}`,
    `the case whose request triggered it (not a counterexample: nothing was answered): ${JSON.stringify(e.case, replacer)}`,
    `replay: ${e.replay}`,
  ];
  if (r.stderr?.length) lines.push('stderr (last lines):', ...r.stderr.map((l) => '  | ' + l));
  return lines.join('\n');
}

/** The failure body of one theorem: violation, sizes, counterexample, replay, stderr (or {@link errorBody} when it errored). */
export function failureBody(r: CheckResult): string {
  const f = r.failure;
  if (!f) return errorBody(r);
  const lines = [`${r.id}: ${r.title}`, `violation: ${f.message}`];
  if (f.details) {
    lines.push(`quantity: ${f.details.quantity} = ${f.details.measured} (tolerance ${f.details.tolerance})`);
    if (f.details.expected !== undefined) lines.push(`theory requires: ${JSON.stringify(f.details.expected, replacer)}`);
    if (f.details.actual !== undefined) lines.push(`implementation returned: ${JSON.stringify(f.details.actual, replacer)}`);
  }
  lines.push(`counterexample (after ${f.shrinks} shrinks): ${JSON.stringify(f.counterexample, replacer)}`);
  lines.push(`replay: ${f.replay}`);
  for (const i of r.incidents ?? []) lines.push(`incident ${i.kind}: ${i.message}`);
  if (r.stderr?.length) lines.push('stderr (last lines):', ...r.stderr.map((l) => '  | ' + l));
  return lines.join('\n');
}

/**
 * The report as JUnit XML (one testsuite, one testcase per theorem; skipped theorems carry their
 * reason, failed ones the violation and replay line), for CI systems that display test results.
 */
export function renderJunit(report: CheckReport): string {
  const s = report.summary;
  const name = `attnflow check: ${report.implementation.name}`;
  const cases = report.results.map((r) => {
    const attrs = `classname="attnflow.${xmlEscape(r.tier)}" name="${xmlEscape(`${r.id}: ${r.title}`)}" time="${(r.timeMs / 1000).toFixed(3)}"`;
    if (r.verdict === 'skipped') return `    <testcase ${attrs}>\n      <skipped message="${xmlEscape(r.reason ?? 'skipped')}"/>\n    </testcase>`;
    if (r.verdict === 'failed') {
      return `    <testcase ${attrs}>\n      <failure message="${xmlEscape(r.failure?.message.split('\n')[0] ?? 'failed')}" type="${xmlEscape(r.tier)}">${xmlEscape(failureBody(r))}</failure>\n    </testcase>`;
    }
    if (r.verdict === 'errored') {
      return `    <testcase ${attrs}>\n      <error message="${xmlEscape(r.error?.message.split('\n')[0] ?? 'errored')}" type="${xmlEscape(r.error?.kind ?? 'error')}">${xmlEscape(errorBody(r))}</error>\n    </testcase>`;
    }
    const note = r.verdict === 'inconclusive' ? `\n      <system-out>inconclusive: ${xmlEscape(r.reason ?? 'no run decided')}</system-out>` : '';
    return `    <testcase ${attrs}>${note}${note ? '\n    ' : ''}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="attnflow" tests="${report.results.length}" failures="${s.failed}" errors="${s.errored}" skipped="${s.skipped}" time="${(report.timeMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${xmlEscape(name)}" tests="${report.results.length}" failures="${s.failed}" skipped="${s.skipped}" errors="${s.errored}" time="${(report.timeMs / 1000).toFixed(3)}">`,
    `    <properties>`,
    `      <property name="profile" value="${xmlEscape(report.profile.name)}"/>`,
    `      <property name="eps" value="${report.profile.eps}"/>`,
    `      <property name="flowRtol" value="${report.profile.flowRtol}"/>`,
    `      <property name="seed" value="${report.seed}"/>`,
    ...(report.implementation.command ? [`      <property name="command" value="${xmlEscape(report.implementation.command)}"/>`] : []),
    `    </properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
