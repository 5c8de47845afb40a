/**
 * Deliberately broken implementations. Each theorem's test shows at least one of these failing it:
 * a check that cannot fail does not count.
 */
import type { Implementation, SystemRequest } from '../../src/adapters/implementation.ts';
import { paramsOf, referenceImplementation } from '../../src/adapters/reference.ts';
import type { Tokens } from '../../src/linalg/mat.ts';
import { mat } from '../../src/linalg/mat.ts';
import { attentionDrift } from '../../src/models/attentionDrift.ts';
import { projectTangent, projectTangentInPlace } from '../../src/models/projectTangent.ts';

/** The reference with some ops replaced. */
export function mutate(name: string, overrides: Partial<Implementation>): Implementation {
  // A replaced flow no longer inherits the reference's claim to retract onto the sphere.
  return { ...referenceImplementation(), name, ...(overrides.flow ? { retracts: false } : {}), ...overrides };
}

/** Classical RK4 of a field on the flat state, no retraction, h = 1e-2. */
export function rk4Flow(field: (X: Tokens) => Tokens, X0: Tokens, times: readonly number[], h = 1e-2): Tokens[] {
  let t = 0;
  let X = X0;
  const out: Tokens[] = [];
  const axpy = (A: Tokens, s: number, B: Tokens) => mat(A.rows, A.cols, A.data.map((a, i) => a + s * B.data[i]));
  for (const T of times) {
    while (t < T - 1e-15) {
      const dt = Math.min(h, T - t);
      const k1 = field(X), k2 = field(axpy(X, dt / 2, k1)), k3 = field(axpy(X, dt / 2, k2)), k4 = field(axpy(X, dt, k3));
      X = mat(X.rows, X.cols, X.data.map((x, i) => x + (dt / 6) * (k1.data[i] + 2 * k2.data[i] + 2 * k3.data[i] + k4.data[i])));
      t += dt;
    }
    out.push(X);
  }
  return out;
}

/** Forgets the tangent projection P^perp: velocity is the raw drift, and the flow leaves the sphere. */
export const noTangentProjection = mutate('no-tangent-projection', {
  velocity: async (req) => attentionDrift(req.X, paramsOf(req)),
  flow: async (req) => rk4Flow((X) => attentionDrift(X, paramsOf(req)), req.X, req.times),
});

/** Adds a token-index-dependent tangent perturbation: breaks permutation equivariance only. */
export const indexDependent = mutate('index-dependent', {
  velocity: async (req) => {
    const v = await referenceImplementation().velocity!(req);
    return bump(req, v);
  },
  flow: async (req) => {
    const p = paramsOf(req);
    return rk4Flow((X) => bump({ ...req, X }, projectTangent(X, attentionDrift(X, p))), req.X, req.times);
  },
});

/** v plus 1e-3 (i / n) times the tangent part of e_1 at token i. */
function bump(req: SystemRequest, v: Tokens): Tokens {
  const X = req.X, d = X.cols, out = mat(X.rows, d, Float64Array.from(v.data));
  for (let i = 0; i < X.rows; i++) {
    const s1 = X.data[i * d];
    for (let k = 0; k < d; k++) out.data[i * d + k] += (1e-3 * i / X.rows) * ((k === 0 ? 1 : 0) - s1 * X.data[i * d + k]);
  }
  return out;
}

/** Normalises the attention over the wrong axis (columns instead of rows): a classic softmax bug. */
export const softmaxWrongAxis = mutate('softmax-wrong-axis', {
  velocity: async (req) => {
    const { X } = req;
    const n = X.rows, d = X.cols;
    const p = paramsOf(req);
    const S = new Float64Array(n * n);
    const qx = (M: typeof req.Q, i: number, k: number) => {
      if (!M) return X.data[i * d + k];
      let s = 0;
      for (let c = 0; c < d; c++) s += M.data[k * d + c] * X.data[i * d + c];
      return s;
    };
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += qx(p.Q ?? null, i, k) * qx(p.K ?? null, j, k);
      S[i * n + j] = s;
    }
    const W = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      let m = -Infinity, z = 0;
      for (let i = 0; i < n; i++) m = Math.max(m, S[i * n + j]);
      for (let i = 0; i < n; i++) z += (W[i * n + j] = Math.exp(p.beta * (S[i * n + j] - m)));
      for (let i = 0; i < n; i++) W[i * n + j] /= req.model === 'usa' ? Math.exp(-p.beta * m) * n : z;
    }
    const out = mat(n, d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) out.data[i * d + k] += W[i * n + j] * (p.V ? qx(p.V, j, k) : X.data[j * d + k]);
    }
    projectTangentInPlace(X, out.data);
    return out;
  },
});
