/**
 * `npx tsx bench/profile.ts`: where the time of one SA velocity (Q = K = V = I, beta = 1, unit tokens)
 * goes on the WebAssembly kernels, phase by phase. The phases are the exports of
 * src/kernels/wasm/driftModule.ts called in the order src/kernels/wasm/wasmDrift.ts calls them; each
 * is timed on its own, repeated on the data the phases before it left (the softmax then reruns on
 * weights, which costs the same as on scores), fastest of --reps repetitions. The pool path
 * (src/kernels/wasm/wasmParallelDrift.ts) is timed whole and per job (pack, scores, rows), and the dispatch cost as a job
 * of empty chunks. Nothing here is in the production hot path.
 *
 * Options: --sizes 64x64,1024x512 (default), --reps 9, --min-time 0.05, --clock wall|cpu (cpu: the
 * process's CPU time, which other processes on a loaded machine inflate less than wall time; the
 * pool rows then count both threads' CPU, including the worker's polling), --general (also the steps
 * of a velocity with general Q, K, V: plan lookup, projections, drift).
 */
import { parseArgs } from 'node:util';
import { poolThreads, runJob, control } from '../src/kernels/pool.ts';
import { JOB, C } from '../src/kernels/sharedLayout.ts';
import { driftLayout, packInputs, unpackResult } from '../src/kernels/wasm/driftLayout.ts';
import { heapBase } from '../src/kernels/wasm/residentOperands.ts';
import { wasmScaledDrift } from '../src/kernels/wasm/pathChoice.ts';
import { attentionField } from '../src/integrators/vectorField.ts';
import { projectionPlan } from '../src/models/projectionPlan.ts';
import { applyRows } from '../src/models/scores.ts';
import { benchCase } from './benchCase.ts';
import { driftKernels, driftMemory, gramCommonShift, wasmDrift } from '../src/kernels/wasm/wasmDrift.ts';
import { wasmParallelDrift } from '../src/kernels/wasm/wasmParallelDrift.ts';
import { velocityInto } from '../src/models/velocity.ts';
import { timePerCall } from './timing.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '64x64,1024x512' }, reps: { type: 'string', default: '9' }, 'min-time': { type: 'string', default: '0.05' },
    clock: { type: 'string', default: 'wall' }, general: { type: 'boolean', default: false },
  },
  strict: true,
});
const sizes = values.sizes.split(',').map((s) => s.split('x').map(Number) as [number, number]);
const reps = Number(values.reps), minTime = Number(values['min-time']);
const cpu = values.clock === 'cpu';
const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t = (fn: () => unknown) => timePerCall(fn, { reps, minTime, budget: 30, now: cpu ? cpuNow : undefined }).min;
const us = (s: number) => (s * 1e6 < 100 ? (s * 1e6).toFixed(1) : (s * 1e6).toFixed(0));

const inst = driftKernels();
if (!inst) throw new Error('no WebAssembly SIMD in this runtime');
const K = inst.kernels;

for (const [n, d] of sizes) {
  const { X } = benchCase(n, d, false);
  const x = X.data, k = d, beta = 1;
  const L = driftLayout(n, d, k, heapBase(inst));
  const F = driftMemory(inst, L.total);
  const { n4, d4, ldW, ldV } = L;
  const U = new Float64Array(n * d), shift = new Float64Array(n), rowSum = new Float64Array(n);
  let c = 0, oV = L.oV;
  const phases: [string, () => void][] = [
    ['copies in (pack, transpose, strips)', () => { oV = packInputs(K, F, L, x, x, x, true).oV; }],
    ['common shift (Gram diagonal)', () => { c = gramCommonShift(K, F, L, beta) ?? NaN; }],
    ['score product (upper triangle)', () => K.gemm(L.oA * 8, L.oBT * 8, L.oW * 8, n4, k, n4, k, ldW, 1, 0)],
    ['softmax: exps (upper) + mirror', () => K.softmaxCommon(L.oW * 8, 0, n, n, ldW, beta, c)],
    ['softmax: row sums', () => K.rowSums(L.oW * 8, n, n, ldW, L.oSum * 8)],
    ['weights x values product', () => K.gemm(L.oW * 8, L.oVP * 8, L.oU * 8, n4, n, d4, ldW, ldV, 0, 0)],
    ['normalise + project', () => K.finish(L.oU * 8, oV * 8, n, d4, ldV, L.oSum * 8, 1, 1)],
    ['copies out', () => unpackResult(K, F, L, U, rowSum)],
  ];
  const each: number[] = [];
  for (const [, run] of phases) { run(); each.push(t(run)); }
  const sum = each.reduce((a, b) => a + b, 0);
  const serial = t(() => wasmDrift(x, x, x, n, d, k, beta, true, U, shift, rowSum, { normalize: true, project: x }));
  const total = t(() => velocityInto(X, { beta }, U, { validate: false }));
  // The exps alone (no mirror, no sums), on the upper triangle's count of entries: expArray's loop.
  const nExp = Math.ceil((n * (n + 1)) / 2 / 4) * 4;
  const exps = t(() => K.expArray(L.oW * 8, L.oW * 8, nExp / 4));
  const macs = n4 * n4 * k / 2 + n4 * n * d4;
  console.log(`\n### n = ${n}, d = ${d} (serial wasm path; ${macs.toExponential(2)} multiply-adds, ${nExp} exps)\n`);
  console.log('| phase | us | share |');
  console.log('|---|---:|---:|');
  for (let p = 0; p < phases.length; p++) console.log(`| ${phases[p][0]} | ${us(each[p])} | ${((100 * each[p]) / sum).toFixed(0)}% |`);
  console.log(`| (of the softmax: the ${nExp} exps alone) | ${us(exps)} | ${((100 * exps) / sum).toFixed(0)}% |`);
  console.log(`| sum of the phases | ${us(sum)} | 100% |`);
  console.log(`| wasmDrift (serial path) whole | ${us(serial)} | |`);
  console.log(`| velocityInto as production runs it | ${us(total)} | |`);
  if (poolThreads() > 1) {
    const pool = t(() => wasmParallelDrift(x, x, x, n, d, k, beta, true, U, shift, rowSum, { normalize: true, project: x }));
    const { ctrl } = control();
    const chunks = Math.ceil(L.n4 / ctrl[C.CHUNK_ROWS]);
    const pack = t(() => runJob(JOB.WASM_PACK, chunks));
    const scores = t(() => runJob(JOB.WASM_SCORES, chunks));
    const rows = t(() => runJob(JOB.WASM_ROWS, chunks));
    // A job of chunks past the last row does nothing but the hand-off.
    const saveN4 = ctrl[C.N4]; ctrl[C.N4] = 0;
    const empty = t(() => runJob(JOB.WASM_ROWS, chunks));
    ctrl[C.N4] = saveN4;
    console.log(`| pool path (${poolThreads()} threads, ${chunks} chunks) whole | ${us(pool)} | |`);
    console.log(`| pool: pack job / scores job / rows job / empty job (dispatch) | ${us(pack)} / ${us(scores)} / ${us(rows)} / ${us(empty)} | |`);
  }
}

// --general: the steps of one velocity with d x d Gaussian Q, K, V scaled by 1 / sqrt(d) (the bench's
// general case), each timed on its own as src/models/attentionDrift.ts runs them.
for (const [n, d] of values.general ? sizes : []) {
  const { X, params } = benchCase(n, d, true);
  const plan = projectionPlan(params);
  const B = plan.bilinear !== null && params.beta <= plan.bilinearBetaMax ? plan.bilinear : null;
  const U = new Float64Array(n * d), shift = new Float64Array(n), rowSum = new Float64Array(n);
  const qx = applyRows(X, B ?? plan.query, true).data, kx = B ? X.data : applyRows(X, plan.key, true).data, vx = applyRows(X, plan.value, true).data;
  const field = attentionField(X, params);
  const steps: [string, () => unknown][] = [
    ['plan lookup (memcmp of Q, K, V against the snapshots)', () => projectionPlan(params)],
    [B ? 'projection B x_i (B = K^T Q)' : 'projection Q x_i', () => applyRows(X, B ?? plan.query, true)],
    ...(B ? [] : [['projection K x_j', () => applyRows(X, plan.key, true)] as [string, () => unknown]]),
    ['projection V x_j', () => applyRows(X, plan.value, true)],
    ['drift (scores, softmax, weights x values, finish; serial or pool)', () => wasmScaledDrift(qx, kx, vx, n, d, d, 1, false, U, shift, rowSum, { normalize: true, project: X.data })],
  ];
  const each = steps.map(([, run]) => { run(); return t(run); });
  const sum = each.reduce((a, b) => a + b, 0);
  const macs = (B ? 2 : 3) * n * d * d + 2 * n * n * d;
  console.log(`\n### n = ${n}, d = ${d}, general Q, K, V (${macs.toExponential(2)} multiply-adds, ${n * n} exps)\n`);
  console.log('| step | us | share |');
  console.log('|---|---:|---:|');
  for (let p = 0; p < steps.length; p++) console.log(`| ${steps[p][0]} | ${us(each[p])} | ${((100 * each[p]) / sum).toFixed(0)}% |`);
  console.log(`| sum of the steps | ${us(sum)} | 100% |`);
  console.log(`| velocityInto whole | ${us(t(() => velocityInto(X, params, U, { validate: false })))} | |`);
  console.log(`| attentionField's field whole (plan made once) | ${us(t(() => field(0, X.data, U)))} | |`);
}
