import { systemArbitrary } from '../properties/arbitraries.ts';
import type { SystemCase } from '../properties/cases.ts';
import { requestOf } from '../properties/cases.ts';
import { consensusCheck } from './S15.single-cluster-certificate.ts';
import type { Theorem } from './types.ts';

/**
 * Thm 4.3 on the circle: for d = 2 and beta <= 1 (Criscitiello–Rebjock–McRae–Boumal 2024) a.e. start
 * of SA and USA with Q = K = V = I converges to one point. Decided by certificate then diameter (S15).
 */
export const circleSmallBeta: Theorem<SystemCase> = {
  id: 'T4.3',
  title: 'on the circle with beta <= 1, random starts reach the hemisphere certificate and then a single point',
  source: 'Thm 4.3 (d = 2 case via Criscitiello et al. 2024); Remark C.1',
  hypotheses: 'd = 2, SA or USA, Q = K = V = I, beta in [0, 1], n in [2, 16], X(0) iid uniform on the circle',
  conclusion:
    'certificate, then diameter < max(1e-8, flowRtol) by t = 256 (doubling horizons; measured on the reference over 900 runs, 30 seeds x n in {2, 4, 8, 16, 32} x beta in {0.1, 0.5, 1} x SA/USA: certificate by t <= 16, consensus by t <= 64); never leaves the hemisphere or stalls after the certificate (S15)',
  tolerance: 'as S15: certificate margin > 10 flowRtol; diameter target max(1e-8, flowRtol); an exhausted budget is inconclusive',
  tier: 'should',
  kind: 'floating',
  cost: 'fast',
  needs: { ops: ['flow'], models: ['sa', 'usa'] },
  runs: 16,
  arbitrary: (ctx) => systemArbitrary({ models: ctx.models, n: [2, 16], d: [2, 2], beta: [0, 1], configurations: ['uniform'] }),
  check: (ctx, c) => consensusCheck(ctx, requestOf(c), 256),
};
