import { spawnSync } from 'node:child_process';

/** Whether `python3` with numpy runs here (the examples need it; attnflow itself never does). */
export const HAVE_NUMPY = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

/** Whether that `python3` also has scipy (the zoo's solve_ivp variants need it). */
export const HAVE_SCIPY = HAVE_NUMPY && spawnSync('python3', ['-c', 'import scipy.integrate'], { stdio: 'ignore' }).status === 0;

/** The shipped numpy example, with extra flags. */
export function pythonImpl(flags = ''): string {
  return `python3 examples/python/attnflow_impl.py${flags ? ' ' + flags : ''}`;
}
