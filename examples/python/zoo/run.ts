/**
 * `npm run zoo`: runs `attnflow check` against every member of the mutant zoo (examples/python/zoo)
 * and prints the kill matrix (mutant x the theorems that failed it, whether the killer is among the
 * theorems expected to catch that mistake, time to first kill) and, for the correct variants, the
 * false-alarm count over N seeds.
 *
 *   npm run zoo                                     # every member: mutants on 3 seeds, correct variants on 20
 *   npm run zoo -- --only 'softmax-axis,ok-*'       # some members (globs)
 *   npm run zoo -- --kind correct --seeds 5         # the correct variants only, 5 seeds each
 *   npm run zoo -- --theorems 'M-SA,S1' --budget 120
 *   npm run zoo -- --summary out/zoo/results.jsonl  # print the matrix of an earlier (or interrupted) run
 *
 * Each check runs as its own `attnflow check` process (a hang or crash of the checker cannot stop the
 * zoo) with `--report` JSON lines; the zoo appends one line per (member, seed) to out/zoo/results.jsonl
 * the moment that check ends, so an interrupted run keeps what it has (`--resume` skips those).
 * A mutant is killed only by a `failed` verdict on a must or should theorem; any other verdict
 * (errored, inconclusive, skipped, ...) is read from the report as it is and is not a kill.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const ZOO = join('examples', 'python', 'zoo', 'zoo.py');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** One zoo member, as `zoo.py --list` describes it. */
export interface Member {
  readonly name: string;
  readonly kind: 'mutant' | 'correct';
  readonly class: string;
  readonly description: string;
  /** Theorem ids expected to kill a mutant (the theorems about its mistake). */
  readonly expected: readonly string[];
}

/** One theorem's line of a check's JSON-lines report, as far as the zoo reads it. */
export interface TheoremLine {
  readonly id: string;
  readonly tier: string;
  readonly verdict: string;
  readonly timeMs?: number;
  readonly runs?: number;
  readonly failure?: { readonly message?: string; readonly counterexample?: unknown; readonly replay?: string };
  readonly reason?: string;
}

/** One (member, seed) outcome: a line of out/zoo/results.jsonl. */
export interface ZooResult {
  readonly member: string;
  readonly kind: Member['kind'];
  readonly class: string;
  readonly expected: readonly string[];
  readonly seed: number;
  /** verdict per theorem id, as the report gave it. */
  readonly verdicts: Record<string, string>;
  /** must/should theorems with verdict `failed`: the kills. */
  readonly killers: readonly string[];
  /** Whether a killer is among the expected theorems. */
  readonly killedByExpected: boolean;
  /** The first theorem to fail, and when (ms since the check started; null when nothing failed). */
  readonly firstKill: { readonly id: string; readonly ms: number } | null;
  readonly firstExpectedKill: { readonly id: string; readonly ms: number } | null;
  /** Theorems with a verdict other than passed/failed/skipped (errored, inconclusive, ...). */
  readonly other: Record<string, string>;
  /** For each failure: message and replay line (false alarms are acted on from these). */
  readonly failures: ReadonlyArray<{ readonly id: string; readonly message: string; readonly replay: string; readonly counterexample: string }>;
  readonly totalMs: number;
  readonly exit: number | null;
  /** The check was stopped by the zoo's own wall-clock limit. */
  readonly killedByZoo: boolean;
  readonly command: string;
}

/** Whether a report line is a kill: a `failed` verdict on a must or should theorem. */
export function isKill(line: Pick<TheoremLine, 'verdict' | 'tier'>): boolean {
  return line.verdict === 'failed' && (line.tier === 'must' || line.tier === 'should');
}

/** `*`-glob list match (comma-separated). */
export function matches(name: string, globs: string | undefined): boolean {
  if (!globs) return true;
  return globs.split(',').map((g) => g.trim()).filter(Boolean).some((g) =>
    new RegExp('^' + g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$').test(name));
}

/** The zoo's registry (`python3 zoo.py --list`). */
export function listMembers(python = 'python3'): Member[] {
  const r = spawnSync(python, [join(ROOT, ZOO), '--list'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${python} ${ZOO} --list failed (status ${r.status}): ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Member);
}

/** The command line that serves one member. */
export function memberCommand(name: string, python = 'python3'): string {
  return `${python} ${ZOO} --mutant ${name}`;
}

/** Summarises a check's report lines for one member and seed. */
export function summariseCheck(member: Member, seed: number, lines: readonly TheoremLine[], times: ReadonlyMap<string, number>,
  meta: { totalMs: number; exit: number | null; killedByZoo: boolean; command: string }): ZooResult {
  const verdicts: Record<string, string> = {};
  const other: Record<string, string> = {};
  const killers: string[] = [];
  const failures: ZooResult['failures'][number][] = [];
  let firstKill: ZooResult['firstKill'] = null;
  let firstExpectedKill: ZooResult['firstExpectedKill'] = null;
  let elapsed = 0;
  for (const l of lines) {
    verdicts[l.id] = l.verdict;
    elapsed += l.timeMs ?? 0;
    // Seen on the check's stdout when it finished; else the sum of the theorem times so far.
    const at = times.get(l.id) ?? elapsed;
    if (!['passed', 'failed', 'skipped'].includes(l.verdict)) other[l.id] = l.verdict;
    if (l.verdict === 'failed') {
      failures.push({
        id: l.id,
        message: l.failure?.message ?? '',
        replay: l.failure?.replay ?? '',
        counterexample: JSON.stringify(l.failure?.counterexample ?? null).slice(0, 400),
      });
    }
    if (!isKill(l)) continue;
    killers.push(l.id);
    // Report lines come in the order the theorems finished, so the first kill is the first in the file.
    if (!firstKill) firstKill = { id: l.id, ms: at };
    if (member.expected.includes(l.id) && !firstExpectedKill) firstExpectedKill = { id: l.id, ms: at };
  }
  return {
    member: member.name, kind: member.kind, class: member.class, expected: member.expected, seed,
    verdicts, killers, killedByExpected: killers.some((k) => member.expected.includes(k)),
    firstKill, firstExpectedKill, other, failures, ...meta,
  };
}

interface Options {
  only?: string;
  kind: 'all' | 'mutant' | 'correct';
  seeds: number;
  mutantSeeds: number;
  firstSeed: number;
  theorems?: string;
  budget?: number;
  limit: number;
  jobs: number;
  out: string;
  resume: boolean;
  python: string;
  checkArgs: string[];
  summary?: string;
}

const HELP = `npm run zoo -- [options]: attnflow check against every member of examples/python/zoo

  --only <globs>        members to run (comma-separated, * wildcard; default all)
  --kind <k>            mutant | correct | all (default all)
  --seeds <n>           seeds per correct variant (default 20)
  --mutant-seeds <n>    seeds per mutant (default 3)
  --first-seed <s>      seeds are s, s+1, ... (default 1)
  --theorems <globs>    passed to check --only (default: every fast theorem)
  --budget <s>          passed to check --budget when the checker has it
  --limit <s>           the zoo's own wall-clock limit per check; the check is stopped after it (default 900)
  --jobs <n>            checks run at once (default 1)
  --out <dir>           where results go (default out/zoo)
  --resume              skip (member, seed) pairs already in <out>/results.jsonl
  --python <cmd>        the Python interpreter (default python3)
  --check-arg <a>       one more argument for attnflow check (repeatable)
  --summary <files>     print the matrix of existing results.jsonl files (comma-separated) and exit`;

function parse(argv: string[]): Options {
  const o: Options = { kind: 'all', seeds: 20, mutantSeeds: 3, firstSeed: 1, limit: 900, jobs: 1, out: 'out/zoo', resume: false, python: 'python3', checkArgs: [] };
  const num = (flag: string, v: string | undefined, min: number) => {
    const x = Number(v);
    if (v === undefined || !Number.isFinite(x) || x < min) {
      process.stderr.write(`zoo: ${flag} needs a number >= ${min}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}\n`);
      process.exit(2);
    }
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    switch (a) {
      case '--only': o.only = v; i++; break;
      case '--kind':
        if (v !== 'all' && v !== 'mutant' && v !== 'correct') { process.stderr.write(`zoo: --kind must be mutant, correct or all, got ${v}\n`); process.exit(2); }
        o.kind = v; i++; break;
      case '--seeds': o.seeds = num(a, v, 1); i++; break;
      case '--mutant-seeds': o.mutantSeeds = num(a, v, 1); i++; break;
      case '--first-seed': o.firstSeed = num(a, v, 0); i++; break;
      case '--theorems': o.theorems = v; i++; break;
      case '--budget': o.budget = num(a, v, 1); i++; break;
      case '--limit': o.limit = num(a, v, 1); i++; break;
      case '--jobs': o.jobs = num(a, v, 1); i++; break;
      case '--out': o.out = v; i++; break;
      case '--resume': o.resume = true; break;
      case '--python': o.python = v; i++; break;
      case '--check-arg': o.checkArgs.push(v); i++; break;
      case '--summary': o.summary = v; i++; break;
      case '-h': case '--help': process.stdout.write(HELP + '\n'); process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default: process.stderr.write(`zoo: unknown option ${a}; see --help\n`); process.exit(2);
    }
  }
  return o;
}

/** Whether this checker's `check` has an option (older checkers lack --budget). */
function checkHas(option: string): boolean {
  const r = spawnSync(TSX, [join(ROOT, 'src/cli/main.ts'), 'check', '--help'], { encoding: 'utf8', cwd: ROOT });
  return (r.stdout ?? '').includes(option);
}

/** Runs one `attnflow check` and summarises it. */
async function runOne(member: Member, seed: number, o: Options, hasBudget: boolean): Promise<ZooResult> {
  const dir = join(o.out, 'reports');
  mkdirSync(dir, { recursive: true });
  const report = join(dir, `${member.name}.seed${seed}.jsonl`);
  rmSync(report, { force: true });
  const impl = memberCommand(member.name, o.python);
  const args = [join(ROOT, 'src/cli/main.ts'), 'check', '--impl', impl, '--seed', String(seed), '--report', report];
  if (o.theorems) args.push('--only', o.theorems);
  if (o.budget !== undefined && hasBudget) args.push('--budget', String(o.budget));
  args.push(...o.checkArgs);
  const command = `attnflow check --impl '${impl}' --seed ${seed}${o.theorems ? ` --only '${o.theorems}'` : ''}${o.budget !== undefined && hasBudget ? ` --budget ${o.budget}` : ''}${o.checkArgs.length ? ' ' + o.checkArgs.join(' ') : ''}`;
  const started = performance.now();
  const times = new Map<string, number>();
  const child = spawn(TSX, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  // The check's own output next to its report (counterexamples, incidents), for reading afterwards.
  const log = report.replace(/\.jsonl$/, '.out');
  writeFileSync(log, `$ ${command}\n`);
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    appendFileSync(log, chunk);
    buf += chunk;
    let k;
    while ((k = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, k);
      buf = buf.slice(k + 1);
      // A result line: VERDICT id tier ... (read generically: any upper-case verdict word).
      const m = /^([A-Z]+)\s+(\S+)\s+(must|should|may)\b/.exec(line);
      if (m && !times.has(m[2])) times.set(m[2], performance.now() - started);
    }
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => { stderr = (stderr + c).slice(-4000); appendFileSync(log, c); });
  let killedByZoo = false;
  const timer = setTimeout(() => { killedByZoo = true; child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 5000).unref(); }, o.limit * 1000);
  const exit: number | null = await new Promise((res) => child.on('close', (code) => res(code)));
  clearTimeout(timer);
  const totalMs = performance.now() - started;
  const lines: TheoremLine[] = existsSync(report)
    ? readFileSync(report, 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => { try { return [JSON.parse(l) as TheoremLine]; } catch { return []; } })
    : [];
  if (exit === 2) process.stderr.write(`zoo: ${member.name} seed ${seed} could not be checked: ${stderr.trim().split('\n').slice(-3).join(' | ')}\n`);
  return summariseCheck(member, seed, lines, times, { totalMs, exit, killedByZoo, command });
}

function fmt(ms: number | undefined | null): string {
  if (ms == null) return '-';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The kill matrix and false-alarm table as text. */
export function renderMatrix(results: readonly ZooResult[]): string {
  const by = new Map<string, ZooResult[]>();
  for (const r of results) by.set(r.member, [...(by.get(r.member) ?? []), r]);
  const out: string[] = [];
  const mutants = [...by.values()].filter((rs) => rs[0].kind === 'mutant');
  const correct = [...by.values()].filter((rs) => rs[0].kind === 'correct');
  if (mutants.length) {
    out.push('| mutant | class | killed (seeds) | by an expected theorem | first kill | expected theorems that killed it | other killers | check time |');
    out.push('|---|---|---:|---:|---|---|---|---:|');
    let killed = 0, byExpected = 0;
    for (const rs of mutants) {
      const r0 = rs[0];
      const k = rs.filter((r) => r.killers.length).length;
      const ke = rs.filter((r) => r.killedByExpected).length;
      if (k === rs.length) killed++;
      if (ke === rs.length) byExpected++;
      const count = new Map<string, number>();
      for (const r of rs) for (const id of r.killers) count.set(id, (count.get(id) ?? 0) + 1);
      const list = (want: boolean) => [...count].filter(([id]) => r0.expected.includes(id) === want)
        .map(([id, c]) => (rs.length > 1 && c < rs.length ? `${id} (${c}/${rs.length})` : id)).join(', ') || '-';
      const firsts = rs.map((r) => r.firstKill?.ms).filter((x): x is number => x != null);
      const first = firsts.length ? `${mode(rs.map((r) => r.firstKill?.id))}, ${fmt(median(firsts))}` : 'SURVIVES';
      const times = rs.map((r) => r.totalMs);
      out.push(`| ${r0.member} | ${r0.class} | ${k}/${rs.length} | ${ke}/${rs.length} | ${first} | ${list(true)} | ${list(false)} | ${fmt(median(times))}${rs.some((r) => r.killedByZoo) ? ' (stopped)' : ''} |`);
    }
    out.push('', `${killed}/${mutants.length} mutants killed on every seed they ran; ${byExpected}/${mutants.length} by an expected theorem on every seed. First kill: the theorem that failed first (most common over seeds) and the median time from starting the check to that line.`);
  }
  if (correct.length) {
    out.push('', '| correct variant | seeds | false alarms | theorems that failed | other verdicts | total (median, max) |', '|---|---:|---:|---|---|---:|');
    for (const rs of correct) {
      const alarms = rs.filter((r) => r.killers.length);
      const ids = new Map<string, number>();
      for (const r of alarms) for (const id of r.killers) ids.set(id, (ids.get(id) ?? 0) + 1);
      const others = new Map<string, number>();
      for (const r of rs) for (const [id, v] of Object.entries(r.other)) others.set(`${id} ${v}`, (others.get(`${id} ${v}`) ?? 0) + 1);
      out.push(`| ${rs[0].member} | ${rs.length} | ${alarms.length} | ${[...ids].map(([id, c]) => `${id} (${c})`).join(', ') || '-'} | ${[...others].map(([k, c]) => `${k} (${c})`).join(', ') || '-'} | ${fmt(median(rs.map((r) => r.totalMs)))}, ${fmt(Math.max(...rs.map((r) => r.totalMs)))} |`);
    }
  }
  return out.join('\n');
}

function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function mode(xs: readonly (string | undefined)[]): string {
  const c = new Map<string, number>();
  for (const x of xs) if (x) c.set(x, (c.get(x) ?? 0) + 1);
  return [...c].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '-';
}

/**
 * Results with `expected`, `killedByExpected` and `firstExpectedKill` recomputed from the current
 * registry, so an earlier run is read against today's list of the theorems about each mistake.
 */
export function rescore(results: readonly ZooResult[], members: readonly Member[]): ZooResult[] {
  const expected = new Map(members.map((m) => [m.name, m.expected]));
  return results.map((r) => {
    const e = expected.get(r.member) ?? r.expected;
    const firstExpected = r.killers.find((k) => e.includes(k));
    return {
      ...r,
      expected: e,
      killedByExpected: firstExpected !== undefined,
      firstExpectedKill: firstExpected === undefined ? null : (r.firstKill?.id === firstExpected ? r.firstKill : r.firstExpectedKill ?? null),
    };
  });
}

function readResults(file: string): ZooResult[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as ZooResult);
}

async function main(argv: string[]): Promise<number> {
  const o = parse(argv);
  if (o.summary) {
    const all = o.summary.split(',').flatMap((f) => readResults(f));
    process.stdout.write(renderMatrix(rescore(all, listMembers(o.python)).filter((r) => matches(r.member, o.only))) + '\n');
    return 0;
  }
  const members = listMembers(o.python).filter((m) => (o.kind === 'all' || m.kind === o.kind) && matches(m.name, o.only));
  if (!members.length) {
    process.stderr.write(`zoo: no member matches --only ${JSON.stringify(o.only)} --kind ${o.kind}; see python3 ${ZOO} --list\n`);
    return 2;
  }
  mkdirSync(o.out, { recursive: true });
  const resultsFile = join(o.out, 'results.jsonl');
  const done = new Set(o.resume ? readResults(resultsFile).map((r) => `${r.member}#${r.seed}`) : []);
  const hasBudget = o.budget !== undefined && checkHas('--budget');
  if (o.budget !== undefined && !hasBudget) process.stderr.write('zoo: this checker has no --budget; relying on --limit only\n');
  const queue: Array<[Member, number]> = [];
  // Seed-major: every member on the first seed before any on the second, so a stopped run has breadth.
  for (let k = 0; k < Math.max(o.mutantSeeds, o.seeds); k++) {
    for (const m of members) {
      const s = o.firstSeed + k;
      if (k < (m.kind === 'mutant' ? o.mutantSeeds : o.seeds) && !done.has(`${m.name}#${s}`)) queue.push([m, s]);
    }
  }
  process.stdout.write(`zoo: ${queue.length} checks (${members.length} members) -> ${resultsFile}\n`);
  const started = performance.now();
  const results: ZooResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const [m, s] = queue[next++];
      const r = await runOne(m, s, o, hasBudget);
      appendFileSync(resultsFile, JSON.stringify(r) + '\n');
      results.push(r);
      const verdict = m.kind === 'mutant'
        ? (r.killers.length ? `killed by ${r.killers.map((k) => (m.expected.includes(k) ? k : k + '*')).join(', ')}; first ${r.firstKill?.id} at ${fmt(r.firstKill?.ms)}` : 'SURVIVED')
        : (r.killers.length ? `FALSE ALARM: ${r.failures.map((f) => `${f.id}: ${f.message.slice(0, 160)}\n      replay: ${f.replay}`).join('; ')}` : 'no false alarm');
      const other = Object.entries(r.other).map(([id, v]) => `${id} ${v}`).join(', ');
      process.stdout.write(`${m.kind === 'mutant' ? 'mutant ' : 'correct'} ${m.name.padEnd(26)} seed ${String(s).padEnd(3)} ${fmt(r.totalMs).padStart(8)}  ${verdict}${other ? ` [${other}]` : ''}${r.killedByZoo ? ' (stopped at --limit)' : ''}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs, queue.length) }, worker));
  process.stdout.write('\n' + renderMatrix(readResults(resultsFile).filter((r) => members.some((m) => m.name === r.member))) + '\n');
  process.stdout.write(`\nzoo: ${results.length} checks in ${fmt(performance.now() - started)}; results in ${resultsFile}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => { process.stderr.write(`zoo: ${(e as Error).stack ?? e}\n`); process.exit(1); });
}
