/**
 * Deliberately broken implementations for the clustering theorems (clustering dynamics). Each one fails at least one
 * theorem of the group; test/theorems/clustering.test.ts shows which.
 */
import type { FlowRequest, Implementation } from '../../src/adapters/implementation.ts';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import type { Mat, Tokens } from '../../src/linalg/mat.ts';
import { mat, scaledIdentity } from '../../src/linalg/mat.ts';
import { hashString } from '../../src/random/rng.ts';
import { mutate } from './mutants.ts';

const ref = referenceImplementation();

function negate(M: Mat | null, d: number): Mat {
  if (!M) return scaledIdentity(d, -1);
  return mat(M.rows, M.cols, M.data.map((x) => -x));
}

/** Sign error in the value matrix (V -> -V): the repulsive dynamics; tokens leave every hemisphere. */
export const negatedValueFlow = mutate('negated-value', {
  flow: async (req) => ref.flow!({ ...req, V: negate(req.V, req.X.cols) }),
  velocity: async (req) => ref.velocity!({ ...req, V: negate(req.V, req.X.cols) }),
});

/** Silently caps every requested time at 2: later states repeat the state at t = 2. */
export const horizonCapped = mutate('horizon-capped-at-2', {
  flow: async (req) => ref.flow!({ ...req, times: req.times.map((t) => Math.min(t, 2)) }),
});

/**
 * Adds a rotation of every token in the (e_1, e_2) plane by an angle keyed on a hash of the input bits:
 * output jumps under arbitrarily small changes of the input (a non-deterministic or input-keyed noise bug).
 */
export const inputKeyedJitter = mutate('input-keyed-jitter', {
  flow: async (req) => {
    const states = await ref.flow!(req);
    const angle = 0.5 * (hashString(Array.from(req.X.data, (x) => x.toString(36)).join(',')) / 2 ** 32);
    return states.map((S) => rotate12(S, angle));
  },
});

function rotate12(S: Tokens, a: number): Tokens {
  const d = S.cols, out = mat(S.rows, d, Float64Array.from(S.data));
  if (d < 2) return out;
  const c = Math.cos(a), s = Math.sin(a);
  for (let i = 0; i < S.rows; i++) {
    const x = S.data[i * d], y = S.data[i * d + 1];
    out.data[i * d] = c * x - s * y;
    out.data[i * d + 1] = s * x + c * y;
  }
  return out;
}

/** A flow whose clock runs `factor` times slower: the right trajectory, reached too late. */
export function slowedFlow(factor: number): Implementation {
  return mutate(`slowed-${factor}x`, {
    flow: async (req: FlowRequest) => ref.flow!({ ...req, times: req.times.map((t) => t / factor) }),
  });
}

/** A temperature floor: every beta > 0 is run as beta + 0.5, so small-beta dynamics never approach beta = 0. */
export const betaFloor = mutate('beta-floor', {
  flow: async (req) => ref.flow!({ ...req, beta: req.beta > 0 ? req.beta + 0.5 : req.beta }),
  velocity: async (req) => ref.velocity!({ ...req, beta: req.beta > 0 ? req.beta + 0.5 : req.beta }),
});

/** Erratum E1 taken literally: the field carries an extra factor beta, i.e. time runs beta times as fast. */
export const extraBetaFactor = mutate('extra-beta-factor', {
  flow: async (req) => ref.flow!({ ...req, times: req.times.map((t) => t * req.beta) }),
});

/** The interaction energy with the sign of the score flipped, e^{-beta <Qx, Kx>}: the repulsive energy. */
export const repulsiveEnergy = mutate('repulsive-energy', {
  energy: async (req) => ref.energy!({ ...req, K: negate(req.K, req.X.cols) }),
});

/**
 * Adds a token-dependent output bias 1e-4 i e_d (a positional encoding leaking into the state, cf. Remark 3.2)
 * and renormalises: each token is pushed by a different amount, so the tokens converge to distinct points.
 */
export const positionalBias = mutate('positional-bias', {
  flow: async (req) => {
    const states = await ref.flow!(req);
    return states.map((S) => {
      const d = S.cols, out = mat(S.rows, d, Float64Array.from(S.data));
      for (let i = 0; i < S.rows; i++) {
        out.data[i * d + d - 1] += 1e-4 * i;
        let r = 0;
        for (let k = 0; k < d; k++) r += out.data[i * d + k] ** 2;
        for (let k = 0; k < d; k++) out.data[i * d + k] /= Math.sqrt(r);
      }
      return out;
    });
  },
});
