import { AttnflowError } from '../errors.ts';

/** Which implementation computes the single-threaded attention drift. */
export type DriftKernel = 'wasm' | 'ts';

let chosen: DriftKernel | null = null;

/**
 * Selects the drift kernel: 'wasm' (WebAssembly SIMD, src/kernels/wasm; the default where the
 * runtime has it) or 'ts' (the TypeScript kernels, the tested reference). The environment variable
 * ATTNFLOW_KERNEL=ts|wasm sets the default, read at the first evaluation; `null` returns to it and
 * reads it anew.
 */
export function setDriftKernel(kernel: DriftKernel | null): void {
  if (kernel !== null && kernel !== 'wasm' && kernel !== 'ts') {
    throw new AttnflowError('kernel', `unknown drift kernel "${String(kernel)}"`, 'use "wasm" or "ts"');
  }
  chosen = kernel;
}

/** The drift kernel in force (see {@link setDriftKernel}). */
export function driftKernel(): DriftKernel {
  // process.env is a call into the host on every read: once per evaluation shows in profiles.
  chosen ??= kernelFromEnvironment();
  return chosen;
}

function kernelFromEnvironment(): DriftKernel {
  const env = process.env.ATTNFLOW_KERNEL;
  if (env === undefined || env === '' || env === 'wasm') return 'wasm';
  if (env === 'ts') return 'ts';
  throw new AttnflowError('ATTNFLOW_KERNEL', `unknown drift kernel "${env}" in the environment`, 'set ATTNFLOW_KERNEL=wasm or ATTNFLOW_KERNEL=ts, or unset it');
}
