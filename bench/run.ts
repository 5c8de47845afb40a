/**
 * `npm run bench`: the velocity kernel of eq. (2.3) (SA, Q = K = V = I, beta = 1, unit tokens) against
 * a naive ml-matrix implementation in the same process and against numpy (bench/numpy_velocity.py,
 * spawned once, timing its own loop) when `python3 -c "import numpy"` works. Prints a markdown table
 * of per-evaluation times, GFLOP/s (4 n^2 d: Gram matrix plus weights times values; exps not
 * counted) and speed ratios (baseline time / attnflow time: above 1 means attnflow is faster).
 * attnflow is timed four ways: `velocity` (a fresh result array per call), `velocityInto` (into a
 * caller's array; each call checks by memcmp that Q, K, V still hold what its cached plan was made
 * from, src/models/projectionPlan.ts), the vector field of `attentionField` (what the integrators
 * evaluate: it made its plan once, so no check) and `velocityInto` on the TypeScript kernels
 * (ATTNFLOW_KERNEL=ts, the tested reference that the WebAssembly kernels replace).
 *
 * Options: --sizes 16x3,64x64 (default n in {16, 64, 256, 1024} x d in {3, 64, 512}), --reps 5,
 * --min-time 0.05 (seconds per repetition), --stat median|min (which repetition the table reports,
 * default median; min is the least disturbed one on a busy machine), --no-numpy, --no-ml-matrix,
 * --threads N (kernel threads), --numpy-threads N (OPENBLAS_NUM_THREADS for numpy; default: its own
 * choice), --json FILE (also write the results as JSON), --rounds N (default 1: numpy once for all
 * sizes, first; with N > 1 numpy is spawned for each size right before attnflow's timing of it, N
 * rounds in turn, and each column keeps its best round: on a machine whose load changes, both sides
 * are then timed under the same load), --qkv identity|general|both (default both: Q = K = V = I,
 * and d x d Gaussian Q, K, V scaled by 1 / sqrt(d), whose products Q x_i, K x_j, V x_j both sides
 * compute in each evaluation; ml-matrix times the identity case only).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Matrix } from 'ml-matrix';
import { configurePool, poolStats, poolThreads } from '../src/kernels/pool.ts';
import { toRows } from '../src/linalg/mat.ts';
import { setDriftKernel } from '../src/kernels/kernelChoice.ts';
import { attentionField } from '../src/integrators/vectorField.ts';
import { velocity, velocityInto } from '../src/models/velocity.ts';
import { Rng } from '../src/random/rng.ts';
import { uniformSphere } from '../src/random/sphere.ts';
import { benchCase } from './benchCase.ts';
import { naiveVelocity } from './naiveMlMatrix.ts';
import { timePerCall } from './timing.ts';

interface Row {
  n: number; d: number; general: boolean;
  attnflow: number; inPlace: number; field: number; tsKernel: number; mlMatrix: number | null; numpy: number | null;
  maxDiffMlMatrix: number | null;
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    reps: { type: 'string', default: '5' },
    'min-time': { type: 'string', default: '0.05' },
    stat: { type: 'string', default: 'median' },
    'no-numpy': { type: 'boolean', default: false },
    'no-ml-matrix': { type: 'boolean', default: false },
    threads: { type: 'string' },
    'numpy-threads': { type: 'string' },
    json: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    qkv: { type: 'string', default: 'both' },
  },
  strict: true,
});

const sizes: [number, number][] = values.sizes
  ? values.sizes.split(',').map((s) => s.split('x').map(Number) as [number, number])
  : [16, 64, 256, 1024].flatMap((n) => [3, 64, 512].map((d) => [n, d] as [number, number]));
for (const [n, d] of sizes) {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(d) && d >= 1)) {
    console.error(`--sizes: "${n}x${d}" is not n x d with positive integers. Fix: pass e.g. --sizes 16x3,1024x512`);
    process.exit(2);
  }
}
const reps = Number(values.reps), minTime = Number(values['min-time']);
const stat = values.stat === 'min' ? 'min' : 'median';
if (values.stat !== 'min' && values.stat !== 'median') {
  console.error(`--stat: "${values.stat}" is not a statistic. Fix: pass --stat median or --stat min`);
  process.exit(2);
}
if (values.threads !== undefined) configurePool({ threads: Number(values.threads) });
const beta = 1;
const flops = (n: number, d: number) => 4 * n * n * d;

if (!['identity', 'general', 'both'].includes(values.qkv)) {
  console.error(`--qkv: "${values.qkv}" is not a case. Fix: pass --qkv identity, general or both`);
  process.exit(2);
}
const modes = values.qkv === 'both' ? [false, true] : [values.qkv === 'general'];
const cases: [number, number, boolean][] = sizes.flatMap(([n, d]) => modes.map((g) => [n, d, g] as [number, number, boolean]));
const key = (n: number, d: number, general: boolean) => `${n}x${d}${general ? ' general' : ''}`;
const rounds = Number(values.rounds);
if (!(Number.isInteger(rounds) && rounds >= 1)) {
  console.error(`--rounds: "${values.rounds}" is not a positive integer. Fix: pass e.g. --rounds 3`);
  process.exit(2);
}

function numpyTimes(only?: [number, number, boolean][]): Map<string, number> | string {
  if (values['no-numpy']) return 'skipped (--no-numpy)';
  const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'skipped (python3 with numpy not found)';
  const script = fileURLToPath(new URL('./numpy_velocity.py', import.meta.url));
  const cfg = JSON.stringify({ sizes: (only ?? cases).map(([n, d, g]) => [n, d, g ? 1 : 0]), beta, reps, minTime });
  const nt = values['numpy-threads'];
  // Some machines here pin OPENBLAS_CORETYPE (and OPENBLAS_L2_SIZE) for old OpenBLAS builds; they slow a
  // current numpy, so the baseline runs without them (in this child only) to give numpy its best kernel.
  const { OPENBLAS_CORETYPE: _core, OPENBLAS_L2_SIZE: _l2, ...base } = process.env;
  const env = nt === undefined ? base : { ...base, OPENBLAS_NUM_THREADS: nt, OMP_NUM_THREADS: nt, MKL_NUM_THREADS: nt };
  const res = spawnSync('python3', [script, cfg], { encoding: 'utf8', maxBuffer: 1 << 24, env });
  if (res.status !== 0) return `failed: ${res.stderr.trim().split('\n').pop()}`;
  const out = JSON.parse(res.stdout) as { numpy: string; results: { n: number; d: number; general: boolean; seconds: number; min: number }[] };
  numpyVersion = out.numpy;
  return new Map(out.results.map((r) => [key(r.n, r.d, r.general), stat === 'min' ? r.min : r.seconds]));
}
let numpyVersion = '';

/** Lets the pool's workers finish loading before the timed runs (they start on first use). */
async function warmPool(): Promise<void> {
  const X = uniformSphere(256, 256, new Rng(1));
  for (let t = 0; t < 200 && poolStats().workers > 0 && poolStats().workerChunks === 0; t++) {
    velocity(X, { beta }, { validate: false });
    await new Promise((r) => setTimeout(r, 10));
  }
}

const loadBefore = loadavg()[0];
const np = numpyTimes(rounds > 1 ? [[4, 3, false]] : undefined); // first, so that python and node do not compete for the cores
await warmPool();
const rows: Row[] = [];
const better = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
for (const [n, d, general] of cases) {
  const { X, params } = benchCase(n, d, general, beta);
  const out = new Float64Array(n * d);
  let attnflow = Infinity, inPlace = Infinity, fieldTime = Infinity, tsKernel = Infinity, numpy: number | null = null;
  // What an integrator evaluates: the field keeps the plan of Q, K, V it made (no per-call check).
  const field = attentionField(X, params);
  for (let r = 0; r < rounds; r++) {
    if (rounds > 1) {
      const one = numpyTimes([[n, d, general]]);
      numpy = better(numpy, typeof one === 'string' ? null : one.get(key(n, d, general)) ?? null);
    }
    attnflow = Math.min(attnflow, timePerCall(() => velocity(X, params, { validate: false }), { minTime, reps })[stat]);
    inPlace = Math.min(inPlace, timePerCall(() => velocityInto(X, params, out, { validate: false }), { minTime, reps })[stat]);
    fieldTime = Math.min(fieldTime, timePerCall(() => field(0, X.data, out), { minTime, reps })[stat]);
    setDriftKernel('ts');
    tsKernel = Math.min(tsKernel, timePerCall(() => velocityInto(X, params, out, { validate: false }), { minTime, reps })[stat]);
    setDriftKernel(null);
  }
  let mlMatrix: number | null = null, maxDiffMlMatrix: number | null = null;
  if (!values['no-ml-matrix'] && !general) {
    const M = new Matrix(toRows(X));
    const slow = flops(n, d) > 1e9; // a single naive evaluation takes seconds there
    mlMatrix = timePerCall(() => naiveVelocity(M, beta), { minTime: slow ? 0 : minTime, reps: slow ? 1 : reps })[stat];
    const a = velocity(X, params).data, b = naiveVelocity(M, beta).to1DArray();
    maxDiffMlMatrix = 0;
    for (let i = 0; i < a.length; i++) maxDiffMlMatrix = Math.max(maxDiffMlMatrix, Math.abs(a[i] - b[i]));
  }
  if (rounds === 1) numpy = typeof np === 'string' ? null : np.get(key(n, d, general)) ?? null;
  rows.push({ n, d, general, attnflow, inPlace, field: fieldTime, tsKernel, mlMatrix, numpy, maxDiffMlMatrix });
  process.stderr.write(`n ${n} d ${d}${general ? ' general' : ''}: ${(attnflow * 1e6).toFixed(1)} us, in place ${(inPlace * 1e6).toFixed(1)} us, numpy ${numpy === null ? '-' : (numpy * 1e6).toFixed(1)} us\n`);
}

const us = (s: number | null) => (s === null ? '-' : s < 1e-3 ? (s * 1e6).toFixed(1) : (s * 1e6).toFixed(0));
const gf = (n: number, d: number, s: number | null) => (s === null ? '-' : (flops(n, d) / s / 1e9).toFixed(2));
const ratio = (base: number | null, s: number) => (base === null ? '-' : (base / s).toFixed(base / s < 1 ? 3 : 2));
const lines = [
  `SA velocity (Q, K, V = I, or general d x d), beta = ${beta}, unit tokens; ${stat === 'min' ? 'fastest' : 'median'} of ${reps} repetitions of at least ${minTime} s ` +
    (rounds > 1 ? `, best of ${rounds} rounds with numpy spawned per size and round ` : '') +
    '(ml-matrix: one evaluation above 1e9 flops).',
  `Machine: ${availableParallelism()} cores, 1-minute load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after ` +
    '(a load above the core count makes both columns slower and noisier; numpy\'s threaded BLAS suffers most).',
  `attnflow: node ${process.version}, ${poolThreads()} kernel thread(s) (workers did ${poolStats().workerChunks} chunks). ` +
    `numpy: ${typeof np === 'string' ? np : numpyVersion}${values['numpy-threads'] ? ` with ${values['numpy-threads']} BLAS thread(s)` : ''}. GFLOP/s count 4 n^2 d. Ratios are baseline time / attnflow time (> 1: attnflow faster).`,
  '',
  '| n | d | Q, K, V | attnflow us | in place us | in place GFLOP/s | field us | TS kernel us | ml-matrix us | vs ml-matrix | numpy us | numpy GFLOP/s | vs numpy | in place vs numpy | field vs numpy |',
  '|---:|---:|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) =>
    `| ${r.n} | ${r.d} | ${r.general ? 'general' : 'I'} | ${us(r.attnflow)} | ${us(r.inPlace)} | ${gf(r.n, r.d, r.inPlace)} | ${us(r.field)} | ${us(r.tsKernel)} | ${us(r.mlMatrix)} | ${ratio(r.mlMatrix, r.attnflow)} | ` +
    `${us(r.numpy)} | ${gf(r.n, r.d, r.numpy)} | ${ratio(r.numpy, r.attnflow)} | ${ratio(r.numpy, r.inPlace)} | ${ratio(r.numpy, r.field)} |`),
];
console.log(lines.join('\n'));
if (!values['no-ml-matrix']) {
  const worst = Math.max(...rows.map((r) => r.maxDiffMlMatrix ?? 0));
  console.log(`\nmax |attnflow - ml-matrix| over all sizes (same inputs): ${worst.toExponential(2)}`);
}
if (values.json) writeFileSync(values.json, JSON.stringify({ node: process.version, threads: poolThreads(), numpy: numpyVersion || null, rows }, null, 2));
