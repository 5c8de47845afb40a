/**
 * The theorem registry: every checkable claim of THEORY.md, in the order `attnflow verify` runs them.
 * Each module is named `<id>.<topic>.ts`.
 */
import { velocityField } from './M-SA.velocity-field.ts';
import { sphereInvariance } from './S1.sphere-invariance.ts';
import { permutationEquivariance } from './S2.permutation-equivariance.ts';
import { flowSolvesOde } from './M-FLOW.flow-solves-ode.ts';
import { identityTheorems } from './identities.ts';
import { clusteringTheorems } from './clustering.ts';
import { asymptoticTheorems } from './asymptotics.ts';
import { highPrecisionTheorems } from './highPrecision.ts';
import type { Theorem } from './types.ts';

export type { Theorem, TheoremContext, Tier, ToleranceProfile, Outcome } from './types.ts';
export { FLOAT32, FLOAT64, Violation } from './types.ts';

/** All theorems, fast and slow. */
export const theorems: readonly Theorem<any>[] = [velocityField, sphereInvariance, permutationEquivariance, flowSolvesOde, ...identityTheorems, ...clusteringTheorems, ...asymptoticTheorems, ...highPrecisionTheorems];

/** The theorem with this id, or undefined. */
export function theoremById(id: string): Theorem<any> | undefined {
  return theorems.find((t) => t.id === id);
}
