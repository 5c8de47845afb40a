/**
 * Clustering dynamics (THEORY.md §2 S10, S11, S15 and §3 Thm 4.1-6.3, Lemma A.2, Lemma 6.4), in run
 * order: structural facts first, then the beta = 0 and small-beta theorems, then large beta, high dimension and
 * rates, and the slow statistical T4.2 last.
 */
import { smallBetaDeviation } from './4.4.small-beta-deviation.ts';
import { saddleGapBetaZero } from './LA.2.saddle-gap-beta-zero.ts';
import { coneCollapseRateTheorem } from './L6.4.cone-collapse-rate.ts';
import { hemisphereInvariance } from './S10.hemisphere-invariance.ts';
import { lipschitzInitialData } from './S11.lipschitz-initial-data.ts';
import { singleClusterCertificate } from './S15.single-cluster-certificate.ts';
import { consensusBetaZero } from './T4.1.consensus-beta-zero.ts';
import { smallBetaProbability } from './T4.2.small-beta-probability.ts';
import { circleSmallBeta } from './T4.3.circle-small-beta.ts';
import { largeBetaSaddles } from './T5.1.large-beta-saddles.ts';
import { highDimensionConsensus } from './T6.1.high-dimension-consensus.ts';
import { exponentialRate } from './T6.3.exponential-rate.ts';
import type { Theorem } from './types.ts';

/** The clustering theorems in their intended run order. */
export const clusteringTheorems: Theorem<any>[] = [
  hemisphereInvariance,
  lipschitzInitialData,
  singleClusterCertificate,
  saddleGapBetaZero,
  consensusBetaZero,
  smallBetaDeviation,
  circleSmallBeta,
  largeBetaSaddles,
  highDimensionConsensus,
  exponentialRate,
  coneCollapseRateTheorem,
  smallBetaProbability,
];
