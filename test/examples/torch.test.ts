// The PyTorch implementation (examples/torch/attnflow_torch.py) checked by attnflow: the correct one
// passes, float32 passes under the float32 profile, and each deliberately broken twin is flagged by
// the theorem it violates. Needs Debian's python3-torch (CI installs it; elsewhere skipped with a reason).
import { describe, expect, test } from 'vitest';
import { subprocessImplementation } from '../../src/adapters/subprocess.ts';
import type { CheckOptions, CheckReport } from '../../src/check/checkImplementation.ts';
import { checkImplementation, THEORY_ONLY } from '../../src/check/checkImplementation.ts';
import { FLOAT32 } from '../../theorems/types.ts';
import { reportMissingTorch, TORCH_PYTHON } from './torchAvailable.ts';

const LONG = process.env.ATTNFLOW_LONG === '1';

/** The torch example's command line, with flags. */
export function torchImpl(flags = ''): string {
  return `${TORCH_PYTHON} examples/torch/attnflow_torch.py${flags ? ' ' + flags : ''}`;
}

async function check(flags: string, options: CheckOptions): Promise<CheckReport> {
  const command = torchImpl(flags);
  const impl = await subprocessImplementation(command, { timeoutSeconds: 120 });
  try {
    return await checkImplementation(impl, { replayPrefix: `attnflow check --impl '${command}'`, ...options });
  } finally {
    await impl.close();
  }
}

const verdicts = (r: CheckReport) => Object.fromEntries(r.results.map((x) => [x.id, x.verdict]));
// Theorems about the mathematics alone (they ask the implementation nothing) are skipped by check.
const theoryOnly = (x: CheckReport['results'][number]) => x.verdict === 'skipped' && x.reason === THEORY_ONLY;
const notPassed = (r: CheckReport) => r.results.filter((x) => x.verdict !== 'passed' && !theoryOnly(x)).map((x) => `${x.id}: ${x.verdict} ${x.failure?.message ?? x.reason ?? ''}`);

// One theorem per op and the 50-digit agreements: what a wrong attention, integrator or layer breaks.
const SUBSET = 'M-SA,M-USA,S1,S2,M-FLOW,M-DISC,HP-velocity,HP-energy,HP-layer,HP-flow';

describe.skipIf(!TORCH_PYTHON)('the PyTorch implementation', () => {
  test(LONG ? 'float64 passes every theorem at the default settings' : `float64 passes ${SUBSET}`, async () => {
    const report = await check('', LONG ? {} : { only: SUBSET, runs: 4 });
    expect(report.implementation.name).toBe('torch-example');
    expect(notPassed(report)).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.incidents).toEqual([]);
  }, LONG ? 900_000 : 120_000);

  test(LONG ? 'float32 passes every theorem under --profile float32' : 'float32 passes M-SA, S1, HP-layer, HP-energy under --profile float32', async () => {
    const report = await check('--dtype float32', LONG ? { profile: FLOAT32 } : { profile: FLOAT32, only: 'M-SA,S1,HP-layer,HP-energy', runs: 4 });
    // LA.2 may be inconclusive (exit 4): float32 energy rounding swamps its slack, which it says.
    expect(notPassed(report).filter((line) => !line.startsWith('LA.2: inconclusive'))).toEqual([]);
    expect(report.exitCode).toBe(report.results.some((r) => r.verdict === 'inconclusive') ? 4 : 0);
  }, LONG ? 900_000 : 120_000);

  test('float32 checked at the float64 profile fails M-SA: the profile is what lets it pass', async () => {
    const report = await check('--dtype float32', { only: 'M-SA', runs: 10 });
    expect(report.results[0].verdict).toBe('failed');
    expect(report.results[0].failure!.message).toMatch(/exceeds the tolerance/);
  }, 120_000);

  // Each twin is flagged by every theorem listed; the 50-digit layer check catches all four.
  test.concurrent.each([
    ['sqrt-d', ['M-SA', 'HP-layer']],
    ['causal', ['M-SA', 'HP-layer']],
    ['residual', ['M-DISC', 'HP-layer']],
    ['transposed', ['HP-layer']],
  ])('the broken twin --bug %s fails %j', async (bug, ids) => {
    const report = await check(`--bug ${bug}`, { only: ids.join(','), runs: 10 });
    expect(report.implementation.name).toBe(`torch-example+${bug}`);
    expect(verdicts(report), JSON.stringify(report.results.map((r) => r.failure?.message))).toEqual(Object.fromEntries(ids.map((id) => [id, 'failed'])));
    for (const r of report.results) expect(r.failure!.replay).toContain(`--bug ${bug}' --only '${r.id}' --seed 42 --path`);
    expect(report.exitCode).toBe(1);
  }, 180_000);
});
reportMissingTorch('the PyTorch implementation');
