import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { AttnflowError } from '../errors.ts';

/** One `attnflow <name>` sub-command. */
export interface Command {
  /** The word after `attnflow`. */
  readonly name: string;
  /** One line for `attnflow --help`. */
  readonly summary: string;
  /** Full text for `attnflow <name> --help`. */
  readonly help: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** The options object of node:util parseArgs, as commands declare it. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` strictly: an unknown option becomes an {@link AttnflowError} that names it and points
 * at `--help`, instead of node's bare TypeError.
 */
export function parseCommandArgs<T extends OptionSpec>(command: string, argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (e) {
    const msg = (e as Error).message;
    throw new AttnflowError('options', msg.replace(/\.$/, ''), `run "attnflow ${command} --help" to see the options`);
  }
}

/** Parses a numeric option, naming it in the error if it is not a finite number. */
export function numberOption(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) {
    throw new AttnflowError(`--${field}`, `expected a number, got ${JSON.stringify(value)}`, `pass --${field} <number>`);
  }
  return v;
}

/** Parses a number option that must be > 0 (a duration, a step). */
export function positiveOption(value: string | undefined, field: string, fallback: number): number {
  const v = numberOption(value, field, fallback);
  if (!(v > 0)) throw new AttnflowError(`--${field}`, `must be > 0, got ${value}`, `pass --${field} ${fallback}`);
  return v;
}

/** Parses an integer option with a lower bound. */
export function integerOption(value: string | undefined, field: string, fallback: number, min = 1): number {
  const v = numberOption(value, field, fallback);
  if (!Number.isInteger(v) || v < min) {
    throw new AttnflowError(`--${field}`, `expected an integer >= ${min}, got ${value}`, `pass --${field} <integer >= ${min}>`);
  }
  return v;
}
