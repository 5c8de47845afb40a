import { AttnflowError, assertFinite, assertInteger } from '../errors.ts';
import type { Tokens } from '../linalg/mat.ts';
import type { AttentionParams } from '../models/params.ts';
import { validateParams, validateTokens } from '../models/params.ts';
import type { DMat } from './dmat.ts';
import { isDMat, toDMat } from './dmat.ts';
import { exactDecimal } from './exactDecimal.ts';
import { normalizeRows } from './normalize.ts';
import type { HighPrecisionOptions } from './options.ts';
import { contextFor } from './options.ts';
import type { DAttentionParams } from './params.ts';
import { toDParams } from './params.ts';
import { attentionDriftD } from './velocity.ts';

/** One Post-LN layer x_i <- (x_i + h a_i)/|x_i + h a_i| (THEORY.md §1.7, PROTOCOL.md `layer`) on converted inputs. */
export function layerStepD(X: DMat, p: DAttentionParams, h: number): DMat {
  const a = attentionDriftD(X, p);
  const hD = exactDecimal(h, X.D, 'h');
  const y = X.data.map((x, k) => x.plus(hD.times(a.data[k])));
  return normalizeRows({ rows: X.rows, cols: X.cols, data: y, D: X.D }, 'x + h a');
}

/**
 * High precision mirror of `layer` (src/models/layer.ts): `steps` Post-LN layers with step `h`, no
 * tangent projection (normalisation is the retraction). Returns [X_1, ..., X_steps].
 */
export function layer(X: Tokens | DMat, params: AttentionParams, h: number, steps: number, options: HighPrecisionOptions = {}): DMat[] {
  if (!isDMat(X)) validateTokens(X, true);
  validateParams(params, X.cols);
  assertFinite(h, 'h');
  if (h <= 0) throw new AttnflowError('h', `step size must be > 0, got ${h}`, 'pass a positive h such as 0.1');
  assertInteger(steps, 'steps', 1, 1e6);
  const D = contextFor(X, options);
  const p = toDParams(params, D);
  let cur = toDMat(X, D);
  const out: DMat[] = [];
  for (let s = 0; s < steps; s++) {
    cur = layerStepD(cur, p, h);
    out.push(cur);
  }
  return out;
}
