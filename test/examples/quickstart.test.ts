// The README's "Check your own code in 5 minutes" files (examples/quickstart/) get the verdicts the
// README shows: the numpy velocity and the torch module pass what they serve, the rest is skipped.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { HAVE_NUMPY } from '../adapters/pythonAvailable.ts';
import { reportMissingTorch, TORCH_PYTHON } from './torchAvailable.ts';

function check(impl: string, args: string): { status: number | null; out: string } {
  const r = spawnSync('sh', ['-c', `node bin/attnflow.js check --impl "${impl}" ${args}`], { encoding: 'utf8', timeout: 170_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe.skipIf(!HAVE_NUMPY)('quickstart: a numpy function', () => {
  test('the 11-line wrapper passes the velocity theorems; those needing another op are skipped with the reason', () => {
    const r = check('python3 examples/quickstart/my_numpy_impl.py', "--only 'M-SA,M-USA,E1,S1,M-DISC' --runs 20");
    expect(r.out).toMatch(/PASSED\s+M-SA/);
    expect(r.out).toMatch(/PASSED\s+M-USA/);
    expect(r.out).toMatch(/PASSED\s+E1/);
    expect(r.out).toMatch(/SKIPPED\s+S1\s.*needs op flow/);
    expect(r.out).toMatch(/SKIPPED\s+M-DISC\s.*needs op layer/);
    expect(r.status, r.out).toBe(0);
  }, 180_000);
});

describe.skipIf(!TORCH_PYTHON)('quickstart: a torch module', () => {
  test('the wrapped nn.Module passes M-SA, the 50-digit layer agreement and the first-order layer theorem', () => {
    const r = check(`${TORCH_PYTHON} examples/quickstart/my_torch_module.py`, "--only 'M-SA,HP-layer,M-DISC' --runs 5");
    expect(r.out).toMatch(/PASSED\s+M-SA/);
    expect(r.out).toMatch(/PASSED\s+HP-layer/);
    expect(r.out).toMatch(/PASSED\s+M-DISC/);
    expect(r.status, r.out).toBe(0);
  }, 180_000);
});
reportMissingTorch('quickstart: a torch module');
