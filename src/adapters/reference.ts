import { energy } from '../energy/energy.ts';
import { flow } from '../integrators/flow.ts';
import type { AttentionParams } from '../models/params.ts';
import { layer } from '../models/layer.ts';
import { velocity } from '../models/velocity.ts';
import type { Implementation, SystemRequest } from './implementation.ts';

/** Options for {@link referenceImplementation}. */
export interface ReferenceOptions {
  /** Relative tolerance of the adaptive Dormand–Prince integrator used for op `flow` (default 1e-11). */
  readonly rtol?: number;
  /** Absolute tolerance of the same (default 1e-13). */
  readonly atol?: number;
}

/** The AttentionParams carried by a request. */
export function paramsOf(req: SystemRequest): AttentionParams {
  return { model: req.model, beta: req.beta, Q: req.Q, K: req.K, V: req.V };
}

/** attnflow's own float64 engine behind the {@link Implementation} interface: the oracle every theorem trusts. */
export function referenceImplementation(options: ReferenceOptions = {}): Implementation {
  const rtol = options.rtol ?? 1e-11, atol = options.atol ?? 1e-13;
  return {
    name: 'attnflow-reference',
    version: '0.1.0',
    models: ['sa', 'usa'],
    retracts: true,
    velocity: async (req) => velocity(req.X, paramsOf(req)),
    flow: async (req) => flow(req.X, paramsOf(req), [...req.times], { integrator: 'dopri5', rtol, atol }).states,
    layer: async (req) => layer(req.X, paramsOf(req), req.h, req.steps),
    energy: async (req) => energy(req.X, { beta: req.beta, Q: req.Q, K: req.K }),
  };
}
