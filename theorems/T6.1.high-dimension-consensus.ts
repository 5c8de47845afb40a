import { systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { consensusCheck } from './S15.single-cluster-certificate.ts';
import type { Theorem } from './types.ts';

/**
 * Thm 6.1 (Markdahl–Thunberg–Gonçalves 2017; Criscitiello et al. 2024): for d >= 3 and every beta >= 0,
 * a.e. start of SA and USA with Q = K = V = I converges to one point. Checked at moderate beta, since
 * the time to the certificate grows roughly like e^{c beta} (metastability, Problem 1).
 */
export const highDimensionConsensus: Theorem<SystemCase> = {
  id: 'T6.1',
  title: 'in dimension d >= 3, random starts at moderate beta reach the hemisphere certificate and then a single point',
  source: 'Thm 6.1; §2 S15',
  hypotheses: 'd in [3, 8], SA or USA, Q = K = V = I, beta in [0, 3], n in [2, 12], X(0) iid uniform',
  conclusion:
    'certificate, then diameter < max(1e-8, flowRtol) by t = 256 (doubling horizons); never leaves the hemisphere or stalls after the certificate (S15)',
  tolerance: 'as S15: certificate margin > 10 flowRtol; diameter target max(1e-8, flowRtol); an exhausted budget is inconclusive',
  tier: 'should',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa', 'usa'] },
  runs: 10,
  arbitrary: (ctx) => systemArbitrary({ models: ctx.models, n: [2, 12], d: [3, 8], beta: [0, 3], configurations: ['uniform'] }),
  check: (ctx, c) => consensusCheck(ctx, requestOf(c), 256),
};
