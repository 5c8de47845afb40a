import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RegressReport } from '../regress/compare.ts';
import { escapeXml } from '../plot/svg.ts';
import type { ToleranceProfile } from '../../theorems/types.ts';
import type { Evidence } from './evidence.ts';
import { caseTokens, pictureKind } from './evidence.ts';
import { replacer } from './jsonl.ts';
import { erroredPicture, errorKind, whatHappened } from './pictures/errored.ts';
import { gaugePicture } from './pictures/gauge.ts';
import { regressPicture } from './pictures/regress.ts';
import { tokensPicture } from './pictures/tokens.ts';
import { trajectoryPicture } from './pictures/trajectory.ts';
import { velocityPicture } from './pictures/velocity.ts';
import { formatMs } from './table.ts';

/** Verdicts in the order the page lists them; any other verdict string follows, shown as it is. */
export const VERDICT_ORDER: readonly string[] = ['passed', 'failed', 'errored', 'inconclusive', 'skipped'];

/** One theorem's result as the page reads it (a CheckResult or a TheoremResult; verdict any string). */
export interface HtmlResult {
  readonly id: string;
  readonly title: string;
  readonly tier: string;
  readonly verdict: string;
  readonly runs: number;
  readonly timeMs: number;
  readonly reason?: string;
  readonly failure?: {
    readonly message: string;
    readonly counterexample: unknown;
    readonly details?: { readonly quantity: string; readonly measured: number; readonly tolerance: number; readonly expected?: unknown; readonly actual?: unknown };
    readonly shrinks: number;
    readonly replay: string;
  };
  readonly incidents?: readonly { readonly kind: string; readonly message: string; readonly seq?: number; readonly stderr?: readonly string[] }[];
  readonly stderr?: readonly string[];
  /** Cases asked for (the theorem's default, --runs, or what a budget allowed). */
  readonly requestedRuns?: number;
  /** For `errored`: the first incident, the case whose request triggered it, its replay line. */
  readonly error?: { readonly kind: string; readonly message: string; readonly case?: unknown; readonly replay?: string; readonly count?: number };
}

/** Everything {@link renderHtmlReport} shows. */
export interface HtmlReportInput {
  /** `check` or `verify` (the heading). */
  readonly command: string;
  readonly implementation: { readonly name: string; readonly version?: string; readonly command?: string };
  readonly profile: ToleranceProfile;
  readonly seed: number;
  /** How much each theorem was allowed (runs, time budget), in words. */
  readonly budget?: string;
  readonly timeMs: number;
  readonly results: readonly HtmlResult[];
  /** Re-runs of the failures for their pictures (src/report/evidence.ts), by theorem id. */
  readonly evidence?: Readonly<Record<string, Evidence>>;
  /** When the run happened (ISO time), shown in the header; omit for a byte-stable page. */
  readonly generatedAt?: string;
  /** Transport incidents of the whole session and process starts (check only). */
  readonly incidents?: readonly { readonly kind: string; readonly message: string; readonly seq?: number }[];
  readonly starts?: number;
}

const esc = escapeXml;

/** Verdicts present, in {@link VERDICT_ORDER} then first appearance. */
export function verdictsOf(results: readonly { verdict: string }[]): string[] {
  const seen = [...new Set(results.map((r) => r.verdict))];
  return [...VERDICT_ORDER.filter((v) => seen.includes(v)), ...seen.filter((v) => !VERDICT_ORDER.includes(v))];
}

/** A verdict as a token for ids and CSS (letters, digits, dashes), distinct per verdict string. */
function verdictToken(v: string, known: readonly string[] = VERDICT_ORDER): string {
  const base = v.toLowerCase().replace(/[^a-z0-9-]/g, '-') || 'none';
  return known.includes(v) ? base : `${base}-${[...v].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7).toString(36)}`;
}

/** The statuses of `regress compare` (src/regress/compare.ts), in the order its page lists them. */
const REGRESS_STATUSES: readonly string[] = ['moved', 'inputs-changed', 'passed', 'skipped', 'new', 'missing'];

/** Results that get a section of their own: failures, errors, and any verdict not known to pass or skip. */
function needsSection(r: HtmlResult): boolean {
  return r.verdict === 'failed' || r.verdict === 'errored' || (!VERDICT_ORDER.includes(r.verdict) && r.failure !== undefined);
}

function isErrored(r: HtmlResult): boolean {
  if (r.verdict === 'errored' || r.error) return true;
  // Before the errored verdict existed a transport failure was reported as failed with no violation.
  return r.verdict === 'failed' && !r.failure?.details && ((r.incidents ?? []).some((i) => i.kind !== 'restart') || /^implementation [\w-]+:/.test(r.failure?.message ?? ''));
}

/** Compact JSON: one key per line at the top level, each value on one line. */
export function caseJson(value: unknown, max = 20_000): string {
  let s: string;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v, replacer)}`);
    s = `{\n${entries.join(',\n')}\n}`;
  } else s = JSON.stringify(value, replacer) ?? String(value);
  return s.length > max ? s.slice(0, max) + `\n... (${s.length - max} more characters in the JSON-lines report)` : s;
}

function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? String(Number(x.toPrecision(6))) : x.toExponential(3);
}

const CSS = `
:root{--fg:#1d2128;--muted:#5b6470;--line:#d9dde3;--bg:#fff;--pass:#1b7837;--fail:#b2182b;--err:#a65c00;--inc:#6a51a3;--skip:#6b7280}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:#f4f6f8}
main{max-width:1320px;margin:0 auto;padding:18px 22px 40px}h1{font-size:22px;margin:4px 0 6px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:0 0 6px}code,pre{font:12.5px/1.4 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
.banner{padding:10px 14px;border-radius:8px;font-weight:600;font-size:16px;margin:8px 0 12px}.banner.bad{background:#fbe3e1;color:var(--fail);border:1px solid #f0b8b3}.banner.good{background:#dff3e4;color:var(--pass);border:1px solid #b6e0c1}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0 0 8px;background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px}dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;word-break:break-word}
.counts{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0}.count{background:#fff;border:1px solid var(--line);border-radius:8px;padding:6px 12px}.count b{font-size:18px;margin-right:4px}
.filters{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:8px 0}.filters input{position:absolute;opacity:0;pointer-events:none}
.filters label{cursor:pointer;border:1px solid var(--line);background:#fff;border-radius:999px;padding:3px 12px;user-select:none}.filters input:checked+label{background:var(--fg);color:#fff;border-color:var(--fg)}.filters input:focus-visible+label{outline:2px solid #0072B2}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:8px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}th{background:#f0f2f5;font-weight:600}
td.num,th.num{text-align:right;white-space:nowrap}td.id{white-space:nowrap;font-weight:600}
.v{display:inline-block;border-radius:4px;padding:0 7px;font-weight:600;font-size:12.5px;white-space:nowrap;border:1px solid currentColor}
.v-passed{color:var(--pass)}.v-failed{color:#fff;background:var(--fail);border-color:var(--fail)}.v-errored{color:#fff;background:var(--err);border-color:var(--err)}.v-inconclusive{color:var(--inc)}.v-skipped{color:var(--skip)}.v-other{color:var(--fg)}
tr.row-failed,tr.row-errored{background:#fff6f5}
section.failure{background:#fff;border:1px solid var(--line);border-left:5px solid var(--fail);border-radius:8px;padding:14px 16px;margin:14px 0}section.failure.errored{border-left-color:var(--err)}
.statement{color:var(--muted);margin:0 0 8px}.violation{font-weight:600;margin:6px 0}.qty td:first-child{color:var(--muted);white-space:nowrap}.qty{width:auto;border:none}.qty td{border:none;padding:2px 10px 2px 0}
.picture{overflow-x:auto;margin:10px 0}.picture svg{max-width:100%;height:auto}figure{margin:10px 0}figcaption{color:var(--muted);font-size:13px;margin-top:4px}
.note{background:#fff8e1;border:1px solid #f1d48a;border-radius:6px;padding:6px 10px;font-size:13px}
pre{background:#f6f8fa;border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow-x:auto;margin:4px 0;white-space:pre}
.replay{display:flex;gap:8px;align-items:flex-start}.replay pre{flex:1;white-space:pre-wrap;word-break:break-all}
button.copy{font:inherit;font-size:12.5px;padding:4px 10px;border:1px solid var(--line);background:#fff;border-radius:6px;cursor:pointer}button.copy:hover{background:#f0f2f5}
details summary{cursor:pointer;color:var(--muted)}footer{color:var(--muted);font-size:12px;margin-top:30px}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:14px}@media (max-width:900px){.cols{grid-template-columns:1fr}}
`;

/** The page's only script: copy buttons (clipboard API, with a selection fallback). Everything else works without it. */
const SCRIPT = `
document.querySelectorAll('button.copy').forEach(function (b) {
  b.hidden = false;
  b.addEventListener('click', function () {
    var src = document.getElementById(b.getAttribute('data-copy'));
    if (!src) return;
    var text = src.textContent || '';
    var done = function () { b.textContent = 'copied'; setTimeout(function () { b.textContent = 'copy'; }, 1500); };
    var fallback = function () {
      var range = document.createRange(); range.selectNodeContents(src);
      var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      try { document.execCommand('copy'); done(); } catch (e) { b.textContent = 'selected: press Ctrl+C'; }
    };
    try {
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
      else fallback();
    } catch (e) { fallback(); }
  });
});
`;

function filterCss(verdicts: readonly string[], known: readonly string[] = VERDICT_ORDER): string {
  // Pure CSS filtering (radio buttons and :has), so the table filters with scripts off as well.
  return verdicts.map((v) => {
    const t = verdictToken(v, known);
    return `body:has(#filter-${t}:checked) [data-verdict]:not([data-verdict="${t}"]){display:none}`;
  }).join('\n');
}

function badge(verdict: string): string {
  const cls = VERDICT_ORDER.includes(verdict) ? `v-${verdict}` : 'v-other';
  return `<span class="v ${cls}">${esc(verdict)}</span>`;
}

function page(title: string, css: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}${css}</style>
</head>
<body>
<main>
${body}
<footer>Written by attnflow. One self-contained file: no network, no external resources; the filter works without scripts, the copy buttons need them.</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** The picture of one failure and its caption, from the evidence when there is some, else from the case. */
function failurePicture(r: HtmlResult, ev: Evidence | undefined, implName: string): string {
  if (isErrored(r)) {
    const kind = r.error?.kind ?? errorKind(r.incidents, r.failure?.message);
    return `<figure class="picture" data-picture="errored">${erroredPicture({ incidents: r.incidents, message: r.failure?.message, kind })}<figcaption>What happened to the implementation while this theorem ran: ${esc(whatHappened(kind))}; each mark is one transport incident, in order.</figcaption></figure>`;
  }
  const note = (s?: string) => (s ? `<p class="note">${esc(s)}</p>` : '');
  const X = caseTokens(r.failure?.counterexample);
  const kind = ev?.kind ?? (X ? pictureKind(r as never) : 'none');
  try {
    if (ev?.kind === 'velocity') {
      const svg = velocityPicture({ X: ev.X, impl: ev.impl, reference: ev.reference });
      return `<figure class="picture" data-picture="velocity">${svg}<figcaption>The counterexample's tokens with the velocity each side returns there: ${esc(implName)} (orange) and attnflow's reference (blue, dashed), on one arrow scale${ev.X[0].length > 3 ? '' : ', and'} per token the lengths |v_i| and the difference |v_i − v_i^ref| (log scale).</figcaption>${note(ev.note)}</figure>`;
    }
    if (ev?.kind === 'trajectory') {
      const svg = trajectoryPicture({ op: ev.op, quantities: ev.quantities, implFinal: ev.implFinal, referenceFinal: ev.referenceFinal });
      const tEnd = ev.times[ev.times.length - 1];
      return `<figure class="picture" data-picture="trajectory">${svg}<figcaption>The counterexample run as op ${ev.op} to t = ${fmtNum(tEnd)} (${ev.times.length} samples) on ${esc(implName)} (orange) and the reference (blue, dashed): the deviation from the reference, the energy, the distance from the sphere, the diameter and the cluster count over time, with the tolerance band or line; last, both final states.</figcaption>${note(ev.note)}</figure>`;
    }
    if (X && (kind === 'tokens' || !ev || ev.kind === 'tokens' || ev.kind === 'none')) {
      const why = ev?.note ?? (ev ? undefined : 'the implementation was not re-queried for this report, so only the counterexample\'s tokens are drawn');
      return `<figure class="picture" data-picture="tokens">${tokensPicture(X)}<figcaption>The counterexample's tokens (n = ${X.length}, d = ${X[0].length})${X[0].length > 3 ? ' as their Gram matrix' : ''}.</figcaption>${note(why)}</figure>`;
    }
  } catch (e) {
    return `<p class="note">no picture: ${esc(e instanceof Error ? e.message : String(e))}</p>`;
  }
  return `<p class="note">no picture: ${esc(ev?.note ?? 'the counterexample carries no tokens to draw')}</p>`;
}

function failureSection(r: HtmlResult, ev: Evidence | undefined, implName: string): string {
  const f = r.failure;
  const errored = isErrored(r);
  const out: string[] = [`<section class="failure${errored ? ' errored' : ''}" id="fail-${esc(r.id)}" data-verdict="${verdictToken(r.verdict)}" data-theorem="${esc(r.id)}">`];
  out.push(`<h3>${badge(r.verdict)} ${esc(r.id)} <small>(${esc(r.tier)}; ${r.runs} runs, ${formatMs(r.timeMs)})</small></h3>`);
  out.push(`<p class="statement">${esc(r.title)}</p>`);
  if (f) out.push(`<p class="violation">${esc(f.message.split('\n')[0])}</p>`);
  if (r.error) out.push(`<p class="violation">${esc(r.error.kind)}: ${esc(r.error.message.split('\n')[0])}${r.error.count && r.error.count > 1 ? ` (${r.error.count} runs ended this way)` : ''}</p>`);
  else if (!f && r.reason) out.push(`<p class="violation">${esc(r.reason)}</p>`);
  const dt = f?.details;
  const parts: string[] = [];
  if (dt) {
    // A failure below its bound can only have had to reach it (assertAtLeast); words decide ties.
    const sense = /below the required|at least/.test(f!.message) || dt.measured < dt.tolerance ? 'at-least' : 'at-most';
    parts.push(`<table class="qty"><tr><td>quantity</td><td><code>${esc(dt.quantity)}</code></td></tr><tr><td>measured</td><td><b>${esc(fmtNum(dt.measured))}</b></td></tr><tr><td>tolerance</td><td>${esc(fmtNum(dt.tolerance))} (${sense === 'at-most' ? 'must stay at or below' : 'must reach at least'})</td></tr>${dt.tolerance > 0 && Number.isFinite(dt.measured) ? `<tr><td>measured / tolerance</td><td>${esc(fmtNum(dt.measured / dt.tolerance))}</td></tr>` : ''}</table>`);
    parts.push(`<div class="picture" data-picture="gauge">${gaugePicture(dt.measured, dt.tolerance, sense)}</div>`);
    if (dt.expected !== undefined) parts.push(`<div>theory requires: <code>${esc(caseJson(dt.expected, 2000))}</code></div>`);
    if (dt.actual !== undefined) parts.push(`<div>implementation returned: <code>${esc(caseJson(dt.actual, 2000))}</code></div>`);
  }
  out.push(`<div>${parts.join('\n')}</div>`);
  out.push(failurePicture(r, ev, implName));
  if (errored) {
    const incidents = (r.incidents ?? []).filter((i) => i.kind !== 'restart');
    if (incidents.length) out.push(`<div><b>incidents</b><ul>${incidents.map((i) => `<li><code>${esc(i.kind)}</code>${i.seq !== undefined ? ` (seq ${i.seq})` : ''}: ${esc(i.message)}</li>`).join('')}</ul></div>`);
  }
  const stderr = r.stderr ?? (r.incidents ?? []).find((i) => i.stderr?.length)?.stderr;
  if (stderr?.length) out.push(`<div><b>stderr of the implementation (last lines)</b><pre class="stderr">${esc(stderr.join('\n'))}</pre></div>`);
  const theCase = f ? { value: f.counterexample, label: `counterexample (after ${f.shrinks} shrinks)` } : r.error?.case !== undefined ? { value: r.error.case, label: 'the case whose request it was (not shrunk: a crash or hang is not a counterexample)' } : undefined;
  if (theCase) {
    const cid = `case-${verdictToken(r.id)}`;
    out.push(`<details open><summary>${esc(theCase.label)}</summary><pre id="${cid}" class="case">${esc(caseJson(theCase.value))}</pre><button class="copy" type="button" data-copy="${cid}" hidden>copy</button></details>`);
  }
  const replay = f?.replay ?? r.error?.replay;
  if (replay) {
    const rid = `replay-${verdictToken(r.id)}`;
    out.push(`<div><b>replay</b><div class="replay"><pre id="${rid}" class="replay-line">${esc(replay)}</pre><button class="copy" type="button" data-copy="${rid}" hidden>copy</button></div></div>`);
  }
  out.push('</section>');
  return out.join('\n');
}

/**
 * The report of `attnflow check` / `verify` as one self-contained HTML page: the implementation,
 * profile, seed, budget and time; counts by verdict; every theorem in a table that filters by verdict;
 * and each failure with its statement, violated quantity against its tolerance, counterexample, replay
 * line and a picture chosen by what the theorem is about (src/report/pictures). Inline CSS and SVG, a
 * few lines of script for the copy buttons; nothing is fetched.
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const impl = input.implementation;
  const implName = `${impl.name}${impl.version ? ` ${impl.version}` : ''}`;
  const verdicts = verdictsOf(input.results);
  const count = (v: string) => input.results.filter((r) => r.verdict === v).length;
  const mustBad = input.results.some((r) => r.tier === 'must' && (r.verdict === 'failed' || r.verdict === 'errored'));
  const anyBad = input.results.some((r) => r.verdict === 'failed' || r.verdict === 'errored');
  const title = `attnflow ${input.command}: ${implName}`;
  const body: string[] = [`<h1>${esc(title)}</h1>`];
  body.push(`<div class="banner ${anyBad ? 'bad' : 'good'}">${mustBad ? 'FAILED: a must theorem failed or errored' : anyBad ? 'every must theorem passed; a should/may theorem failed or errored' : 'PASSED: every theorem that ran passed'} — ${verdicts.map((v) => `${count(v)} ${esc(v)}`).join(', ')}</div>`);
  const p = input.profile;
  const meta: [string, string][] = [
    ['implementation', esc(implName)],
    ...(impl.command ? [['command', `<code>${esc(impl.command)}</code>`] as [string, string]] : []),
    ['profile', `${esc(p.name)} (eps ${esc(p.eps.toExponential(3))}, flow rtol ${esc(String(p.flowRtol))})`],
    ['seed', String(input.seed)],
    ['budget', esc(input.budget ?? 'each theorem\'s own number of runs')],
    ['time', `${formatMs(input.timeMs)}${input.generatedAt ? ` (run at ${esc(input.generatedAt)})` : ''}`],
    ['theorems', String(input.results.length)],
  ];
  if (input.starts !== undefined) meta.push(['process starts', String(input.starts)]);
  body.push(`<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`);
  body.push(`<div class="counts">${verdicts.map((v) => `<div class="count" data-count="${verdictToken(v)}"><b>${count(v)}</b>${badge(v)}</div>`).join('')}</div>`);
  body.push('<h2>Theorems</h2>');
  body.push(`<div class="filters" role="group" aria-label="filter by verdict"><span>show:</span><input type="radio" name="filter" id="filter-all" checked><label for="filter-all">all (${input.results.length})</label>${verdicts.map((v) => `<input type="radio" name="filter" id="filter-${verdictToken(v)}"><label for="filter-${verdictToken(v)}">${esc(v)} (${count(v)})</label>`).join('')}</div>`);
  const rows = input.results.map((r) => {
    const idCell = needsSection(r) ? `<a href="#fail-${esc(r.id)}">${esc(r.id)}</a>` : esc(r.id);
    const verdictCell = `${badge(r.verdict)}${r.reason ? ` <small>${esc(r.reason)}</small>` : ''}`;
    return `<tr class="row-${verdictToken(r.verdict)}" data-verdict="${verdictToken(r.verdict)}" data-theorem="${esc(r.id)}"><td class="id">${idCell}</td><td>${esc(r.title)}</td><td>${esc(r.tier)}</td><td>${verdictCell}</td><td class="num">${r.requestedRuns !== undefined && r.requestedRuns !== r.runs ? `${r.runs} / ${r.requestedRuns}` : r.runs}</td><td class="num">${formatMs(r.timeMs)}</td></tr>`;
  });
  body.push(`<table id="theorems"><thead><tr><th>id</th><th>statement</th><th>tier</th><th>verdict</th><th class="num">runs</th><th class="num">time</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`);
  const failures = input.results.filter(needsSection);
  if (failures.length) {
    body.push(`<h2>Failures${failures.some(isErrored) ? ' and errors' : ''} (${failures.length})</h2>`);
    for (const r of failures) body.push(failureSection(r, input.evidence?.[r.id], implName));
  }
  const incidents = (input.incidents ?? []).filter((i) => i.kind !== 'restart');
  if (incidents.length) {
    body.push(`<h2>Transport incidents (${incidents.length})</h2><ul>${incidents.map((i) => `<li><code>${esc(i.kind)}</code>${i.seq !== undefined ? ` (seq ${i.seq})` : ''}: ${esc(i.message)}</li>`).join('')}</ul>`);
  }
  return page(title, filterCss(verdicts), body.join('\n'));
}

/** What {@link renderRegressHtml} shows. */
export interface RegressHtmlInput {
  readonly report: RegressReport;
  readonly baselineName: string;
  readonly implName: string;
  readonly baselineDir?: string;
  readonly timeMs?: number;
  readonly generatedAt?: string;
}

/**
 * `regress compare` as one self-contained HTML page: the verdict, a chart of moved / allowed per
 * quantity against the tolerance (worst first), and the table of every quantity, filterable by status.
 */
export function renderRegressHtml(input: RegressHtmlInput): string {
  const { report } = input;
  const rows = report.rows;
  const seen = [...new Set(rows.map((r) => r.status as string))];
  const statuses = [...REGRESS_STATUSES.filter((s) => seen.includes(s)), ...seen.filter((s) => !REGRESS_STATUSES.includes(s))];
  const tok = (s: string) => verdictToken(s, REGRESS_STATUSES);
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const title = `attnflow regress compare: ${input.implName}`;
  const fmt = (x: number) => (Number.isNaN(x) ? '-' : x === Infinity ? 'inf' : x === 0 ? '0' : x.toExponential(2));
  const body: string[] = [`<h1>${esc(title)}</h1>`];
  body.push(`<div class="banner ${report.failures ? 'bad' : 'good'}">${report.failures ? `FAILED: ${report.failures} quantit${report.failures === 1 ? 'y' : 'ies'} moved past tolerance` : `PASSED: ${count('passed')} quantities within tolerance`}</div>`);
  const meta: [string, string][] = [
    ['implementation', esc(input.implName)],
    ['baseline', `${esc(input.baselineName)}${input.baselineDir ? ` (<code>${esc(input.baselineDir)}</code>)` : ''}`],
    ['profile', esc(report.profile)],
    ...(input.timeMs !== undefined ? [['time', `${formatMs(input.timeMs)}${input.generatedAt ? ` (run at ${esc(input.generatedAt)})` : ''}`] as [string, string]] : []),
    ['quantities', String(rows.length)],
  ];
  body.push(`<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`);
  body.push(`<div class="counts">${statuses.map((s) => `<div class="count" data-count="${tok(s)}"><b>${count(s)}</b><span class="v ${s === 'passed' ? 'v-passed' : s === 'moved' || s === 'inputs-changed' ? 'v-failed' : 'v-skipped'}">${esc(s)}</span></div>`).join('')}</div>`);
  body.push(`<h2>What moved</h2><figure class="picture" data-picture="regress">${regressPicture(rows)}<figcaption>Each bar is one quantity's largest movement divided by what its tolerance class allows (log scale); past the dashed line it moved too far. Worst first.</figcaption></figure>`);
  body.push(`<h2>Every quantity</h2><div class="filters" role="group" aria-label="filter by status"><span>show:</span><input type="radio" name="filter" id="filter-all" checked><label for="filter-all">all (${rows.length})</label>${statuses.map((s) => `<input type="radio" name="filter" id="filter-${tok(s)}"><label for="filter-${tok(s)}">${esc(s)} (${count(s)})</label>`).join('')}</div>`);
  body.push(`<table id="quantities"><thead><tr><th>quantity</th><th>class</th><th>status</th><th class="num">moved</th><th class="num">allowed</th><th class="num">moved / allowed</th><th>note</th></tr></thead><tbody>${rows.map((r) =>
    `<tr data-verdict="${tok(r.status)}" data-quantity="${esc(r.id)}"><td class="id">${esc(r.id)}</td><td>${esc(r.tolerance)}</td><td>${esc(r.status)}</td><td class="num">${fmt(r.moved)}</td><td class="num">${fmt(r.allowed)}</td><td class="num">${fmt(r.ratio)}</td><td>${esc(r.note ?? '')}</td></tr>`).join('\n')}</tbody></table>`);
  return page(title, filterCss(statuses, REGRESS_STATUSES), body.join('\n'));
}

/** Writes an HTML page to `file`, creating its folder. */
export function writeHtmlFile(file: string, html: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
}

/** The budget line of the header from the suite options (runs per theorem, time budget), in words. */
export function budgetText(o: { runs?: number; budget?: unknown; timeoutSeconds?: number }): string {
  const parts = [o.runs !== undefined ? `${o.runs} runs per theorem` : 'each theorem\'s own number of runs'];
  if (o.budget !== undefined && o.budget !== null && o.budget !== '') parts.push(`budget ${String(o.budget)}`);
  if (o.timeoutSeconds !== undefined) parts.push(`${o.timeoutSeconds} s per answer`);
  return parts.join('; ');
}
