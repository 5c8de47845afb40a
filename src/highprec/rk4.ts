import type { Tokens } from '../linalg/mat.ts';
import type { AttentionParams } from '../models/params.ts';
import type { DMat } from './dmat.ts';
import { iterateD } from './iterate.ts';
import { exactDecimal } from './exactDecimal.ts';
import { normalizeRows } from './normalize.ts';
import type { HighPrecisionOptions } from './options.ts';
import type { DAttentionParams } from './params.ts';
import { velocityD } from './velocity.ts';

/** Options of {@link rk4}. */
export interface Rk4Options extends HighPrecisionOptions {
  /**
   * Renormalise every token after each step (default `true`), the retraction that keeps the state on
   * the sphere exactly; RK4 alone drifts off it by O(h^5) per step. Keep it equal to the float run you compare with.
   */
  readonly retract?: boolean;
}

function axpy(X: DMat, h: import('decimal.js').Decimal, K: DMat): DMat {
  return { rows: X.rows, cols: X.cols, data: X.data.map((x, k) => x.plus(h.times(K.data[k]))), D: X.D };
}

/** One classical RK4 step of eq. (2.3) on converted inputs. */
export function rk4StepD(X: DMat, p: DAttentionParams, h: number, retract = true): DMat {
  const D = X.D;
  const hD = exactDecimal(h, D, 'h');
  const half = hD.div(2);
  const k1 = velocityD(X, p);
  const k2 = velocityD(axpy(X, half, k1), p);
  const k3 = velocityD(axpy(X, half, k2), p);
  const k4 = velocityD(axpy(X, hD, k3), p);
  const sixth = hD.div(6);
  const data = X.data.map((x, k) => x.plus(sixth.times(k1.data[k].plus(k2.data[k].times(2)).plus(k3.data[k].times(2)).plus(k4.data[k]))));
  const Y = { rows: X.rows, cols: X.cols, data, D };
  return retract ? normalizeRows(Y) : Y;
}

/**
 * Fixed-step classical RK4 for eq. (2.3) in high precision, for short horizons (the reference the
 * float64 trajectory is compared with). Returns [X_1, ..., X_steps], X_k at time k h.
 */
export function rk4(X: Tokens | DMat, params: AttentionParams, h: number, steps: number, options: Rk4Options = {}): DMat[] {
  return iterateD(X, params, h, steps, options, (cur, p) => rk4StepD(cur, p, h, options.retract ?? true));
}
