/**
 * Time to verdict of `attnflow check` against the numpy example, and attnflow's own overhead: total
 * check time over the CPU time the implementation's process spent (computing, and reading and writing
 * its JSON lines). Also the time to the first `failed` line against a broken twin (--bug), which the
 * check order puts first.
 *
 *     npx tsx bench/checkVerdict.ts [--impl "python3 examples/python/attnflow_impl.py"] [--bug softmax-axis] [--only IDS] [--budget 300]
 *
 * Linux only for the implementation's CPU time (read from /proc/PID/stat before the process is stopped).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { subprocessImplementation } from '../src/adapters/subprocess.ts';
import { checkImplementation } from '../src/check/checkImplementation.ts';

const { values } = parseArgs({ options: { impl: { type: 'string' }, bug: { type: 'string' }, only: { type: 'string' }, budget: { type: 'string' }, 'skip-correct': { type: 'boolean' } } });
const IMPL = values.impl ?? 'python3 examples/python/attnflow_impl.py';
const BUG = values.bug ?? 'softmax-axis';
const budget = values.budget === undefined ? 300 : Number(values.budget);

/** utime + stime of a process and its waited-for children, in seconds (Linux /proc), or NaN. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14-17 of stat (utime, stime, cutime, cstime) are 11-14 after the command name.
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return ticks / 100;
  } catch {
    return NaN;
  }
}

/** The shell's child (the interpreter) when the command runs under `sh -c`. */
function interpreterPid(shellPid: number | undefined): number | undefined {
  if (shellPid === undefined) return undefined;
  try {
    const kids = readFileSync(`/proc/${shellPid}/task/${shellPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return kids.length ? Number(kids[0]) : shellPid;
  } catch {
    return shellPid;
  }
}

async function run(command: string, firstFailed: boolean) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const impl = await subprocessImplementation(command);
  let firstFailMs: number | undefined;
  const report = await checkImplementation(impl, {
    only: values.only,
    budgetSeconds: budget,
    failFast: firstFailed,
    onResult: (r) => {
      if (r.verdict === 'failed' && firstFailMs === undefined) firstFailMs = performance.now() - t0;
    },
  });
  const shell = (impl.client as unknown as { child?: { pid?: number } }).child?.pid;
  const implCpu = cpuSeconds(interpreterPid(shell));
  await impl.close();
  const wall = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(cpu0);
  return { report, wall, implCpu, attnflowCpu: (own.user + own.system) / 1e6, firstFailMs };
}

if (!values['skip-correct']) {
  const c = await run(IMPL, false);
  const s = c.report.summary;
  console.log(`check against ${IMPL}`);
  console.log(`  time to verdict ${c.wall.toFixed(1)} s (budget ${budget} s): ${s.passed} passed, ${s.failed} failed, ${s.errored} errored, ${s.inconclusive} inconclusive`);
  console.log(`  requests ${c.report.implementation.name}: ${(c.report.results.reduce((a, r) => a + r.runs, 0))} runs; implementation busy (request written to answer read) ${((c.report.implementationMs ?? 0) / 1000).toFixed(1)} s`);
  console.log(`  implementation CPU ${c.implCpu.toFixed(1)} s, attnflow CPU ${c.attnflowCpu.toFixed(1)} s; total / implementation CPU = ${(c.wall / c.implCpu).toFixed(2)}`);
}
const b = await run(`${IMPL} --bug ${BUG}`, true);
console.log(`check against ${IMPL} --bug ${BUG} (--fail-fast)`);
console.log(`  first failed line after ${((b.firstFailMs ?? NaN) / 1000).toFixed(2)} s: ${b.report.results.find((r) => r.verdict === 'failed')?.id ?? 'none'}; exit ${b.report.exitCode}`);
