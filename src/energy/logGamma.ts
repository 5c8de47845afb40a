import { AttnflowError } from '../errors.ts';

const HALF_LOG_2PI = 0.91893853320467274178;

/**
 * log Gamma(z) for real z > 0: Stirling's series at w = z + m >= 15 (six Bernoulli terms, truncation
 * below 1e-17), shifted back by the recurrence Gamma(z) = Gamma(z + m) / (z (z+1) ... (z+m-1)).
 */
export function logGamma(z: number): number {
  if (!(Number.isFinite(z) && z > 0)) {
    throw new AttnflowError('z', `logGamma needs a finite z > 0, got ${z}`, 'pass a positive argument');
  }
  let shift = 0;
  let w = z;
  if (w < 15) {
    let p = 1;
    while (w < 15) {
      p *= w;
      w += 1;
    }
    shift = Math.log(p);
  }
  const r = 1 / w, r2 = r * r;
  const series = r * (1 / 12 + r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360))))));
  return (w - 0.5) * Math.log(w) - w + HALF_LOG_2PI + series - shift;
}

/**
 * Gamma(z) for real z > 0. Integers and half-integers (the orders d/2 of the sphere) use the exact
 * recurrence from Gamma(1) = 1 or Gamma(1/2) = sqrt(pi), correct to a few ulps; other z use exp(logGamma).
 * Returns Infinity beyond z ~ 171.6 (the float64 range).
 */
export function gamma(z: number): number {
  if (!(Number.isFinite(z) && z > 0)) {
    throw new AttnflowError('z', `gamma needs a finite z > 0, got ${z}`, 'pass a positive argument');
  }
  if (z > 171.7) return Infinity;
  const twice = 2 * z;
  if (Number.isInteger(twice)) {
    let g = Number.isInteger(z) ? 1 : Math.sqrt(Math.PI);
    for (let w = Number.isInteger(z) ? 1 : 0.5; w < z; w += 1) g *= w;
    return g;
  }
  return Math.exp(logGamma(z));
}
