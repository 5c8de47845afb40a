import fc from 'fast-check';
import { compareRows } from '../src/highprec/compare.ts';
import { layer as layerHP } from '../src/highprec/layer.ts';
import { paramsOfCase, requestOf } from '../properties/cases.ts';
import type { HardCase } from './HP-support.ts';
import { HP_ABS, HP_COND, HP_REL, hardCaseArbitrary, scalesOf } from './HP-support.ts';
import { layerOf } from './support.ts';
import type { Theorem } from './types.ts';
import { Violation } from './types.ts';

/** A hard system with a layer step h and a number of layers. */
export interface HardLayerCase extends HardCase {
  readonly h: number;
  readonly steps: number;
}

/**
 * Tolerance on the k-th layer iterate: e_1 = 2 delta, e_k = A e_{k-1} + 2 delta, with the per-layer
 * error delta = eps (HP_ABS + h (HP_REL v s + HP_COND beta q k v s)) of y = x + h a (the drift a is
 * bounded by v s; one rounding of the axpy and of the normalisation is within HP_ABS eps) and the
 * amplification A = 2 (1 + h L), L = v s (1 + 2 beta q k) the Lipschitz scale of x -> a(x); the 2 is
 * 1/|y| <= 2 of y -> y/|y| (the arbitrary keeps h v s <= 1/2, so |y| >= 1/2).
 */
export function layerTolerance(eps: number, c: HardLayerCase, k: number): number {
  const sc = scalesOf(c);
  const delta = eps * (HP_ABS + c.h * (HP_REL * sc.v * sc.s + HP_COND * c.beta * sc.q * sc.k * sc.v * sc.s));
  const A = 2 * (1 + c.h * sc.v * sc.s * (1 + 2 * c.beta * sc.q * sc.k));
  let e = 0;
  for (let j = 0; j < k; j++) e = A * e + 2 * delta;
  return e;
}

/**
 * HP-layer: the implementation's Post-LN layer normalize(x + h a) (§1.7, PROTOCOL.md `layer`) agrees
 * with the 50-digit mirror, iterate by iterate, on the hard inputs.
 */
export const hpLayer: Theorem<HardLayerCase> = {
  id: 'HP-layer',
  title: 'layer(X, h, steps) agrees with the 50-digit reference iterate by iterate on hard inputs, within the per-layer float64 error propagated through the layer map',
  source: '§1.7 [CODE] Post-LN layer x <- (x + h a)/|x + h a|; PROTOCOL.md op layer; src/highprec mirror',
  hypotheses:
    'the hard regimes of HP-velocity (n <= 6, d <= 5, d = 128 with identity matrices), h in {0.05, 0.1, 0.25}, 1 to 3 layers (1 layer when beta >= 1000, where the layer map ' +
    'amplifies perturbations by ~ h beta); cases with h |V x| s > 1/2 are left out so that |x + h a| >= 1/2',
  conclusion:
    'for every layer k and token i: |x_i^(k) - x_i^(k),50| <= e_k, e_1 = 2 delta, e_k = A e_{k-1} + 2 delta, with delta = eps (450 + h (4500 v s + 64 beta q k v s)) ' +
    'and A = 2 (1 + h v s (1 + 2 beta q k)); tokens are unit vectors so the error is absolute',
  tolerance:
    'delta is the velocity bound of HP-velocity applied to the drift (times h) plus 450 eps for the axpy and the normalisation; the growth factor A bounds how the layer map ' +
    '(Lipschitz 1 + h L times 1/|y| <= 2) carries an earlier iterate\'s error forward. The float64 engine measured 4e-14 after 10 layers (test/highprec). Scales with the profile eps',
  tier: 'must',
  kind: 'high-prec',
  cost: 'fast',
  needs: { ops: ['layer'], models: ['sa', 'usa'] },
  conformance: true,
  runs: 30,
  arbitrary: (ctx) =>
    fc
      .tuple(hardCaseArbitrary({ models: ctx.models, nMax: 6, dMax: 5 }), fc.constantFrom(0.1, 0.05, 0.25), fc.integer({ min: 1, max: 3 }))
      .map(([c, h, steps]): HardLayerCase => ({ ...c, h, steps: c.beta >= 1000 ? 1 : steps }))
      .filter((c) => {
        const sc = scalesOf(c);
        return c.h * sc.v * sc.s <= 0.5;
      }),
  async check(ctx, c) {
    if (c.model === 'usa' && c.beta > 50) return { status: 'inconclusive', reason: 'USA layer not representable in float64 at this beta' };
    const req = requestOf(c);
    const states = await layerOf(ctx.impl, { ...req, h: c.h, steps: c.steps });
    const truth = layerHP(req.X, paramsOfCase(c), c.h, c.steps);
    let worst = 0, at = { layer: 0, row: 0, err: 0, tol: 0 };
    for (let k = 0; k < c.steps; k++) {
      const { err } = compareRows(states[k], truth[k]);
      const tol = layerTolerance(ctx.profile.eps, c, k + 1);
      for (let i = 0; i < err.length; i++) {
        if (!(err[i] / tol <= worst)) {
          worst = err[i] / tol;
          at = { layer: k + 1, row: i, err: err[i], tol };
        }
      }
    }
    if (!(worst <= 1)) {
      throw new Violation(`layer ${at.layer}, token ${at.row}: error ${at.err} against the 50-digit layer exceeds ${at.tol}`, {
        quantity: 'max_{k,i} |x_i^(k) - x_i^(k),50| / e_k', measured: worst, tolerance: 1, expected: '50-digit Post-LN layer', actual: { ...at, regime: c.regime },
      });
    }
    return { status: 'pass', measured: worst, tolerance: 1 };
  },
};
