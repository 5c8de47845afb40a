/**
 * `npx tsx bench/gemmBlocking.ts`: the wasm gemm (src/kernels/wasm/driftModule.ts) under different
 * blockings on the two products of one velocity (scores n x k x n, upper triangle; weights times
 * values n x n x d), in one process, the variants timed in turn (round robin) so that a changing
 * load on a shared machine affects them alike. Prints GMAC/s per variant (fastest round).
 * Options: --sizes 64x64,1024x512 --rounds 7 --clock wall|cpu.
 */
import { parseArgs } from 'node:util';
import { driftModuleBytes, EXP_TABLE_BYTES } from '../src/kernels/wasm/driftModule.ts';
import type { DriftExports, WasmMemory } from '../src/kernels/wasm/wasmApi.ts';
import { wasmApi } from '../src/kernels/wasm/wasmApi.ts';
import { Rng } from '../src/random/rng.ts';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '64x64,64x512,1024x512' }, rounds: { type: 'string', default: '7' }, clock: { type: 'string', default: 'wall' } },
  strict: true,
});
const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const now = values.clock === 'cpu' ? cpuNow : () => performance.now();
const variants: [string, { gemmBlockEntries?: number }][] = [
  ['no column blocks', { gemmBlockEntries: 1 << 30 }],
  ['blocks of 128 KiB', { gemmBlockEntries: 16384 }],
  ['default (256 KiB)', {}],
  ['blocks of 512 KiB', { gemmBlockEntries: 65536 }],
];
const wasm = wasmApi();
if (!wasm) throw new Error('no WebAssembly in this runtime');
const insts = variants.map(([, o]) => new wasm.Instance(new wasm.Module(driftModuleBytes(o)), {}).exports as DriftExports & { memory: WasmMemory });
for (const [n, d] of values.sizes.split(',').map((s) => s.split('x').map(Number))) {
  const n4 = (n + 3) & ~3, d4 = (d + 3) & ~3, k = d;
  const oA = EXP_TABLE_BYTES / 8, oBT = oA + n4 * k, oW = oBT + n4 * k, oVP = oW + n4 * n4, oU = oVP + n4 * d4, total = oU + n4 * d4;
  const rng = new Rng(5);
  const data = new Float64Array(total);
  for (let t = oA; t < total; t++) data[t] = rng.normal();
  const best = variants.map(() => [Infinity, Infinity]);
  for (const ex of insts) {
    const need = total * 8 - ex.memory.buffer.byteLength;
    if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
    new Float64Array(ex.memory.buffer).set(data.subarray(oA), oA);
  }
  const macS = n4 * n4 * k / 2, macW = n4 * n * d4;
  const reps = Math.max(1, Math.round(2e8 / (macS + macW)));
  for (let r = 0; r < Number(values.rounds); r++) {
    insts.forEach((ex, v) => {
      let t0 = now();
      for (let q = 0; q < reps; q++) ex.gemm(oA * 8, oBT * 8, oW * 8, n4, k, n4, k, n4, 1, 0);
      best[v][0] = Math.min(best[v][0], (now() - t0) / reps);
      t0 = now();
      for (let q = 0; q < reps; q++) ex.gemm(oW * 8, oVP * 8, oU * 8, n4, n, d4, n4, d4, 0, 0);
      best[v][1] = Math.min(best[v][1], (now() - t0) / reps);
    });
  }
  console.log(`\nn ${n} d ${d}: GMAC/s (scores ${macS.toExponential(2)} MACs, weights x values ${macW.toExponential(2)})`);
  variants.forEach(([name], v) => console.log(`  ${name.padEnd(20)} scores ${(macS / best[v][0] / 1e6).toFixed(2)}  weights x values ${(macW / best[v][1] / 1e6).toFixed(2)}`));
}
