import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Implementation } from '../../adapters/implementation.ts';
import { ImplementationError } from '../../adapters/implementation.ts';
import { referenceImplementation } from '../../adapters/reference.ts';
import { subprocessImplementation } from '../../adapters/subprocess.ts';
import { AttnflowError } from '../../errors.ts';
import { readBaseline, recordBaseline, serializeBaseline } from '../../regress/baseline.ts';
import { compareBaseline } from '../../regress/compare.ts';
import type { RegressReport } from '../../regress/compare.ts';
import { renderTable } from '../../report/table.ts';
import { renderRegressHtml, writeHtmlFile } from '../../report/html.ts';
import type { Command } from '../command.ts';
import { numberOption, parseCommandArgs, positiveOption } from '../command.ts';
import { PROFILE_OPTIONS, parseProfileOptions } from '../profileOptions.ts';

const HELP = `attnflow regress <record|compare> <dir> [options]

Regression testing of numerical changes against a stored baseline (<dir>/baseline.json): a fixed,
seeded set of cases (velocities, layers, flows at t = 1, 5, 20, energies, cluster counts, the time to
one cluster, equiangular gamma values, t*, one-cluster certificate verdicts) with their outputs.

  record    run the cases and write <dir>/baseline.json (plain JSON, one case per line, byte-identical
            when re-recorded without a change, so it reviews well in a diff)
  compare   re-run the cases and list, worst first, how far each quantity moved against its tolerance
            class: exact (counts, verdicts), pointwise (one evaluation), flow (grows with t), long-horizon
            (time to one cluster: max(1, 5 %)). Exit 1 when anything moved past its tolerance.

Options:
  --impl <command>   an implementation behind the protocol (PROTOCOL.md) instead of attnflow's reference;
                     the reference-only cases (gamma_beta quadrature, t*, certificates) are then skipped
  --rtol <x>         reference only: DOPRI5 relative tolerance of op flow (default 1e-11)
  --atol <x>         reference only: DOPRI5 absolute tolerance of op flow (default 1e-13)
  --profile <name>   compare: float64 (default), float32, or custom with --eps and --flow-rtol
  --eps <x>          custom profile: unit roundoff
  --flow-rtol <x>    custom profile: flow accuracy
  --all              compare: list every quantity, not only the 15 worst
  --timeout <s>      seconds per request of --impl (default 60)
  --html <file>      compare: one self-contained HTML page with a chart of what moved against its tolerance

Exit status: 0 recorded / nothing moved past tolerance, 1 something moved, 2 bad input or the
implementation could not be started.
`;

/** `attnflow regress`: record a baseline, or compare against one. */
export const regressCommand: Command = {
  name: 'regress',
  summary: 'record a numerical baseline, or compare against one (exit 1 when a quantity moved)',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('regress', argv, {
      impl: { type: 'string' }, rtol: { type: 'string' }, atol: { type: 'string' }, ...PROFILE_OPTIONS,
      all: { type: 'boolean' }, timeout: { type: 'string' }, html: { type: 'string' },
    }, true);
    const [action, dir] = positionals;
    if ((action !== 'record' && action !== 'compare') || !dir || positionals.length !== 2) {
      throw new AttnflowError('regress', `expected "record <dir>" or "compare <dir>", got ${JSON.stringify(positionals.join(' '))}`, 'run "attnflow regress record baseline/" first, then "attnflow regress compare baseline/"');
    }
    if (values.impl !== undefined && (values.rtol !== undefined || values.atol !== undefined)) {
      throw new AttnflowError('--rtol/--atol', 'only apply to attnflow\'s reference', 'drop them, or drop --impl');
    }
    if (action === 'record' && (values.profile !== undefined || values.eps !== undefined || values['flow-rtol'] !== undefined)) {
      throw new AttnflowError('--profile', 'only applies to compare', 'drop it when recording');
    }
    if (action === 'record' && values.html !== undefined) throw new AttnflowError('--html', 'only applies to compare', 'drop it when recording');
    const rtol = numberOption(values.rtol, 'rtol', 1e-11), atol = numberOption(values.atol, 'atol', 1e-13);
    for (const [v, f] of [[rtol, 'rtol'], [atol, 'atol']] as const) {
      if (!(v > 0 && v < 1)) throw new AttnflowError(`--${f}`, `must lie in (0, 1), got ${v}`, `pass --${f} such as 1e-11`);
    }
    const profile = action === 'compare' ? parseProfileOptions(values) : undefined;
    const timeout = positiveOption(values.timeout, 'timeout', 60);
    let impl: Implementation;
    const reference = values.impl === undefined;
    if (reference) impl = referenceImplementation({ rtol, atol });
    else {
      try {
        impl = await subprocessImplementation(values.impl as string, { timeoutSeconds: timeout });
      } catch (e) {
        if (e instanceof ImplementationError) {
          process.stderr.write(`attnflow regress: the implementation could not be started: ${e.message}\n`);
          return 2;
        }
        throw e;
      }
    }
    const settings: Record<string, string | number> = reference ? { flowAtol: atol, flowIntegrator: 'dopri5', flowRtol: rtol } : { implementation: 'external' };
    const path = join(dir, 'baseline.json');
    try {
      if (action === 'record') {
        const b = await recordBaseline(impl, { reference, settings });
        mkdirSync(dir, { recursive: true });
        writeFileSync(path, serializeBaseline(b));
        const skipped = b.cases.filter((c) => c.skipped !== undefined).length;
        process.stdout.write(`recorded ${b.cases.length - skipped} cases (${skipped} skipped) from ${b.implementation.name} ${b.implementation.version} into ${path}\n`);
        return 0;
      }
      const baseline = readBaseline(path);
      const started = performance.now();
      const report = await compareBaseline(baseline, impl, { reference, profile: profile! });
      if (values.html) {
        writeHtmlFile(values.html, renderRegressHtml({ report, baselineName: baseline.implementation.name, implName: impl.name, baselineDir: dir, timeMs: performance.now() - started, generatedAt: new Date().toISOString() }));
        process.stdout.write(`HTML report written to ${values.html}\n`);
      }
      process.stdout.write(renderRegressReport(report, baseline.implementation.name, impl.name, values.all === true) + '\n');
      return report.failures > 0 ? 1 : 0;
    } finally {
      await impl.close?.();
    }
  },
};

/** The comparison as a table, worst first, with a one-line verdict. */
export function renderRegressReport(report: RegressReport, baselineName: string, implName: string, all = false): string {
  const shown = all ? report.rows : report.rows.slice(0, 15);
  const fmt = (x: number) => (Number.isNaN(x) ? '-' : x === 0 ? '0' : x.toExponential(2));
  const table = renderTable(
    ['quantity', 'class', 'status', 'moved', 'allowed', 'moved/allowed'],
    shown.map((r) => [r.id, r.tolerance, r.status, fmt(r.moved), fmt(r.allowed), r.ratio === Infinity ? 'inf' : fmt(r.ratio)]),
    [false, false, false, true, true, true],
  );
  const notes = shown.filter((r) => r.note && r.status !== 'passed').map((r) => `  ${r.id}: ${r.note}`);
  const passed = report.rows.filter((r) => r.status === 'passed').length;
  const verdict = report.failures > 0
    ? `FAIL: ${report.failures} quantit${report.failures === 1 ? 'y' : 'ies'} moved past tolerance (profile ${report.profile})`
    : `OK: ${passed} quantities within tolerance (profile ${report.profile})`;
  return [`regress compare: ${implName} against the baseline of ${baselineName}`, table, ...(notes.length ? ['notes:', ...notes] : []),
    ...(shown.length < report.rows.length ? [`(${report.rows.length - shown.length} more rows; --all lists them)`] : []), verdict].join('\n');
}
