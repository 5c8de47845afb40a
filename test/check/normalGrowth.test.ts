import { describe, expect, test } from 'vitest';
import type { FlowRequest, Implementation } from '../../src/adapters/implementation.ts';
import { paramsOf, referenceImplementation } from '../../src/adapters/reference.ts';
import { MAX_NORMAL_AMPLIFICATION, normalGrowth } from '../../src/check/normalGrowth.ts';
import { flowGeneric } from '../../src/integrators/flow.ts';
import { attentionField } from '../../src/integrators/vectorField.ts';
import { fromRows, mat, scaledIdentity } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/random/rng.ts';
import { uniformSphere } from '../../src/random/sphere.ts';
import { flowSolvesOde } from '../../theorems/M-FLOW.flow-solves-ode.ts';
import { sphereInvariance } from '../../theorems/S1.sphere-invariance.ts';
import { energyDecreasingRepulsive } from '../../theorems/S5r.energy-decreasing-repulsive.ts';
import { repulsiveSimplex } from '../../theorems/T9.2.repulsive-simplex.ts';
import type { FlowPlan } from '../../theorems/support.ts';
import { flowAmplification, flowOf, MAX_AMPLIFICATION, maxNormDefect, maxRowDistance } from '../../theorems/support.ts';
import { expectPasses } from '../helpers/theoremBattery.ts';

/**
 * The textbook integrator most users call: adaptive DOPRI5 at rtol 1e-10, atol 1e-12 (scipy's
 * solve_ivp RK45 is the same pair), on the flat state, never renormalised. Correct: a check that fails it
 * is a false alarm. Counts its requests and the horizon of each.
 */
function withoutRetraction(rtol = 1e-10): Implementation & { spans: number[] } {
  const spans: number[] = [];
  return {
    ...referenceImplementation(),
    name: `dopri5-rtol-${rtol}-no-retraction`,
    retracts: false,
    spans,
    flow: async (req: FlowRequest) => {
      spans.push(req.times.length ? req.times[req.times.length - 1] : 0);
      const res = flowGeneric(attentionField(req.X, paramsOf(req)), Float64Array.from(req.X.data), [...req.times], { rtol, atol: rtol / 100 });
      return res.states.map((y) => mat(req.X.rows, req.X.cols, y));
    },
  };
}

describe('normalGrowth: how far the sphere repels an off-sphere error along the flow', () => {
  test('one USA token with V = -I is repelled at the constant rate 2 e^beta, so requests are cut every ln 10 / (2 e^beta)', () => {
    // a = e^{beta <x, x>} V x = -e^beta x, so g = -2 <x, a> = 2 e^beta while x stays put (its velocity is 0).
    const beta = 2, T = 1;
    const g = normalGrowth(fromRows([[0.6, 0.8]]), { model: 'usa', beta, V: scaledIdentity(2, -1) }, T);
    const every = Math.log(MAX_NORMAL_AMPLIFICATION) / (2 * Math.exp(beta));
    expect(g.cuts.length).toBe(Math.ceil(T / every) - 1);
    // Tolerance 1e-9 relative: the trapezoid rule is exact for a constant rate; what remains is rounding in the cut arithmetic.
    g.cuts.forEach((t, k) => expect(Math.abs(t - (k + 1) * every), `cut ${k} at ${t}, expected ${(k + 1) * every} (tol 1e-9)`).toBeLessThan(1e-9));
    expect(g.amplification).toBeLessThanOrEqual(MAX_NORMAL_AMPLIFICATION * (1 + 1e-9));
    expect(g.amplification).toBeGreaterThan(MAX_NORMAL_AMPLIFICATION * 0.99);
  });

  test('a limit that is not a growth factor above 1 is refused, naming the field', () => {
    expect(() => normalGrowth(fromRows([[1, 0]]), { beta: 1 }, 1, 1)).toThrow(/limit: must exceed 1/);
  });

  test('an attracting flow (V = I, tokens in one hemisphere) needs no cut and amplifies nothing', () => {
    const X = fromRows([[1, 0, 0], [0.8, 0.6, 0], [0.8, 0, 0.6], [0.6, 0.48, 0.64]]);
    const g = normalGrowth(X, { model: 'sa', beta: 1 }, 30);
    expect(g.cuts).toEqual([]);
    // <x_i, a_i> = sum_j w_ij <x_i, x_j> > 0 for every token, so exp(-2 int <x_i, a_i>) never exceeds 1.
    expect(g.amplification).toBe(1);
  });

  test('the repelling simplex flow (V = -I) is cut into requests that each amplify by at most 10', () => {
    const X = uniformSphere(5, 4, new Rng(7));
    const g = normalGrowth(X, { model: 'sa', beta: 3, V: scaledIdentity(4, -1) }, 40);
    expect(g.cuts.length).toBeGreaterThan(10);
    for (let k = 1; k < g.cuts.length; k++) expect(g.cuts[k]).toBeGreaterThan(g.cuts[k - 1]);
    expect(g.amplification).toBeLessThanOrEqual(MAX_NORMAL_AMPLIFICATION * (1 + 1e-9));
  });
});

describe('flowOf with an integrator that does not retract', () => {
  const base = { model: 'sa' as const, beta: 3, Q: null, K: null, V: scaledIdentity(4, -1), X: uniformSphere(5, 4, new Rng(11)) };

  test('a repelling flow is asked for in short requests and the answer stays on the sphere and on the solution', async () => {
    const impl = withoutRetraction();
    const plan: FlowPlan = { requests: 0, normalAmplification: 0 };
    const req: FlowRequest = { ...base, times: [5, 20] };
    const states = await flowOf(impl, req, { plan, raw: true });
    const truth = await referenceImplementation().flow!(req);
    expect(plan.requests).toBe(impl.spans.length);
    expect(plan.requests).toBeGreaterThan(5);
    expect(plan.normalAmplification).toBeLessThanOrEqual(MAX_NORMAL_AMPLIFICATION * (1 + 1e-9));
    // S1's tolerance, flowRtol N with flowRtol = 1e-8, and M-FLOW's 10 flowRtol (this flow contracts onto the simplex: A ~ 1).
    for (const s of states) expect(maxNormDefect(s)).toBeLessThan(1e-8 * plan.normalAmplification);
    states.forEach((s, k) => expect(maxRowDistance(s, truth[k]), `t = ${req.times[k]}`).toBeLessThan(1e-7));
  });

  test('asked in one request, the same integrator leaves the sphere: the cut is what makes the case answerable', async () => {
    const [s] = await withoutRetraction().flow!({ ...base, times: [20] });
    expect(maxNormDefect(s)).toBeGreaterThan(1e-3);
  });

  test('an implementation that retracts gets the horizon in one request', async () => {
    const plan: FlowPlan = { requests: 0, normalAmplification: 0 };
    await flowOf(referenceImplementation(), { ...base, times: [5, 20] }, { plan });
    expect(plan).toEqual({ requests: 1, normalAmplification: 1 });
  });
});

describe('no false alarm on a textbook integrator without a retraction (DOPRI5, rtol 1e-10)', () => {
  // Before requests were cut (this integrator marked retracts: true, so flowOf sends each horizon whole), S1 fails on both seeds and T9.2 on seed 1.
  for (const seed of [1, 2]) {
    test(`S1, M-FLOW, S5r and T9.2 pass it (seed ${seed})`, async () => {
      const impl = withoutRetraction();
      for (const thm of [sphereInvariance, flowSolvesOde, energyDecreasingRepulsive, repulsiveSimplex]) await expectPasses(thm, impl, { seed });
    }, 120_000);
  }
});

describe('flowAmplification: the conditioning of a flow comparison', () => {
  const antipodal = fromRows([[0.7577634356697591, -0.6525293675858297, 0, 0, 0], [-0.7577634356697591, 0.6525293675858298, 0, 0, 0]]);
  // M-FLOW's counterexample against scipy's DOP853 (seed 14): at beta = 0 two antipodal tokens are an equilibrium they leave fast under this V.
  const V = fromRows([
    [1.980418240502995, -1.0562662333339154, 0.35422179304917156, -1.4860958564324023, 0.40552926488755425],
    [-1.0562662333339154, 1.1716132329774513, 0.10343422811047691, -1.2026379410178831, 1.9704715705379754],
    [0.35422179304917156, 0.10343422811047691, 0.018394895782469653, 1.074060709144718, -0.6641259820275489],
    [-1.4860958564324023, -1.2026379410178831, 1.074060709144718, 1.3060653896046088, 0.47747062954142006],
    [0.40552926488755425, 1.9704715705379754, -0.6641259820275489, 0.47747062954142006, -1.2109872698679212],
  ]);
  const times = [2.677346674536832e-287, 0.022724999999999985, 22.72499999999997, 22.74772499999997];

  test('near an unstable equilibrium the saturated response of a finite perturbation is seen, and the case is ill-conditioned', async () => {
    // A perturbation of 1e-6 compared at these four times only saw 1.4e4 (both flows had fallen onto one attractor); the answer was 5e-3 off.
    const A = await flowAmplification(referenceImplementation(), { model: 'sa', beta: 0, Q: null, K: null, V, X: antipodal, times });
    expect(A).toBeGreaterThan(MAX_AMPLIFICATION);
  });

  test('a contracting flow (V = I, one hemisphere) amplifies by about 1, whichever perturbation size measures it', async () => {
    const X = fromRows([[1, 0, 0], [0.8, 0.6, 0], [0.8, 0, 0.6]]);
    const A = await flowAmplification(referenceImplementation(), { model: 'sa', beta: 1, Q: null, K: null, V: null, X, times: [1, 5, 20] });
    expect(A).toBeGreaterThanOrEqual(1);
    expect(A).toBeLessThan(2);
  });
});
