import { AttnflowError, assertFinite } from '../errors.ts';
import type { Tokens } from '../linalg/mat.ts';
import { rowDot } from '../linalg/vec.ts';

/**
 * The Post-LN layer x_i <- normalize(x_i + h a_i), a_i = sum_j w_ij x_j (SA, Q = K = V = I; §1.7 and
 * the scheme of Fig. 3/4), stepped in place with preallocated buffers. The figures run thousands of
 * steps per start over many starts, so this avoids the allocations and validation of `layerStep`
 * (test/figures/identityLayer.test.ts checks it against `layerStep` to rounding).
 */
export class IdentityLayer {
  /** n x d state, flat row-major, unit rows. */
  readonly x: Float64Array;
  readonly n: number;
  readonly d: number;
  private readonly beta: number;
  private readonly h: number;
  private readonly w: Float64Array;
  private readonly next: Float64Array;

  /** Starts at X (copied); `beta` >= 0, step `h` > 0. */
  constructor(X: Tokens, beta: number, h: number) {
    assertFinite(beta, 'beta');
    assertFinite(h, 'h');
    if (beta < 0) throw new AttnflowError('beta', `must be >= 0, got ${beta}`, 'pass a non-negative inverse temperature');
    if (!(h > 0)) throw new AttnflowError('h', `must be > 0, got ${h}`, 'pass a positive step such as 0.01');
    this.n = X.rows;
    this.d = X.cols;
    this.x = Float64Array.from(X.data);
    this.beta = beta;
    this.h = h;
    this.w = new Float64Array(this.n * this.n);
    this.next = new Float64Array(this.n * this.d);
  }

  /** Advances `steps` layers. */
  step(steps = 1): void {
    const { n, d, x, w, next, beta, h } = this;
    for (let s = 0; s < steps; s++) {
      // <x_i, x_j> <= 1 on the sphere, so shifting every exponent by beta keeps the weights in (0, 1].
      for (let i = 0; i < n; i++) {
        w[i * n + i] = 1;
        for (let j = i + 1; j < n; j++) {
          const e = Math.exp(beta * (rowDot(x, i, x, j, d) - 1));
          w[i * n + j] = e;
          w[j * n + i] = e;
        }
      }
      for (let i = 0; i < n; i++) {
        let z = 0;
        for (let j = 0; j < n; j++) z += w[i * n + j];
        const c = h / z;
        let norm2 = 0;
        for (let k = 0; k < d; k++) {
          let a = 0;
          for (let j = 0; j < n; j++) a += w[i * n + j] * x[j * d + k];
          const y = x[i * d + k] + c * a;
          next[i * d + k] = y;
          norm2 += y * y;
        }
        const inv = 1 / Math.sqrt(norm2);
        for (let k = 0; k < d; k++) next[i * d + k] *= inv;
      }
      x.set(next);
    }
  }
}
