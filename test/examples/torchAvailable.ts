import { spawnSync } from 'node:child_process';
import { test } from 'vitest';

/**
 * The interpreter that has PyTorch (and numpy): Debian's /usr/bin/python3 with `python3-torch`, or
 * the python3 on PATH if it has torch; null when neither imports torch.
 */
export const TORCH_PYTHON: string | null =
  ['/usr/bin/python3', 'python3'].find((py) => spawnSync(py, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0) ?? null;

/** Why the torch tests cannot run here (null when they can). */
export const NO_TORCH_REASON = TORCH_PYTHON
  ? null
  : 'neither /usr/bin/python3 nor python3 imports torch and numpy (install with: apt-get install -y python3-torch)';

/**
 * Where torch is missing: in CI (CI=true) a failing test, since .ci/run installs python3-torch and its
 * absence means the torch implementation went unchecked; elsewhere a printed reason, and the caller
 * skips its torch tests.
 */
export function reportMissingTorch(what: string): void {
  if (!NO_TORCH_REASON) return;
  if (process.env.CI === 'true') {
    test(`${what}: torch is available in CI`, () => {
      throw new Error(`CI=true but ${NO_TORCH_REASON}; .ci/run installs it when it is missing`);
    });
  } else {
    console.warn(`skipping ${what}: ${NO_TORCH_REASON}`);
  }
}
