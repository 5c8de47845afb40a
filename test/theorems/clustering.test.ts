import { runTheorem } from '../../properties/runTheorem.ts';
import { FLOAT32, FLOAT64 } from '../../theorems/types.ts';
import { describe, expect, it } from 'vitest';
import { referenceImplementation } from '../../src/adapters/reference.ts';
import { attentionWeights } from '../../src/models/attentionWeights.ts';
import { largeBetaCriterion, largeBetaThreshold } from '../../src/analysis/tauStar.ts';
import { mat } from '../../src/linalg/mat.ts';
import { smallBetaDeviation } from '../../theorems/4.4.small-beta-deviation.ts';
import { saddleGapBetaZero } from '../../theorems/LA.2.saddle-gap-beta-zero.ts';
import { coneCollapseRate, coneCollapseRateTheorem, printedConeCollapseRateSA } from '../../theorems/L6.4.cone-collapse-rate.ts';
import { hemisphereInvariance } from '../../theorems/S10.hemisphere-invariance.ts';
import { lipschitzInitialData } from '../../theorems/S11.lipschitz-initial-data.ts';
import { singleClusterCertificate } from '../../theorems/S15.single-cluster-certificate.ts';
import { consensusBetaZero } from '../../theorems/T4.1.consensus-beta-zero.ts';
import { makeSmallBetaProbabilityTheorem, smallBetaProbability } from '../../theorems/T4.2.small-beta-probability.ts';
import { circleSmallBeta } from '../../theorems/T4.3.circle-small-beta.ts';
import { defaultLargeBetaTools, largeBetaSaddles, makeLargeBetaSaddlesTheorem } from '../../theorems/T5.1.large-beta-saddles.ts';
import { highDimensionConsensus } from '../../theorems/T6.1.high-dimension-consensus.ts';
import { exponentialRate } from '../../theorems/T6.3.exponential-rate.ts';
import { clusteringTheorems } from '../../theorems/clustering.ts';
import { expectFails, expectPasses } from '../helpers/theoremBattery.ts';
import { betaFloor, extraBetaFactor, horizonCapped, inputKeyedJitter, negatedValueFlow, positionalBias, repulsiveEnergy, slowedFlow } from '../helpers/mutants-clustering.ts';

const reference = referenceImplementation();
const long = process.env.ATTNFLOW_LONG === '1';

describe('clustering theorem registry', () => {
  it('lists twelve theorems with distinct ids, every field filled', () => {
    const ids = clusteringTheorems.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['S10', 'S11', 'S15', 'LA.2', 'T4.1', '(4.4)', 'T4.3', 'T5.1', 'T6.1', 'T6.3', 'L6.4', 'T4.2']);
    for (const t of clusteringTheorems) {
      for (const f of [t.title, t.source, t.hypotheses, t.conclusion, t.tolerance]) expect(f.length, t.id).toBeGreaterThan(10);
      if (t.kind === 'statistical') expect(t.falseFailureProbability!, t.id).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe('S10 open-hemisphere invariance', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(hemisphereInvariance, reference);
  });
  it('fails for a flow with the value matrix negated (repulsive dynamics)', async () => {
    await expectFails(hemisphereInvariance, negatedValueFlow);
  });
});

describe('S11 Lipschitz dependence on the initial data', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(lipschitzInitialData, reference);
  });
  it('fails for a flow whose output jumps under tiny input changes', async () => {
    await expectFails(lipschitzInitialData, inputKeyedJitter);
  });
});

describe('S15 certificate then single cluster', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(singleClusterCertificate, reference);
  });
  it('fails for a repulsive flow, which leaves the certified hemisphere', async () => {
    await expectFails(singleClusterCertificate, negatedValueFlow);
  });
  it('fails for a flow that silently stops at t = 2', async () => {
    await expectFails(singleClusterCertificate, horizonCapped);
  });
});

describe('LA.2 strict saddles of E_0', () => {
  it('holds for the reference energy', async () => {
    await expectPasses(saddleGapBetaZero, reference);
  });
  it('fails for the energy with the score sign flipped', async () => {
    const r = await expectFails(saddleGapBetaZero, repulsiveEnergy);
    expect(r.failure!.details!.measured).toBeLessThan(0);
  });
  it('is skipped under the float32 profile, whose rounding exceeds the slack of every case, and runs under float64', async () => {
    const r = await runTheorem(saddleGapBetaZero, reference, { profile: FLOAT32 });
    expect(r.verdict).toBe('skipped');
    expect(r.reason).toMatch(/eps 1.19e-7 makes the second differences' rounding/);
    expect(saddleGapBetaZero.skipAtProfile!(FLOAT64)).toBeNull();
  });
});

describe('T4.1 consensus at beta = 0', () => {
  it('holds for the reference engine, uniform and perturbed antipodal starts', async () => {
    await expectPasses(consensusBetaZero, reference);
  });
  it('fails for a flow that silently stops at t = 2', async () => {
    await expectFails(consensusBetaZero, horizonCapped);
  });
  it.runIf(long)('holds on 200 cases (the THEORY.md sweep)', async () => {
    await expectPasses(consensusBetaZero, reference, { runs: 200 });
  });
});

describe('(4.4) small-beta deviation', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(smallBetaDeviation, reference);
  });
  it('fails for an implementation with a temperature floor (beta -> beta + 0.5)', async () => {
    await expectFails(smallBetaDeviation, betaFloor);
  });
});

describe('T4.3 circle, beta <= 1', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(circleSmallBeta, reference);
  });
  it('fails for a flow that silently stops at t = 2', async () => {
    await expectFails(circleSmallBeta, horizonCapped);
  });
  it.runIf(long)('holds on 150 cases', async () => {
    await expectPasses(circleSmallBeta, reference, { runs: 150 });
  });
});

describe('T5.1 large beta on the circle', () => {
  it('holds for the reference engine and attnflow tau*', async () => {
    await expectPasses(largeBetaSaddles, reference);
  });
  it('fails for a velocity with the value sign flipped (saddles become stable)', async () => {
    await expectFails(largeBetaSaddles, negatedValueFlow);
  });
  it('fails for the asymptotic tau* ~ sqrt((d-1)/beta) in place of the closed form', async () => {
    const broken = makeLargeBetaSaddlesTheorem({ ...defaultLargeBetaTools, tauStar: (beta, d) => Math.min(Math.PI / 2, Math.sqrt((d - 1) / beta)) });
    await expectFails(broken, reference);
  });
  it('fails for the printed threshold beta >= n^2/pi^2 (erratum E3)', async () => {
    const broken = makeLargeBetaSaddlesTheorem({ ...defaultLargeBetaTools, largeBetaThreshold: (n) => (n * n) / Math.PI ** 2 });
    const r = await expectFails(broken, reference);
    expect(r.failure!.details!.quantity).toBe('(n - 1) tau*_beta');
  });
  it('erratum E3: the printed n^2/pi^2 does not meet the proof criterion; the criterion thresholds match THEORY.md', () => {
    for (const [n, thr] of [[3, 1.414], [5, 6.311], [10, 32.67]] as const) {
      expect(largeBetaCriterion(n, (n * n) / Math.PI ** 2), `n = ${n}`).toBe(false);
      expect(Math.abs(largeBetaThreshold(n) / thr - 1), `n = ${n}: ${largeBetaThreshold(n)} vs ${thr} (4 figures), relative tol 1e-3`).toBeLessThan(1e-3);
      expect(largeBetaCriterion(n, largeBetaThreshold(n) * 1.001)).toBe(true);
    }
  });
});

describe('T6.1 d >= 3 consensus', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(highDimensionConsensus, reference);
  });
  it('fails for a flow that silently stops at t = 2', async () => {
    await expectFails(highDimensionConsensus, horizonCapped);
  });
  it.runIf(long)('holds on 100 cases', async () => {
    await expectPasses(highDimensionConsensus, reference, { runs: 100 });
  });
});

describe('T6.3 exponential rate for d >= n', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(exponentialRate, reference);
  });
  it('fails for a flow with a token-dependent output bias, which converges to several points', async () => {
    await expectFails(exponentialRate, positionalBias);
  });
});

describe('L6.4 cone collapse rate', () => {
  it('holds for the reference engine', async () => {
    await expectPasses(coneCollapseRateTheorem, reference);
  });
  it('fails for a flow whose clock runs 20x slow', async () => {
    await expectFails(coneCollapseRateTheorem, slowedFlow(20));
  });
  it('erratum E2: the printed SA rate 1/(2n e^beta) exceeds what (6.7) gives, 1/(2n e^{2 beta}); USA keeps e^beta', () => {
    for (const [n, beta] of [[2, 0.5], [8, 1], [32, 4]]) {
      expect(printedConeCollapseRateSA(n, beta) / coneCollapseRate('sa', n, beta)).toBeCloseTo(Math.exp(beta), 12);
      expect(coneCollapseRate('usa', n, beta)).toBeCloseTo(printedConeCollapseRateSA(n, beta), 15);
    }
  });
  it('erratum E2: SA attention weights go below e^{-beta}/n, so (6.7) cannot give the printed rate; they stay above e^{-2 beta}/n', () => {
    // One token at -e, the rest at e: a_{n,j} = e^{-beta}/((n-1) e^{beta} + e^{-beta}) for the token at -e attending to e.
    for (const [n, beta] of [[2, 1], [8, 2], [16, 3]]) {
      const X = mat(n, 2);
      for (let i = 0; i < n; i++) X.data[2 * i] = i === n - 1 ? -1 : 1;
      const W = attentionWeights(X, { model: 'sa', beta });
      let min = Infinity;
      for (const w of W.data) min = Math.min(min, w);
      expect(min, `n = ${n}, beta = ${beta}: min a_ij ${min} vs e^{-beta}/n ${Math.exp(-beta) / n}`).toBeLessThan(Math.exp(-beta) / n);
      expect(min).toBeGreaterThanOrEqual(Math.exp(-2 * beta) / n);
    }
  });
  it('erratum E2: integrating (6.7) from alpha(t0) = 1/2 gives a bound larger than the printed one at every t > t0', () => {
    const n = 4, beta = 1;
    for (const dt of [1, 10, 100]) {
      const from67 = 0.5 * Math.exp(-coneCollapseRate('sa', n, beta) * dt);
      const printed = 0.5 * Math.exp(-printedConeCollapseRateSA(n, beta) * dt);
      expect(from67).toBeGreaterThan(printed);
    }
  });
});

describe('T4.2 small beta, random Q, K (statistical)', () => {
  // Small instances keep the default suite fast; their own false-failure bound is weaker, but the seeds are fixed.
  it('holds for the reference engine (16 paired samples)', async () => {
    await expectPasses(makeSmallBetaProbabilityTheorem({ samples: 16 }), reference);
  });
  it('fails when the field carries an extra factor beta (erratum E1 taken literally; 6 paired samples)', async () => {
    const r = await expectFails(makeSmallBetaProbabilityTheorem({ samples: 6 }), extraBetaFactor);
    expect(r.failure!.details!.measured).toBeLessThan(0.7);
  });
  it('the default instance has false-failure probability <= 1e-6 with 121 samples', () => {
    expect(smallBetaProbability.falseFailureProbability!).toBeLessThanOrEqual(1e-6);
    expect(smallBetaProbability.cost).toBe('slow');
  });
  it.runIf(long)('holds for the reference engine with the default 121 samples', async () => {
    await expectPasses(smallBetaProbability, reference);
  });
});
