import type { ToleranceProfile } from '../../theorems/types.ts';
import type { ToleranceClass } from './cases.ts';

/** Where a quantity sits, for its tolerance. */
export interface ToleranceContext {
  /** max(1, largest |baseline value|): tolerances are relative to it. */
  readonly scale: number;
  /** Largest horizon of the quantity (flow), 0 otherwise. */
  readonly t: number;
}

/**
 * The allowed movement of one quantity, by class and profile (eps = unit roundoff, flowRtol = flow
 * accuracy of the profile):
 * - exact: 0;
 * - pointwise: 256 eps scale (reordered sums, a different exp: a few hundred ulps at most);
 * - flow: 0.01 flowRtol (1 + t) scale, i.e. 1e-10 (1 + t) in float64: far above what reordering the
 *   kernel does to an rtol 1e-11 integration, far below a change of the integrator's accuracy;
 * - long-horizon: max(1, 0.05 t) in time units (one grid step of the case, or 5 %).
 */
export function allowedMovement(cls: ToleranceClass, profile: ToleranceProfile, ctx: ToleranceContext): number {
  switch (cls) {
    case 'exact':
      return 0;
    case 'pointwise':
      return 256 * profile.eps * ctx.scale;
    case 'flow':
      return 0.01 * profile.flowRtol * (1 + ctx.t) * ctx.scale;
    case 'long-horizon':
      return Math.max(1, 0.05 * ctx.t);
  }
}
