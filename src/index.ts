/**
 * attnflow's public API: the single, explicit barrel. Everything a user imports comes from here (or
 * from `attnflow/vitest` for the vitest registration helper); internal helpers stay unexported.
 */

// Errors
export { AttnflowError } from './errors.ts';

// Matrices and tokens (flat row-major Float64Array)
export type { Mat, Tokens } from './linalg/mat.ts';
export { fromRows, toRows, mat, identity, scaledIdentity, matmul, transpose } from './linalg/mat.ts';
export { expm } from './linalg/expm.ts';

// Random inputs from explicit seeds
export { Rng, deriveSeed } from './random/rng.ts';
export { uniformSphere, fromAngles, toAngles, orthogonalStart } from './random/sphere.ts';
export { ginibre, goe, psd, haarOrthogonal, symmetric } from './random/matrices.ts';

// Kernels: which implementation computes the drift, and how many threads the large sizes use
export { setDriftKernel, driftKernel } from './kernels/kernelChoice.ts';
export type { DriftKernel } from './kernels/kernelChoice.ts';
export { configurePool, poolThreads } from './kernels/pool.ts';
export type { PoolOptions } from './kernels/pool.ts';

// Models (THEORY.md §1)
export type { AttentionParams, ModelKind } from './models/params.ts';
export { velocity, velocityInto } from './models/velocity.ts';
export type { VelocityOptions } from './models/velocity.ts';
export { attentionWeights, logPartition } from './models/attentionWeights.ts';
export { attentionDrift } from './models/attentionDrift.ts';
export { projectTangent } from './models/projectTangent.ts';
export { layer, layerStep } from './models/layer.ts';
export { multiHeadVelocity } from './models/multiHead.ts';
export type { HeadParams, MultiHeadParams } from './models/multiHead.ts';
export { pureVelocity } from './models/pureAttention.ts';
export { rescaledVelocity, rescaledVelocityAutonomous } from './models/rescaled.ts';
export { argmaxSets, hardmaxVelocity } from './models/hardmax.ts';
export { angleVelocitySA, angleVelocityUSA } from './models/angleForm.ts';

// Integrators
export { flow, flowGeneric } from './integrators/flow.ts';
export type { FlowOptions, FlowResult, StopCondition } from './integrators/flow.ts';
export { diameterBelow, stopWhen } from './integrators/stopConditions.ts';

// Energy (§2 S4–S7)
export { energy, logEnergy, energyBeta0, metricEnergy } from './energy/energy.ts';
export { energyGradient, riemannianEnergyGradient, metricEnergyGradient } from './energy/energyGradient.ts';
export { besselI, besselIScaled, logBesselI } from './energy/besselI.ts';
export { uniformEnergy, logUniformEnergy, maxEnergy } from './energy/uniformEnergy.ts';

// Analysis
export { gram } from './analysis/gram.ts';
export { diameter, minPairwiseInner } from './analysis/diameter.ts';
export { clusters } from './analysis/clusters.ts';
export { hemisphereCertificate, hemisphereStop } from './analysis/hemisphere.ts';
export type { HemisphereResult } from './analysis/hemisphere.ts';
export { gammaBeta, oneMinusGammaBeta, tStar } from './analysis/equiangular.ts';
export { tauStar, largeBetaCriterion, largeBetaThreshold } from './analysis/tauStar.ts';

// High precision and certificates
export { decimalContext, DEFAULT_PRECISION } from './highprec/context.ts';
export { velocity as velocityHighPrecision } from './highprec/velocity.ts';
export { layer as layerHighPrecision } from './highprec/layer.ts';
export { energy as energyHighPrecision } from './highprec/energy.ts';
export { rk4 as rk4HighPrecision } from './highprec/rk4.ts';
export { exactHemisphereCertificate } from './certificates/exactHemisphere.ts';
export { verifyCertificate } from './certificates/verifyCertificate.ts';
export { certifyOneCluster } from './certificates/certifyOneCluster.ts';
export { wendelProbability } from './certificates/wendel.ts';

// Implementations under test
export type { Implementation, SystemRequest, FlowRequest, LayerRequest, EnergyRequest, Op } from './adapters/implementation.ts';
export { ImplementationError } from './adapters/implementation.ts';
export { referenceImplementation } from './adapters/reference.ts';
export { inProcessImplementation } from './adapters/inProcess.ts';
export { subprocessImplementation } from './adapters/subprocess.ts';
export { checkImplementation } from './check/checkImplementation.ts';
export type { CheckOptions, CheckReport } from './check/checkImplementation.ts';

// Theorems and their runner
export { theorems, theoremById } from '../theorems/index.ts';
export type { Theorem, Tier, ToleranceProfile } from '../theorems/types.ts';
export { FLOAT32, FLOAT64 } from '../theorems/types.ts';
export { runTheorem } from '../properties/runTheorem.ts';
export type { TheoremResult } from '../properties/runTheorem.ts';
export { runSuite } from '../properties/runSuite.ts';
export { systemArbitrary, configuration, matrixOf, betaArbitrary } from '../properties/arbitraries.ts';
