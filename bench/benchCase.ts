import type { Tokens } from '../src/linalg/mat.ts';
import type { AttentionParams } from '../src/models/params.ts';
import { ginibre } from '../src/random/matrices.ts';
import { Rng } from '../src/random/rng.ts';
import { uniformSphere } from '../src/random/sphere.ts';

/**
 * The inputs the bench (bench/run.ts) and the profile (bench/profile.ts) time at n x d, seeded by the
 * size so both see the same ones: n unit tokens, and with `general` d x d Gaussian Q, K, V scaled by
 * 1 / sqrt(d) (scores of order 1), else Q = K = V = I.
 */
export function benchCase(n: number, d: number, general: boolean, beta = 1): { X: Tokens; params: AttentionParams } {
  const X = uniformSphere(n, d, new Rng(1000 + n * 7 + d));
  if (!general) return { X, params: { beta } };
  const rng = new Rng(2000 + n * 7 + d);
  const scaled = () => ({ rows: d, cols: d, data: ginibre(d, d, rng).data.map((v) => v / Math.sqrt(d)) });
  return { X, params: { beta, Q: scaled(), K: scaled(), V: scaled() } };
}
