/**
 * Equiangular dynamics, statistical claims, the repulsive case, dynamics
 * without normalisation and follow-up results, in run order (fast theorems first).
 */
import { oneParticleUniform } from './BBGKY.one-particle-uniform.ts';
import { hardmaxMidpoint } from './Ex9.3.hardmax-midpoint.ts';
import { metastableClusters } from './F4.metastable-clusters.ts';
import { circleSynchronisation } from './FU-circle.synchronisation.ts';
import { longContext } from './FU-LC.long-context.ts';
import { metastability } from './FU-meta.metastability.ts';
import { phaseBoundary } from './G6.12.phase-boundary.ts';
import { wendel } from './T6.7.wendel.ts';
import { equiangular } from './T6.8.equiangular.ts';
import { equiangularRates } from './T6.8r.equiangular-rates.ts';
import { highDimensionTrend } from './T6.9.high-dimension-trend.ts';
import { repulsiveSimplex } from './T9.2.repulsive-simplex.ts';
import { hullShrinks } from './Tab1-V=I.hull-shrinks.ts';
import type { Theorem } from './types.ts';

/** The asymptotic theorems: fast ones (T6.7 ... FU-circle), then slow ones (G6.12, T6.9, F4, FU-meta, BBGKY, FU-LC). */
export const asymptoticTheorems: Theorem<any>[] = [
  wendel,
  equiangular,
  equiangularRates,
  repulsiveSimplex,
  hullShrinks,
  hardmaxMidpoint,
  circleSynchronisation,
  phaseBoundary,
  highDimensionTrend,
  metastableClusters,
  metastability,
  oneParticleUniform,
  longContext,
];
