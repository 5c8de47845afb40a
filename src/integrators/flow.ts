import { AttnflowError } from '../errors.ts';
import type { Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import { layerStep } from '../models/layer.ts';
import type { AttentionParams } from '../models/params.ts';
import { validateParams, validateTokens } from '../models/params.ts';
import { dopri5 } from './dopri5.ts';
import { integrateFixedStep } from './fixedStep.ts';
import type { OdeEvent, OdeResult } from './odeTypes.ts';
import { rk4 } from './rk4.ts';
import { validateTimes } from './validateTimes.ts';
import type { Retraction, VectorField } from './vectorField.ts';
import { attentionField, sphereRetraction } from './vectorField.ts';

/** A named predicate on the tokens that stops a {@link flow} (e.g. {@link diameterBelow}, or a hemisphere certificate, S15). */
export interface StopCondition {
  /** Reported in {@link FlowResult.stoppedBy}. */
  readonly name: string;
  /** True when the flow should stop. Receives a copy of the state, which it may keep. */
  readonly test: (t: number, X: Tokens) => boolean;
}

/** Options of {@link flow}. */
export interface FlowOptions {
  /**
   * `dopri5` (adaptive Dormand–Prince 5(4), default), `rk4` (classical fixed step) or `layer` (the
   * Post-LN residual layer of §1.7, first order). All three keep tokens on the sphere (S1).
   */
  readonly integrator?: 'dopri5' | 'rk4' | 'layer';
  /** DOPRI5 relative tolerance (default 1e-10, test-design note 1). */
  readonly rtol?: number;
  /** DOPRI5 absolute tolerance (default 1e-12). */
  readonly atol?: number;
  /** Step size of `rk4` (default 0.01) or `layer` (default 0.1, the authors' eta). */
  readonly h?: number;
  /** Budget of attempted steps (default 1e6); running out returns a partial result flagged `budgetExhausted`. */
  readonly maxSteps?: number;
  /** Stop conditions checked after every accepted step (and at time 0); the first that holds stops the flow. */
  readonly stop?: readonly StopCondition[];
  /** Called after each accepted step with the current time and the last requested time. */
  readonly onProgress?: (t: number, tEnd: number) => void;
}

/** What {@link flow} returns. */
export interface FlowResult {
  /** The requested times reached (all of them unless a stop condition fired or the budget ran out). */
  times: number[];
  /** X(t) at each entry of `times`; at time 0 an exact copy of X. */
  states: Tokens[];
  /**
   * The stop condition that fired, the time it fired and the state then. DOPRI5 locates that time by
   * bisection on its dense output (to 1e-10 max(1, t)); `rk4` and `layer` report the first step end.
   */
  stoppedBy?: { name: string; t: number; state: Tokens };
  /** True when `maxSteps` ran out before the last requested time; `states` then holds the times reached. */
  budgetExhausted: boolean;
  /** The time the integration reached. */
  tReached: number;
  /** Accepted steps, rejected steps, field (or layer) evaluations. */
  stats: { steps: number; rejected: number; evaluations: number };
}

/**
 * The flow of the self-attention dynamics (2.3) (SA or USA, any Q, K, V) from X at time 0, sampled at
 * the requested non-decreasing times >= 0: the entry point of `attnflow serve` (op `flow`),
 * `simulate` and the theorem checks.
 */
export function flow(X: Tokens, params: AttentionParams, times: number[], options: FlowOptions = {}): FlowResult {
  validateTokens(X, true);
  validateParams(params, X.cols);
  validateTimes(times);
  validateFlowOptions(options);
  const n = X.rows, d = X.cols;
  const events: OdeEvent[] = (options.stop ?? []).map((c) => ({ name: c.name, test: (t, y) => c.test(t, mat(n, d, y)) }));
  const common = { maxSteps: options.maxSteps, events, onProgress: options.onProgress };
  const integrator = options.integrator ?? 'dopri5';
  let res: OdeResult;
  if (integrator === 'layer') {
    // The layer normalises every token itself (§1.7), so it needs no retraction.
    const step = (_t: number, y: Float64Array, h: number, out: Float64Array) => out.set(layerStep(mat(n, d, y), params, h).data);
    res = integrateFixedStep(step, X.data, times, { ...common, h: options.h ?? 0.1 });
  } else {
    const f = attentionField(X, params);
    const retraction = sphereRetraction(n, d);
    res = integrator === 'rk4'
      ? rk4(f, X.data, times, { ...common, retraction, h: options.h ?? 0.01 })
      : dopri5(f, X.data, times, { ...common, retraction, rtol: options.rtol, atol: options.atol });
  }
  const out: FlowResult = {
    times: res.times,
    states: res.states.map((y) => mat(n, d, y)),
    budgetExhausted: res.budgetExhausted,
    tReached: res.t,
    stats: res.stats,
  };
  if (res.stoppedBy) out.stoppedBy = { name: res.stoppedBy.name, t: res.stoppedBy.t, state: mat(n, d, res.stoppedBy.state) };
  return out;
}

/** Options of {@link flowGeneric}. */
export interface GenericFlowOptions {
  /** `dopri5` (default) or `rk4`. */
  readonly integrator?: 'dopri5' | 'rk4';
  /** DOPRI5 relative tolerance (default 1e-10). */
  readonly rtol?: number;
  /** DOPRI5 absolute tolerance (default 1e-12). */
  readonly atol?: number;
  /** RK4 step size (default 0.01). */
  readonly h?: number;
  /** Start time (default 0). */
  readonly t0?: number;
  /** Budget of attempted steps (default 1e6); running out returns a partial result flagged `budgetExhausted`. */
  readonly maxSteps?: number;
  /** Maps states back onto the invariant manifold after each step (e.g. {@link sphereRetraction}); default none. */
  readonly retraction?: Retraction;
  /** Stop events on the flat state (default none). */
  readonly events?: readonly OdeEvent[];
  /** Called after each accepted step with the current time and the last requested time. */
  readonly onProgress?: (t: number, tEnd: number) => void;
}

/**
 * Integrates any {@link VectorField} (angle form on the circle, pure attention, multi-head, ...) from
 * y0 at t0 through the requested times, with the same integrators, budget and events as {@link flow}.
 */
export function flowGeneric(f: VectorField, y0: Float64Array, times: number[], options: GenericFlowOptions = {}): OdeResult {
  if (typeof f !== 'function') throw new AttnflowError('f', 'expected a vector field (t, y, dy) => void', 'pass a VectorField');
  if (!(y0 instanceof Float64Array)) throw new AttnflowError('y0', 'expected a Float64Array', 'pass the initial state as a Float64Array');
  for (let i = 0; i < y0.length; i++) {
    if (!Number.isFinite(y0[i])) throw new AttnflowError(`y0[${i}]`, `is ${y0[i]}`, 'pass a finite initial state');
  }
  const integrator = options.integrator ?? 'dopri5';
  if (integrator !== 'dopri5' && integrator !== 'rk4') {
    throw new AttnflowError('options.integrator', `unknown integrator ${JSON.stringify(integrator)}`, 'use "dopri5" or "rk4"');
  }
  const common = { t0: options.t0, maxSteps: options.maxSteps, retraction: options.retraction, events: options.events, onProgress: options.onProgress };
  return integrator === 'rk4'
    ? rk4(f, y0, times, { ...common, h: options.h ?? 0.01 })
    : dopri5(f, y0, times, { ...common, rtol: options.rtol, atol: options.atol });
}

function validateFlowOptions(options: FlowOptions): void {
  if (options === null || typeof options !== 'object') throw new AttnflowError('options', 'expected an options object', 'pass {} or omit it');
  const integrator = options.integrator ?? 'dopri5';
  if (integrator !== 'dopri5' && integrator !== 'rk4' && integrator !== 'layer') {
    throw new AttnflowError('options.integrator', `unknown integrator ${JSON.stringify(integrator)}`, 'use "dopri5", "rk4" or "layer"');
  }
  if (options.stop !== undefined) {
    if (!Array.isArray(options.stop)) throw new AttnflowError('options.stop', 'expected an array of stop conditions', 'pass [{ name, test }] or omit it');
    options.stop.forEach((c, k) => {
      if (!c || typeof c.name !== 'string' || typeof c.test !== 'function') {
        throw new AttnflowError(`options.stop[${k}]`, 'expected { name: string, test: (t, X) => boolean }', 'give every stop condition a name and a test function');
      }
    });
  }
}
