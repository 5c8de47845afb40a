/**
 * Correct implementations that are not attnflow's reference: a float64 one with its own integrator
 * (adaptive RK4 with step doubling) and a float32 one (every operation rounded to float32). A check
 * that flags either is a false alarm.
 */
import type { FlowRequest, Implementation, SystemRequest } from '../../src/adapters/implementation.ts';
import { paramsOf, referenceImplementation } from '../../src/adapters/reference.ts';
import type { Tokens } from '../../src/linalg/mat.ts';
import { mat } from '../../src/linalg/mat.ts';
import { scoreMatrix } from '../../src/models/scores.ts';
import { velocity } from '../../src/models/velocity.ts';

type Field = (X: Float64Array) => Float64Array;

function retract(y: Float64Array, n: number, d: number, round: (x: number) => number): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s = round(s + round(y[i * d + k] * y[i * d + k]));
    const r = round(Math.sqrt(s));
    for (let k = 0; k < d; k++) y[i * d + k] = round(y[i * d + k] / r);
  }
  return y;
}

function rk4Step(f: Field, y: Float64Array, h: number, round: (x: number) => number): Float64Array {
  const ax = (a: Float64Array, s: number, b: Float64Array) => a.map((v, i) => round(v + round(s * b[i])));
  const k1 = f(y), k2 = f(ax(y, h / 2, k1)), k3 = f(ax(y, h / 2, k2)), k4 = f(ax(y, h, k3));
  return y.map((v, i) => round(v + round((h / 6) * round(k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]))));
}

/** Adaptive RK4 with step doubling (error = |two half steps - one step| / 15), retraction after each step. */
export function rk4DoublingFlow(f: Field, X: Tokens, times: readonly number[], tol = 1e-12): Tokens[] {
  const { rows: n, cols: d } = X;
  let y: Float64Array = Float64Array.from(X.data), t = 0, h = 1e-2;
  const id = (x: number) => x;
  const out: Tokens[] = [];
  for (const T of times) {
    while (t < T) {
      const dt = Math.min(h, T - t);
      let one: Float64Array, two: Float64Array, err = 0;
      try {
        one = rk4Step(f, y, dt, id);
        two = rk4Step(f, rk4Step(f, y, dt / 2, id), dt / 2, id);
        for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(two[i] - one[i]) / 15);
      } catch {
        // A trial stage far off the sphere can overflow the USA field: reject the step, shrink h.
        h = dt / 4;
        continue;
      }
      if (!Number.isFinite(err)) {
        h = dt / 4;
        continue;
      }
      if (err <= tol || dt < 1e-9) {
        y = retract(two.map((v, i) => v + (v - one[i]) / 15), n, d, id);
        t = dt === T - t ? T : t + dt;
      }
      h = dt * Math.min(4, Math.max(0.2, 0.9 * (tol / Math.max(err, 1e-300)) ** 0.2));
    }
    out.push({ rows: n, cols: d, data: Float64Array.from(y) });
  }
  return out;
}

/** Correct float64 implementation whose flow is {@link rk4DoublingFlow}, not the reference's DOPRI5. */
export function alternativeIntegrator(): Implementation {
  return {
    ...referenceImplementation(),
    name: 'rk4-step-doubling',
    flow: async (req: FlowRequest) => {
      const p = paramsOf(req);
      return rk4DoublingFlow((y) => velocity({ rows: req.X.rows, cols: req.X.cols, data: y }, p, { validate: false }).data, req.X, req.times);
    },
  };
}

const f32 = Math.fround;

/** SA/USA velocity (2.3) with every operation rounded to float32; the USA scale e^{beta m_i} is applied last. */
export function velocity32(req: SystemRequest, Xd: Float64Array = req.X.data): Float64Array {
  const n = req.X.rows, d = req.X.cols;
  const X = Xd.map(f32);
  const apply = (M: typeof req.Q, i: number) => {
    const out = new Float64Array(d);
    for (let r = 0; r < d; r++) {
      if (!M) out[r] = X[i * d + r];
      else {
        let s = 0;
        for (let c = 0; c < d; c++) s = f32(s + f32(f32(M.data[r * d + c]) * X[i * d + c]));
        out[r] = s;
      }
    }
    return out;
  };
  const QX = Array.from({ length: n }, (_, i) => apply(req.Q, i));
  const KX = Array.from({ length: n }, (_, i) => apply(req.K, i));
  const VX = Array.from({ length: n }, (_, i) => apply(req.V, i));
  const out = new Float64Array(n * d);
  const beta = f32(req.beta);
  for (let i = 0; i < n; i++) {
    const S = KX.map((k) => k.reduce((s, kv, r) => f32(s + f32(QX[i][r] * kv)), 0));
    const m = Math.max(...S);
    const w = S.map((s) => f32(Math.exp(f32(beta * f32(s - m)))));
    const z = req.model === 'sa' ? w.reduce((a, b) => f32(a + b), 0) : n;
    const a = new Float64Array(d);
    for (let j = 0; j < n; j++) for (let r = 0; r < d; r++) a[r] = f32(a[r] + f32(f32(w[j] / z) * VX[j][r]));
    let dot = 0;
    for (let r = 0; r < d; r++) dot = f32(dot + f32(a[r] * X[i * d + r]));
    const scale = req.model === 'usa' ? Math.exp(req.beta * m) : 1;
    for (let r = 0; r < d; r++) out[i * d + r] = f32(a[r] - f32(dot * X[i * d + r])) * scale;
  }
  return out;
}

/** A float32 implementation: velocity in float32 arithmetic, flow by float32 RK4 (h = min(2e-3, 1/L), L a Lipschitz bound) with retraction. */
export function float32Implementation(): Implementation {
  const ref = referenceImplementation();
  return {
    name: 'float32-rk4',
    models: ['sa', 'usa'],
    velocity: async (req) => ({ rows: req.X.rows, cols: req.X.cols, data: velocity32(req) }),
    flow: async (req) => {
      const n = req.X.rows, d = req.X.cols;
      let y: Float64Array = req.X.data.map(f32), t = 0;
      const fro = (M: typeof req.Q) => (M ? Math.hypot(...M.data) : Math.sqrt(d));
      const qk = fro(req.Q) * fro(req.K);
      // |d v / d x| <~ |V| (2 + 2 beta |Q||K|), times e^{beta max_ij S_ij} for USA (weights not normalised).
      const base = fro(req.V) * (2 + 2 * req.beta * qk);
      const lipschitzAt = (z: Float64Array) => {
        if (req.model !== 'usa') return base;
        const S = scoreMatrix({ rows: n, cols: d, data: z }, req.Q, req.K);
        let m = 0;
        for (let k = 0; k < S.length; k++) m = Math.max(m, S[k]);
        return base * Math.exp(req.beta * m);
      };
      const out: Tokens[] = [];
      for (const T of req.times) {
        while (t < T - 1e-12) {
          // Step 2e-3, or 1/L where L bounds the field's Lipschitz constant (stiff USA systems), so RK4 stays stable.
          const h = Math.min(2e-3, 1 / lipschitzAt(y), T - t);
          y = retract(rk4Step((z) => velocity32(req, z).map(f32), y, h, f32), n, d, f32);
          t += h;
        }
        out.push({ rows: n, cols: d, data: Float64Array.from(y) });
      }
      return out;
    },
    layer: async (req) => (await ref.layer!(req)).map((s) => mat(s.rows, s.cols, s.data.map(f32))),
    energy: async (req) => f32(await ref.energy!(req)),
  };
}
