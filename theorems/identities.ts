/**
 * Identities: structural facts and identities of THEORY.md §2 and §6 (models, invariants, energy identities,
 * errata E1 and E6), in the order `attnflow verify` should run them: exact field identities first, then
 * energy identities, then flows.
 */
import { usaField } from './M-USA.usa-field.ts';
import { angleForm } from './M-ANG.angle-form.ts';
import { logGradientForm } from './E1.log-gradient-form.ts';
import { beta0HalfGradient } from './E6.beta0-half-gradient.ts';
import { beta0Equilibria } from './S9.beta0-equilibria.ts';
import { metricGradientFlow } from './S7.metric-gradient-flow.ts';
import { energyBounds } from './S4a.energy-bounds.ts';
import { energyExtremisers } from './P3.4.energy-extremisers.ts';
import { gegenbauerPositivity } from './P3.4g.gegenbauer-positivity.ts';
import { torusHessianTheorem } from './HessT.torus-hessian.ts';
import { orthogonalEquivariance } from './S3.orthogonal-equivariance.ts';
import { energyMonotoneSA } from './S5.energy-monotone-sa.ts';
import { energyDecreasingRepulsive } from './S5r.energy-decreasing-repulsive.ts';
import { usaGradientFlow } from './S6.usa-gradient-flow.ts';
import { layerFirstOrder } from './M-DISC.layer-first-order.ts';
import type { Theorem } from './types.ts';

/** The identity theorems in run order. */
export const identityTheorems: Theorem<any>[] = [
  usaField,
  angleForm,
  logGradientForm,
  beta0HalfGradient,
  beta0Equilibria,
  metricGradientFlow,
  energyBounds,
  energyExtremisers,
  gegenbauerPositivity,
  torusHessianTheorem,
  orthogonalEquivariance,
  energyMonotoneSA,
  energyDecreasingRepulsive,
  usaGradientFlow,
  layerFirstOrder,
];
