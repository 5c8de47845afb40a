import type { Tokens } from '../linalg/mat.ts';
import type { AttentionParams } from '../models/params.ts';
import type { DMat } from './dmat.ts';
import { iterateD } from './iterate.ts';
import { exactDecimal } from './exactDecimal.ts';
import { normalizeRows } from './normalize.ts';
import type { HighPrecisionOptions } from './options.ts';
import type { DAttentionParams } from './params.ts';
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
  return iterateD(X, params, h, steps, options, (cur, p) => layerStepD(cur, p, h));
}
