import { Matrix, QrDecomposition } from 'ml-matrix';
import type { Mat } from '../linalg/mat.ts';
import { mat } from '../linalg/mat.ts';
import { Rng } from './rng.ts';

/** A rows x cols real Ginibre matrix: iid N(0, 1) entries (Fig. 5a). */
export function ginibre(rows: number, cols: number, rng: Rng): Mat {
  const m = mat(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

/** A d x d GOE (Wigner) matrix (G + G^T) / sqrt(2) with G Ginibre (Fig. 5b). */
export function goe(d: number, rng: Rng): Mat {
  const g = ginibre(d, d, rng);
  const m = mat(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m.data[i * d + j] = (g.data[i * d + j] + g.data[j * d + i]) / Math.SQRT2;
  return m;
}

/** A d x d positive semidefinite matrix G G^T / d with G Ginibre (Fig. 5b's V). */
export function psd(d: number, rng: Rng): Mat {
  const g = ginibre(d, d, rng);
  const m = mat(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += g.data[i * d + k] * g.data[j * d + k];
      m.data[i * d + j] = s / d;
    }
  }
  return m;
}

/**
 * A Haar-random orthogonal d x d matrix: QR of a Ginibre matrix (ml-matrix) with the sign fix
 * Q <- Q diag(sign(diag R)), without which the law is not Haar (Mezzadri 2007).
 */
export function haarOrthogonal(d: number, rng: Rng): Mat {
  const g = ginibre(d, d, rng);
  const qr = new QrDecomposition(new Matrix(Array.from({ length: d }, (_, i) => Array.from(g.data.subarray(i * d, (i + 1) * d)))));
  const Q = qr.orthogonalMatrix;
  const R = qr.upperTriangularMatrix;
  const out = mat(d, d);
  for (let j = 0; j < d; j++) {
    const s = R.get(j, j) < 0 ? -1 : 1;
    for (let i = 0; i < d; i++) out.data[i * d + j] = s * Q.get(i, j);
  }
  return out;
}

/** A d x d symmetric matrix with iid N(0,1) upper triangle (no 1/sqrt(2) off-diagonal rescaling). */
export function symmetric(d: number, rng: Rng): Mat {
  const m = mat(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = rng.normal();
      m.data[i * d + j] = v;
      m.data[j * d + i] = v;
    }
  }
  return m;
}
