/**
 * Deliberately broken implementations for the HP- theorems (agreement with the 50-digit mirror): each
 * is wrong in a way only a high-precision or convergence check sees, or that breaks at hard inputs.
 */
import type { Implementation, SystemRequest } from '../../src/adapters/implementation.ts';
import { paramsOf } from '../../src/adapters/reference.ts';
import type { Tokens } from '../../src/linalg/mat.ts';
import { mat } from '../../src/linalg/mat.ts';
import { attentionDrift } from '../../src/models/attentionDrift.ts';
import { velocity } from '../../src/models/velocity.ts';
import { mutate } from './mutants.ts';

/** Options of {@link plainVelocity}. */
interface PlainOptions {
  /** Applied to every intermediate (Math.fround: float32 arithmetic). */
  readonly round: (x: number) => number;
  /** Subtract the row maximum before exp (the stable softmax). */
  readonly stable: boolean;
}

/** A textbook loop-by-loop velocity (2.3): scores, softmax (or USA weights e^{beta S} / n), drift, projection. */
function plainVelocity(req: SystemRequest, { round: r, stable }: PlainOptions): Tokens {
  const { X, Q, K, V, beta } = req;
  const n = X.rows, d = X.cols;
  const x = Float64Array.from(X.data, r);
  const apply = (M: typeof Q): Float64Array => {
    if (!M) return x;
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s = r(s + r(r(M.data[a * d + b]) * x[i * d + b]));
      out[i * d + a] = s;
    }
    return out;
  };
  const qx = apply(Q), kx = apply(K), vx = apply(V);
  const out = mat(n, d);
  for (let i = 0; i < n; i++) {
    const S = new Float64Array(n);
    let m = -Infinity;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s = r(s + r(qx[i * d + k] * kx[j * d + k]));
      S[j] = s;
      m = Math.max(m, s);
    }
    const shift = stable && req.model === 'sa' ? m : 0;
    let z = 0;
    const w = new Float64Array(n);
    for (let j = 0; j < n; j++) z = r(z + (w[j] = r(Math.exp(r(r(beta) * r(S[j] - shift))))));
    const norm = req.model === 'usa' ? n : z;
    for (let k = 0; k < d; k++) {
      let a = 0;
      for (let j = 0; j < n; j++) a = r(a + r(w[j] * vx[j * d + k]));
      out.data[i * d + k] = r(a / norm);
    }
    let dot = 0;
    for (let k = 0; k < d; k++) dot = r(dot + r(out.data[i * d + k] * x[i * d + k]));
    for (let k = 0; k < d; k++) out.data[i * d + k] = r(out.data[i * d + k] - r(dot * x[i * d + k]));
  }
  return out;
}

/** Softmax without subtracting the row maximum: e^{beta S} overflows to Infinity at beta = 1000 (NaN weights). */
export const velocityNaiveExp = mutate('velocity-naive-exp', {
  velocity: async (req) => plainVelocity(req, { round: (x) => x, stable: false }),
});

/** The velocity computed in float32 throughout (Math.fround on every intermediate): fine for float32, not float64. */
export const velocityFloat32 = mutate('velocity-float32', {
  velocity: async (req) => plainVelocity(req, { round: Math.fround, stable: true }),
});

/** The energy with its scores rounded to float32: relative error ~ beta |S| 2^-24, invisible to the eye. */
export const energyFloat32Scores = mutate('energy-float32-scores', {
  energy: async (req) => {
    const { X, Q, K, beta } = req;
    const n = X.rows, d = X.cols;
    const apply = (M: typeof Q, i: number, a: number) => {
      if (!M) return X.data[i * d + a];
      let s = 0;
      for (let b = 0; b < d; b++) s += M.data[a * d + b] * X.data[i * d + b];
      return s;
    };
    let sum = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += apply(Q, i, a) * apply(K, j, a);
      sum += Math.exp(beta * Math.fround(s));
    }
    return sum / (2 * beta * n * n);
  },
});

function normalized(Y: Float64Array, n: number, d: number): Tokens {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += Y[i * d + k] ** 2;
    const r = Math.sqrt(s);
    for (let k = 0; k < d; k++) Y[i * d + k] /= r;
  }
  return mat(n, d, Y);
}

/** Layers built from a one-step map. */
function layersOf(step: (X: Tokens, req: SystemRequest, h: number) => Tokens): Implementation['layer'] {
  return async (req) => {
    const out: Tokens[] = [];
    let X = req.X;
    for (let s = 0; s < req.steps; s++) out.push((X = step(X, req, req.h)));
    return out;
  };
}

/** normalize(x + h a + h^2 a): a spurious second-order term, O(h^2) per layer. */
export const layerSecondOrderTerm = mutate('layer-second-order-term', {
  layer: layersOf((X, req, h) => {
    const a = attentionDrift(X, paramsOf(req));
    return normalized(X.data.map((x, k) => x + (h + h * h) * a.data[k]), X.rows, X.cols);
  }),
});

/** (x + h a) / (1 + h |a|) instead of / |x + h a|: tokens leave the sphere, the error does not vanish with h. */
export const layerWrongNormalisation = mutate('layer-wrong-normalisation', {
  layer: layersOf((X, req, h) => {
    const a = attentionDrift(X, paramsOf(req));
    const n = X.rows, d = X.cols, Y = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += a.data[i * d + k] ** 2;
      for (let k = 0; k < d; k++) Y[i * d + k] = (X.data[i * d + k] + h * a.data[i * d + k]) / (1 + h * Math.sqrt(s));
    }
    return mat(n, d, Y);
  }),
});

/** A 'layer' that is secretly Heun's method with retraction: second order, so its observed order is 2, not 1. */
export const layerHeun = mutate('layer-heun', {
  layer: layersOf((X, req, h) => {
    const p = paramsOf(req);
    const v1 = velocity(X, p);
    const Xt = normalized(X.data.map((x, k) => x + h * v1.data[k]), X.rows, X.cols);
    const v2 = velocity(Xt, p);
    return normalized(X.data.map((x, k) => x + (h / 2) * (v1.data[k] + v2.data[k])), X.rows, X.cols);
  }),
});

/** Explicit Euler with retraction at a fixed coarse step 0.05: a flow accurate to O(h) ~ 1e-2, not 1e-8. */
export const flowCoarseEuler = mutate('flow-coarse-euler', {
  flow: async (req) => {
    const p = paramsOf(req);
    const out: Tokens[] = [];
    let X = req.X, t = 0;
    for (const T of req.times) {
      while (t < T - 1e-15) {
        const dt = Math.min(0.05, T - t);
        const v = velocity(X, p);
        X = normalized(X.data.map((x, k) => x + dt * v.data[k]), X.rows, X.cols);
        t += dt;
      }
      out.push(X);
    }
    return out;
  },
});
