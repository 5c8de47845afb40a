import { resolveProfile } from '../check/profiles.ts';
import type { ToleranceProfile } from '../../theorems/types.ts';
import type { OptionSpec } from './command.ts';
import { numberOption } from './command.ts';

/** The options that pick a tolerance profile: `--profile`, and `--eps`, `--flow-rtol` for `custom`. */
export const PROFILE_OPTIONS = {
  profile: { type: 'string' },
  eps: { type: 'string' },
  'flow-rtol': { type: 'string' },
} as const satisfies OptionSpec;

/** The tolerance profile named by the parsed {@link PROFILE_OPTIONS} (see {@link resolveProfile}). */
export function parseProfileOptions(values: { profile?: string; eps?: string; 'flow-rtol'?: string }): ToleranceProfile {
  return resolveProfile({
    profile: values.profile,
    eps: values.eps === undefined ? undefined : numberOption(values.eps, 'eps', 0),
    flowRtol: values['flow-rtol'] === undefined ? undefined : numberOption(values['flow-rtol'], 'flow-rtol', 0),
  });
}
