import { hemisphereCertificate } from '../analysis/hemisphere.ts';
import type { Tokens } from '../linalg/mat.ts';
import { exactHemisphereCertificate } from './exactHemisphere.ts';
import type { HemisphereVerdict } from './types.ts';
import { witnessCertificate } from './witnessCertificate.ts';

/**
 * The exact hemisphere decision with a readable witness: first the float detector's max-margin
 * direction, kept only if its exact margins are all > 0 (then it is a proof); otherwise the exact
 * rational simplex decides ({@link exactHemisphereCertificate}). The answer is exact either way.
 */
export function decideHemisphere(X: Tokens): HemisphereVerdict {
  try {
    const fl = hemisphereCertificate(X);
    if (fl.inHemisphere) {
      const cert = witnessCertificate(X, fl.w);
      if (cert) return cert;
    }
  } catch {
    // The float detector refuses e.g. zero tokens; the exact solver handles every finite input.
  }
  return exactHemisphereCertificate(X);
}
