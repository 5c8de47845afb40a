/**
 * Deliberately broken implementations for the identity theorems (structural facts and identities). Each one is a
 * plausible bug, and each theorem of the batch is shown failing on at least one of them.
 */
import type { SystemRequest } from '../../src/adapters/implementation.ts';
import { paramsOf } from '../../src/adapters/reference.ts';
import { energy } from '../../src/energy/energy.ts';
import { flow } from '../../src/integrators/flow.ts';
import type { Tokens } from '../../src/linalg/mat.ts';
import { mat, transpose } from '../../src/linalg/mat.ts';
import { layer } from '../../src/models/layer.ts';
import { projectTangentInPlace } from '../../src/models/projectTangent.ts';
import { scoreMatrix } from '../../src/models/scores.ts';
import { velocity } from '../../src/models/velocity.ts';
import { mutate, rk4Flow } from './mutants.ts';

/** Ignores `model`: always the SA normaliser Z_i, so USA requests get the SA field. */
export const usaAsSa = mutate('usa-as-sa', {
  velocity: async (req) => velocity(req.X, { ...paramsOf(req), model: 'sa' }),
  flow: async (req) => flow(req.X, { ...paramsOf(req), model: 'sa' }, [...req.times], { rtol: 1e-11, atol: 1e-13 }).states,
});

/** Attention over j != i only: a "no self-attention" mask. Harmless for USA (the self term is projected out), wrong for SA's Z_i. */
export function selfExcludedVelocity(req: SystemRequest): Tokens {
  const { X, beta } = req;
  const n = X.rows, d = X.cols;
  const S = scoreMatrix(X, req.Q, req.K);
  const VX = req.V ? mat(n, d, Float64Array.from({ length: n * d }, (_, p) => {
    const i = Math.floor(p / d), k = p % d;
    let s = 0;
    for (let c = 0; c < d; c++) s += req.V!.data[k * d + c] * X.data[i * d + c];
    return s;
  })) : X;
  const out = mat(n, d);
  // A lone token attends to nothing: zero velocity (the correct answer too), not 0/0.
  if (n === 1) return out;
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) if (j !== i) m = Math.max(m, S[i * n + j]);
    let z = 0;
    const w = new Float64Array(n);
    for (let j = 0; j < n; j++) if (j !== i) z += (w[j] = Math.exp(beta * (S[i * n + j] - m)));
    const f = req.model === 'usa' ? Math.exp(beta * m) / n : 1 / z;
    for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) out.data[i * d + k] += f * w[j] * VX.data[j * d + k];
  }
  projectTangentInPlace(X, out.data);
  return out;
}

/** See {@link selfExcludedVelocity}; the flow integrates the same field by RK4. */
export const selfExcluded = mutate('self-excluded', {
  velocity: async (req) => selfExcludedVelocity(req),
  flow: async (req) => rk4Flow((X) => selfExcludedVelocity({ ...req, X }), req.X, req.times),
});

/** A layer whose residual step is 1.1 h (an extra factor in the step): it converges to the wrong time. */
export const layerStepScaled = mutate('layer-step-scaled', {
  layer: async (req) => layer(req.X, paramsOf(req), 1.1 * req.h, req.steps),
});

/** Scores <Q^T x_i, K x_j> instead of <Q x_i, K x_j>: invisible with Q symmetric, breaks O(d) equivariance otherwise. */
export const queryTransposed = mutate('query-transposed', {
  velocity: async (req) => velocity(req.X, { ...paramsOf(req), Q: req.Q && transpose(req.Q) }),
  flow: async (req) => flow(req.X, { ...paramsOf(req), Q: req.Q && transpose(req.Q) }, [...req.times], { rtol: 1e-11, atol: 1e-13 }).states,
});

/** The energy without the factor 1/2: twice E_beta. */
export const energyMissingHalf = mutate('energy-missing-half', {
  energy: async (req) => 2 * energy(req.X, { beta: req.beta, Q: req.Q, K: req.K }),
});

/** The energy without the 1/beta: beta E_beta. */
export const energyMissingInverseBeta = mutate('energy-missing-inverse-beta', {
  energy: async (req) => req.beta * energy(req.X, { beta: req.beta, Q: req.Q, K: req.K }),
});

/** The energy without self-interaction: (1/(2 beta n (n-1))) sum_{i != j} e^{beta <Qx_i, Kx_j>}, an unbiased estimate of E[sigma_d] for iid tokens. */
export const energyNoSelfInteraction = mutate('energy-no-self-interaction', {
  energy: async (req) => {
    const n = req.X.rows;
    if (n < 2) return energy(req.X, { beta: req.beta, Q: req.Q, K: req.K });
    const S = scoreMatrix(req.X, req.Q, req.K);
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += Math.exp(req.beta * S[i * n + j]);
    return s / (2 * req.beta * n * (n - 1));
  },
});

/** The printed eq. (3.7) (erratum E1): grad log \int beta^{-1} e^{beta<x,y>} dmu is beta times the SA field. */
export const printedEq37 = mutate('printed-3.7', {
  velocity: async (req) => {
    const v = velocity(req.X, paramsOf(req));
    for (let i = 0; i < v.data.length; i++) v.data[i] *= req.beta;
    return v;
  },
});

/** Ignores V (uses V = I): the repulsive V = -I model turns attractive. */
export const valueIgnored = mutate('value-ignored', {
  velocity: async (req) => velocity(req.X, { ...paramsOf(req), V: null }),
  flow: async (req) => flow(req.X, { ...paramsOf(req), V: null }, [...req.times], { rtol: 1e-11, atol: 1e-13 }).states,
});

