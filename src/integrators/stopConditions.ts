import { AttnflowError, assertFinite } from '../errors.ts';
import type { Tokens } from '../linalg/mat.ts';
import type { StopCondition } from './flow.ts';

/**
 * Stops the flow once the configuration has diameter max_{i,j} |x_i - x_j| < eps. A heuristic for
 * "one cluster" only: the rigorous criterion is the hemisphere certificate (S15, test-design note 2),
 * which the analysis module supplies as another {@link StopCondition}.
 */
export function diameterBelow(eps: number): StopCondition {
  assertFinite(eps, 'eps');
  if (eps <= 0) throw new AttnflowError('eps', `must be > 0, got ${eps}`, 'pass a positive diameter such as 1e-6');
  return { name: `diameterBelow(${eps})`, test: (_t, X) => diameterSquared(X) < eps * eps };
}

/** Wraps a predicate on the tokens as a named {@link StopCondition} (e.g. a hemisphere certificate). */
export function stopWhen(name: string, predicate: (X: Tokens, t: number) => boolean): StopCondition {
  if (typeof name !== 'string' || name === '') throw new AttnflowError('name', 'expected a non-empty string', 'name the stop condition');
  if (typeof predicate !== 'function') throw new AttnflowError('predicate', 'expected a function (X, t) => boolean', 'pass a predicate');
  return { name, test: (t, X) => predicate(X, t) };
}

function diameterSquared(X: Tokens): number {
  const n = X.rows, d = X.cols, x = X.data;
  let m = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const v = x[i * d + k] - x[j * d + k];
        s += v * v;
      }
      if (!(s <= m)) m = s;
    }
  }
  return m;
}
