import { flow, flowGeneric } from '../integrators/flow.ts';
import type { VectorField } from '../integrators/vectorField.ts';
import { sphereRetraction } from '../integrators/vectorField.ts';
import type { Tokens } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import type { AttentionParams } from '../models/params.ts';
import type { Trajectory } from './conjecture.ts';

/** Equally spaced sample times 0, T/m, ..., T. */
export function sampleTimes(tEnd: number, samples = 60): number[] {
  return Array.from({ length: samples + 1 }, (_, k) => (k === samples ? tEnd : (k * tEnd) / samples));
}

/** The flow of (2.3) from X sampled at `times` (DOPRI5, rtol 1e-8: exploration wants many cheap runs). */
export function flowTrajectory(X: Tokens, params: AttentionParams, times: number[], rtol = 1e-8): Trajectory {
  const res = flow(X, params, times, { rtol, atol: rtol * 1e-2 });
  return { times: res.times, states: res.states };
}

/** Any vector field on n x d tokens, retracted to the sphere after each step. */
export function fieldTrajectory(f: VectorField, X: Tokens, times: number[], rtol = 1e-8): Trajectory {
  const res = flowGeneric(f, X.data, times, { rtol, atol: rtol * 1e-2, retraction: sphereRetraction(X.rows, X.cols) });
  return { times: res.times, states: res.states.map((y) => mat(X.rows, X.cols, Float64Array.from(y))) };
}
