import fc from 'fast-check';
import { mat } from '../src/linalg/mat.ts';
import { normalizeRows } from '../src/linalg/vec.ts';
import { Rng } from '../src/random/rng.ts';
import { systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { flowOf, maxRowDistance } from './support.ts';
import type { Theorem } from './types.ts';
import { assertAtMost } from './types.ts';

/** A system, the size and seed of a perturbation of its tokens, and a time. */
export interface LipschitzCase extends SystemCase {
  readonly delta: number;
  readonly perturbSeed: number;
  readonly t: number;
}

/** c(beta) = e^{10 max(1, beta)} of (D.4) for SA. */
export function lipschitzConstantSA(beta: number): number {
  return Math.exp(10 * Math.max(1, beta));
}

/**
 * S11 ((D.4), SA): max_j |x_j(t) - y_j(t)| <= c(beta)^{n t} max_j |x_j(0) - y_j(0)| with
 * c(beta) = e^{10 max(1, beta)}. Very loose, so it is checked at short times where it still bites:
 * an implementation whose output jumps under a tiny change of the input fails it.
 */
export const lipschitzInitialData: Theorem<LipschitzCase> = {
  id: 'S11',
  title: 'the SA flow map is Lipschitz in the initial data with constant c(beta)^{n t}, c(beta) = e^{10 max(1, beta)}',
  source: '§2 S11; Appendix D, (D.4)',
  hypotheses:
    'SA, Q = K = V = I; n in [2, 4], d in [2, 4], beta in [0, 2]; Y(0) = normalise(X(0) + delta G), G Gaussian, delta in [1e-6, 1e-4]; t in [1e-3, 0.05] (so c^{nt} <= e^4 and the bound is not vacuous). USA (Remark D.1 prints c = e^{10 beta e^{2 beta}}, which tends to 1 as beta -> 0 and cannot hold for the beta = 0 flow) is not checked',
  conclusion: 'max_j |x_j(t) - y_j(t)| <= c(beta)^{n t} max_j |x_j(0) - y_j(0)| + tol',
  tolerance: 'absolute 4 flowRtol: the two flows are integrated separately, each accurate to flowRtol. Not scaled by the flow\'s amplification: t <= 0.05 and beta <= 2 with Q = K = V = I keep it below e^{0.05 (3 + 8)} < 1.8 (the rate bound of the envelope)',
  tier: 'must',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa'] },
  horizon: 'short',
  runs: 25,
  arbitrary: () =>
    fc
      .tuple(
        systemArbitrary({ models: ['sa'], n: [2, 4], d: [2, 4], beta: [0, 2], configurations: ['uniform', 'hemisphere', 'near-antipodal', 'clustered'] }),
        fc.double({ min: 1e-6, max: 1e-4, noNaN: true }),
        fc.nat({ max: 0x7fffffff }),
        fc.double({ min: 1e-3, max: 0.05, noNaN: true }),
      )
      .map(([c, delta, perturbSeed, t]) => ({ ...c, delta, perturbSeed, t })),
  async check(ctx, c) {
    const req = requestOf(c);
    const n = req.X.rows, d = req.X.cols;
    const rng = new Rng(c.perturbSeed);
    const Y = mat(n, d, req.X.data.map((x) => x + c.delta * rng.normal()));
    normalizeRows(Y.data, n, d);
    const sep0 = maxRowDistance(req.X, Y);
    const [xt] = await flowOf(ctx.impl, { ...req, times: [c.t] });
    const [yt] = await flowOf(ctx.impl, { ...req, X: Y, times: [c.t] });
    const bound = lipschitzConstantSA(c.beta) ** (n * c.t) * sep0 + 4 * ctx.profile.flowRtol;
    return assertAtMost('max_j |x_j(t) - y_j(t)|', maxRowDistance(xt, yt), bound, {
      expected: `<= c(beta)^{nt} * ${sep0}`,
    });
  },
};
