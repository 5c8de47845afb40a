/**
 * The one error type attnflow throws on bad input. It names the offending field and says how to fix
 * it, so a CLI user sees one readable line instead of a stack trace.
 */
export class AttnflowError extends Error {
  /** Dotted path of the offending input field, e.g. `params.beta` or `X[3][1]`. */
  readonly field: string;
  /** One sentence telling the caller what to change. */
  readonly fix: string;
  /** Machine-readable category, used by the protocol's `error.kind` and by the CLI's exit code. */
  readonly kind: 'invalid-request' | 'not-finite' | 'internal';

  constructor(field: string, problem: string, fix: string, kind: AttnflowError['kind'] = 'invalid-request') {
    super(`${field}: ${problem}. Fix: ${fix}`);
    this.name = 'AttnflowError';
    this.field = field;
    this.fix = fix;
    this.kind = kind;
  }
}

/** Throws an {@link AttnflowError} unless `value` is a finite number. */
export function assertFinite(value: number, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AttnflowError(field, `expected a finite number, got ${String(value)}`, `pass a finite number for ${field}`);
  }
}

/** Throws an {@link AttnflowError} unless `value` is an integer in [min, max]. */
export function assertInteger(value: number, field: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AttnflowError(
      field,
      `expected an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? 'inf' : max}], got ${String(value)}`,
      `pass an integer ${field} >= ${min}`,
    );
  }
}
