/**
 * Deliberately broken implementations for the asymptotic and statistical theorems (equiangular, statistical, repulsive, follow-ups).
 * Each one is a plausible bug; each theorem of the batch is shown failing on at least one of them.
 */
import type { FlowRequest, Implementation } from '../../src/adapters/implementation.ts';
import { paramsOf, referenceImplementation } from '../../src/adapters/reference.ts';
import { flowGeneric } from '../../src/integrators/flow.ts';
import { attentionField, sphereRetraction } from '../../src/integrators/vectorField.ts';
import { mat } from '../../src/linalg/mat.ts';
import { mutate } from './mutants.ts';

const ref = referenceImplementation();

/** Uses beta / 2 in every op (a temperature off by a factor, e.g. a stray 1/sqrt(d)-style scaling). */
export const halfBeta = mutate('half-beta', {
  velocity: async (req) => ref.velocity!({ ...req, beta: req.beta / 2 }),
  flow: async (req) => ref.flow!({ ...req, beta: req.beta / 2 }),
  layer: async (req) => ref.layer!({ ...req, beta: req.beta / 2 }),
});

/** The flow runs at half speed: the state returned for time t is the true state at t / 2 (a dropped factor 2 in the step). */
export const halfSpeed = mutate('half-speed', {
  flow: async (req) => ref.flow!({ ...req, times: req.times.map((t) => t / 2) }),
});

/** Ignores the value matrix V in the flow (treats it as the identity). */
export const ignoreV = mutate('ignore-V', {
  flow: async (req) => ref.flow!({ ...req, V: null }),
});

/** Runs every flow at beta = 1 whatever the request says (a hard-coded temperature). */
export const betaFixed = mutate('beta-fixed-1', {
  flow: async (req) => ref.flow!({ ...req, beta: 1 }),
  layer: async (req) => ref.layer!({ ...req, beta: 1 }),
});

/** A flow op integrating the reference field followed by `alter(y, dy, d)`, with the sphere retraction. */
function alteredFieldFlow(alter: (y: Float64Array, dy: Float64Array, d: number) => void): Implementation['flow'] {
  return async (req: FlowRequest) => {
    const n = req.X.rows, d = req.X.cols;
    const f = attentionField(req.X, paramsOf(req));
    const res = flowGeneric((t, y, dy) => {
      f(t, y, dy);
      alter(y, dy, d);
    }, Float64Array.from(req.X.data), [...req.times], { rtol: 1e-10, atol: 1e-12, retraction: sphereRetraction(n, d) });
    return res.states.map((y) => mat(n, d, y));
  };
}

/** Integrates minus the field (a sign error: repulsive instead of attractive), with the sphere retraction. */
export const negatedField = mutate('negated-field', {
  flow: alteredFieldFlow((_y, dy) => {
    for (let i = 0; i < dy.length; i++) dy[i] = -dy[i];
  }),
});

/** The energy without its diagonal terms e^{beta <x_i, x_i>} (an off-by-one in the double sum). */
export const energyNoDiagonal = mutate('energy-no-diagonal', {
  energy: async (req) => {
    const e = await ref.energy!(req);
    const n = req.X.rows;
    // E = (1/(2 beta n^2)) sum_{i,j} e^{beta <x_i,x_j>}; drop the n diagonal terms e^beta (unit tokens, Q = K = I).
    return e - (n * Math.exp(req.beta)) / (2 * req.beta * n * n);
  },
});

/** The reference itself, for tests that need `Implementation` typing. */
export const reference: Implementation = ref;

/** Broken rescaled field for Tab1-V=I: forgets the rescaling z = e^{-tV} x and integrates the raw pure-attention drift (9.1). */
export { pureVelocity as unrescaledField } from '../../src/models/pureAttention.ts';

/**
 * Broken finite-beta field for Ex9.3: a softmax with a positional bias of 0.01 on token 1's score (a leaked
 * positional term), which breaks the tie between z1 and z2 and selects the branch towards z1.
 */
export function biasedSoftmaxField(Z: import('../../src/linalg/mat.ts').Tokens, beta: number): import('../../src/linalg/mat.ts').Mat {
  const n = Z.rows, d = Z.cols, z = Z.data;
  const out = mat(n, d);
  for (let i = 0; i < n; i++) {
    const s = Array.from({ length: n }, (_, j) => {
      let v = j === 0 ? 0.01 : 0;
      for (let k = 0; k < d; k++) v += z[i * d + k] * z[j * d + k];
      return v;
    });
    const m = Math.max(...s);
    const w = s.map((v) => Math.exp(beta * (v - m)));
    const tot = w.reduce((a, b) => a + b, 0);
    for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) out.data[i * d + k] += (w[j] / tot) * (z[j * d + k] - z[i * d + k]);
  }
  return out;
}

/** Adds the tangent drift P^perp_x e_1 to every token (a stray bias term): breaks rotation equivariance. */
export const driftToE1 = mutate('drift-to-e1', {
  flow: alteredFieldFlow((y, dy, d) => {
    for (let i = 0; i < y.length / d; i++) {
      const x1 = y[i * d];
      for (let k = 0; k < d; k++) dy[i * d + k] += (k === 0 ? 1 : 0) - x1 * y[i * d + k];
    }
  }),
});
