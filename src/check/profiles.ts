import { AttnflowError } from '../errors.ts';
import type { ToleranceProfile } from '../../theorems/types.ts';
import { FLOAT32, FLOAT64 } from '../../theorems/types.ts';

/** Options that pick a tolerance profile (CLI `--profile`, `--eps`, `--flow-rtol`). */
export interface ProfileOptions {
  /** `float64` (default), `float32` or `custom`. */
  readonly profile?: string;
  /** Unit roundoff for `custom` (default: float64's 2^-52). */
  readonly eps?: number;
  /** Flow relative accuracy for `custom` (default: float64's 1e-8). */
  readonly flowRtol?: number;
}

/**
 * The tolerance profile named by `options`. `custom` starts from float64 and overrides `eps` and
 * `flowRtol`; giving either without `custom` is refused, so a report never claims a profile it did not use.
 */
export function resolveProfile(options: ProfileOptions = {}): ToleranceProfile {
  const name = options.profile ?? (options.eps !== undefined || options.flowRtol !== undefined ? 'custom' : 'float64');
  const positive = (v: number | undefined, field: string) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0 && v < 1)) {
      throw new AttnflowError(field, `expected a number in (0, 1), got ${v}`, `pass ${field} such as 1e-10`);
    }
    return v;
  };
  if (name === 'custom') {
    return { name: 'custom', eps: positive(options.eps, '--eps') ?? FLOAT64.eps, flowRtol: positive(options.flowRtol, '--flow-rtol') ?? FLOAT64.flowRtol };
  }
  if (name !== 'float64' && name !== 'float32') {
    throw new AttnflowError('--profile', `unknown profile ${JSON.stringify(name)}`, 'use float64, float32, or custom with --eps and --flow-rtol');
  }
  if (options.eps !== undefined || options.flowRtol !== undefined) {
    throw new AttnflowError('--eps/--flow-rtol', `only apply to the custom profile, not ${name}`, 'add --profile custom');
  }
  return name === 'float32' ? FLOAT32 : FLOAT64;
}
