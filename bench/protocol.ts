/**
 * Overhead of checking through the protocol: requests per second answered by the numpy example
 * (examples/python/attnflow_impl.py), one request per line versus coalesced `batch` lines, against
 * the time numpy itself spends computing the same velocities.
 *
 *     npx tsx bench/protocol.ts [--requests 2000] [--impl "python3 examples/python/attnflow_impl.py"]
 *     npx tsx bench/protocol.ts --baseline "python3 /tmp/old_template.py"   # also: batches, IMPL vs BASELINE
 *
 * With --baseline CMD it then measures batched velocity requests against both commands, alternating
 * them five times per size (so that a change of the machine's load hits both), and prints the median
 * rates and their ratio. The hand-written template that the harness replaced is in git history:
 * `git show 1731858:examples/python/attnflow_impl.py > /tmp/old_template.py`.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { SystemRequest } from '../src/adapters/implementation.ts';
import { subprocessImplementation } from '../src/adapters/subprocess.ts';
import { toRows } from '../src/linalg/mat.ts';
import { Rng } from '../src/random/rng.ts';
import { uniformSphere } from '../src/random/sphere.ts';

const { values } = parseArgs({ options: { requests: { type: 'string' }, impl: { type: 'string' }, baseline: { type: 'string' } } });
const N = Number(values.requests ?? 2000);
const IMPL = values.impl ?? 'python3 examples/python/attnflow_impl.py';

function requests(n: number, d: number, count: number): SystemRequest[] {
  const rng = new Rng(7);
  return Array.from({ length: count }, (_, k) => ({ model: 'sa', beta: 1 + (k % 5), Q: null, K: null, V: null, X: uniformSphere(n, d, rng) }));
}

/** Seconds numpy needs for the same velocities, called directly (no protocol). */
function numpyOnly(reqs: SystemRequest[]): number {
  const script = `
import json, sys, time
sys.path.insert(0, 'examples/python')
import numpy as np
from attnflow_impl import velocity
Xs = [np.asarray(x) for x in json.load(sys.stdin)]
bs = [1 + (k % 5) for k in range(len(Xs))]
t = time.perf_counter()
for X, b in zip(Xs, bs):
    d = X.shape[1]
    velocity(X, np.eye(d), np.eye(d), np.eye(d), b, "sa")
print(time.perf_counter() - t)
`;
  return Number(execFileSync('python3', ['-c', script], { input: JSON.stringify(reqs.map((r) => toRows(r.X))), encoding: 'utf8' }).trim());
}

async function rate(reqs: SystemRequest[], batch: boolean, chunk: number, command = IMPL): Promise<number> {
  const impl = await subprocessImplementation(command, { batch });
  try {
    await impl.velocity!(reqs[0]); // warm
    const t = performance.now();
    for (let k = 0; k < reqs.length; k += chunk) await Promise.all(reqs.slice(k, k + chunk).map((r) => impl.velocity!(r)));
    return (performance.now() - t) / 1000;
  } finally {
    await impl.close();
  }
}

const rows: string[][] = [];
for (const [n, d] of [[4, 3], [16, 8], [64, 16]] as const) {
  const reqs = requests(n, d, N);
  const single = await rate(reqs, false, 1);
  const batched = await rate(reqs, true, 64);
  const compute = numpyOnly(reqs);
  rows.push([`${n} x ${d}`, String(N), (N / single).toFixed(0), (N / batched).toFixed(0), (single / batched).toFixed(1) + 'x',
    (N / compute).toFixed(0), ((100 * compute) / single).toFixed(0) + '%', ((100 * compute) / batched).toFixed(0) + '%']);
}
const header = ['n x d', 'requests', 'req/s single', 'req/s batch(64)', 'speed-up', 'req/s numpy only', 'computing, single', 'computing, batch'];
const w = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
console.log(`protocol overhead, velocity requests to: ${IMPL}`);
for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padStart(w[i])).join('  '));

if (values.baseline) {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cmp: string[][] = [];
  for (const [n, d] of [[4, 3], [16, 8], [64, 16]] as const) {
    const reqs = requests(n, d, N);
    const a: number[] = [];
    const b: number[] = [];
    for (let k = 0; k < 5; k++) {
      a.push(N / (await rate(reqs, true, 64)));
      b.push(N / (await rate(reqs, true, 64, values.baseline)));
    }
    cmp.push([`${n} x ${d}`, median(a).toFixed(0), median(b).toFixed(0), (median(a) / median(b)).toFixed(2) + 'x']);
  }
  const h2 = ['n x d', 'req/s batch, impl', 'req/s batch, baseline', 'impl / baseline'];
  const w2 = h2.map((h, c) => Math.max(h.length, ...cmp.map((r) => r[c].length)));
  console.log(`\nbatches of 64, median of 5 alternating runs; impl: ${IMPL}; baseline: ${values.baseline}`);
  for (const r of [h2, ...cmp]) console.log(r.map((c, i) => c.padStart(w2[i])).join('  '));
}
