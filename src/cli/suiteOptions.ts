import { AttnflowError } from '../errors.ts';
import { selectTheorems } from '../../properties/runSuite.ts';
import { theorems } from '../../theorems/index.ts';
import type { Theorem, ToleranceProfile } from '../../theorems/types.ts';
import type { OptionSpec } from './command.ts';
import { integerOption } from './command.ts';
import { PROFILE_OPTIONS, parseProfileOptions } from './profileOptions.ts';

/** The options `verify` and `check` share: which theorems, which cases, which tolerances, which report. */
export const SUITE_OPTIONS = {
  all: { type: 'boolean' },
  only: { type: 'string' },
  seed: { type: 'string' },
  runs: { type: 'string' },
  path: { type: 'string' },
  ...PROFILE_OPTIONS,
  report: { type: 'string' },
  list: { type: 'boolean' },
} as const satisfies OptionSpec;

/** The help lines for {@link SUITE_OPTIONS}. */
export const SUITE_HELP = `  --all              also run the slow theorems (long sweeps)
  --only <globs>     comma-separated theorem ids, * as wildcard (e.g. "S*,T6.8")
  --seed <int>       suite seed (default 42); each theorem's seed is derived from it and its id
  --runs <int>       cases per theorem (default: each theorem's own)
  --path <path>      replay one fast-check case (printed by a failure's replay line)
  --profile <name>   tolerance profile: float64 (default), float32, or custom (with --eps, --flow-rtol)
  --eps <x>          custom profile: unit roundoff of the implementation's arithmetic
  --flow-rtol <x>    custom profile: relative accuracy its flow op is held to
  --report <file>    JSON-lines report, one line per theorem as it finishes
  --list             list the selected theorems and exit`;

/** The parsed, validated shared options. */
export interface SuiteSelection {
  readonly selected: Theorem<any>[];
  readonly seed: number;
  readonly runs: number | undefined;
  readonly profile: ToleranceProfile;
}

/**
 * Validates the shared options of `command`: the theorem selection (an `--only` that matches nothing
 * is an error naming it), seed, runs and the tolerance profile.
 */
export function parseSuiteOptions(command: string, values: { all?: boolean; only?: string; seed?: string; runs?: string; profile?: string; eps?: string; 'flow-rtol'?: string; list?: boolean }): SuiteSelection {
  const selected = selectTheorems(theorems, { all: values.all, only: values.only });
  if (values.only && selected.length === 0) {
    throw new AttnflowError('--only', `no theorem id matches ${JSON.stringify(values.only)}`, `run "attnflow ${command} --list --all" to see the ids`);
  }
  return {
    selected,
    seed: integerOption(values.seed, 'seed', 42, 0),
    runs: values.runs === undefined ? undefined : integerOption(values.runs, 'runs', 1, 1),
    profile: parseProfileOptions(values),
  };
}
