/**
 * High precision: agreement with the 50-digit decimal.js mirror (src/highprec) on hard inputs, for velocity,
 * layer, energy and short flows, then the layer's observed order against a high-precision flow. Run
 * order: cheapest identities first, the convergence study last.
 */
import { hpVelocity } from './HP-velocity.fifty-digit-agreement.ts';
import { hpLayer } from './HP-layer.fifty-digit-agreement.ts';
import { hpEnergy } from './HP-energy.fifty-digit-agreement.ts';
import { hpFlow } from './HP-flow.short-horizon.ts';
import { hpOrder } from './HP-order.layer-order.ts';
import type { Theorem } from './types.ts';

/** Batch HP's theorems in run order. */
export const highPrecisionTheorems: Theorem<any>[] = [hpVelocity, hpEnergy, hpLayer, hpFlow, hpOrder];
