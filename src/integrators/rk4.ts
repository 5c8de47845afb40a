import type { OdeOptions, OdeResult } from './odeTypes.ts';
import type { FixedStepper } from './fixedStep.ts';
import { integrateFixedStep } from './fixedStep.ts';
import type { VectorField } from './vectorField.ts';

/** Options of {@link rk4}. */
export interface Rk4Options extends OdeOptions {
  /** Step size h > 0 (required); the last step before each output time is shortened to land on it. */
  readonly h: number;
}

/**
 * The classical fourth-order Runge–Kutta step for y' = f(t, y) as a {@link FixedStepper} of a state of
 * length `size`; stage buffers are allocated once.
 */
export function rk4Stepper(f: VectorField, size: number): FixedStepper {
  const k1 = new Float64Array(size), k2 = new Float64Array(size), k3 = new Float64Array(size), k4 = new Float64Array(size);
  const tmp = new Float64Array(size);
  return (t, y, h, out) => {
    const h2 = h / 2;
    f(t, y, k1);
    for (let i = 0; i < size; i++) tmp[i] = y[i] + h2 * k1[i];
    f(t + h2, tmp, k2);
    for (let i = 0; i < size; i++) tmp[i] = y[i] + h2 * k2[i];
    f(t + h2, tmp, k3);
    for (let i = 0; i < size; i++) tmp[i] = y[i] + h * k3[i];
    f(t + h, tmp, k4);
    const h6 = h / 6;
    for (let i = 0; i < size; i++) out[i] = y[i] + h6 * (k1[i] + 2 * (k2[i] + k3[i]) + k4[i]);
  };
}

/**
 * Integrates y' = f(t, y) from y0 at t0 with classical fixed-step RK4 (4 evaluations per step), with
 * an optional retraction after each step (for tokens: back onto the spheres, S1). Every output time
 * is hit exactly by a step end (the step before it is shortened).
 */
export function rk4(f: VectorField, y0: Float64Array, times: readonly number[], options: Rk4Options): OdeResult {
  return integrateFixedStep(rk4Stepper(f, y0.length), y0, times, { ...options, evaluationsPerStep: 4 });
}
