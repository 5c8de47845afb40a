import { describe, expect, it } from 'vitest';
import { HEAP_BASE, driftLayout, paddedLd } from '../../../src/kernels/wasm/driftLayout.ts';

describe('driftLayout', () => {
  it('paddedLd pads exactly the leading dimensions whose column walk would crowd a few L1 sets', () => {
    expect(paddedLd(512, 64), 'ld 512: every row in one set').toBe(516);
    expect(paddedLd(256, 32), 'ld 256: two sets for 32 rows').toBe(260);
    expect(paddedLd(64, 64), 'ld 64: 8 sets hold 64 rows').toBe(64);
    expect(paddedLd(64, 128), 'ld 64: 128 rows overflow 8 sets').toBe(68);
    expect(paddedLd(68, 10_000), 'rows half a line apart spread over all sets').toBe(68);
    expect(paddedLd(12, 10_000)).toBe(12);
  });

  it('places every block above the exp table, 16-byte aligned and disjoint, with padded sizes that are multiples of 4', () => {
    for (const [n, d, k] of [[1, 1, 1], [5, 3, 7], [64, 64, 64], [130, 512, 9]]) {
      const L = driftLayout(n, d, k);
      expect(L.n4 % 4 === 0 && L.d4 % 4 === 0 && L.n4 >= n && L.d4 >= d).toBe(true);
      const blocks: [number, number][] = [
        [L.oA, L.n4 * k], [L.oBT, k * L.n4], [L.oW, L.n4 * L.ldW], [L.oV, L.n4 * L.ldV], [L.oVP, n * L.d4], [L.oU, L.n4 * L.ldV],
        [L.oSum, L.n4], [L.oShift, L.n4], [L.oX, L.n4 * L.ldV], [L.oStage, L.n4 * Math.max(k, d)],
      ];
      let end = HEAP_BASE;
      for (const [o, size] of blocks) {
        expect(o % 2, `n ${n} d ${d} k ${k}: offset ${o} is 16-byte aligned`).toBe(0);
        expect(o, `n ${n} d ${d} k ${k}: blocks in order, disjoint`).toBeGreaterThanOrEqual(end);
        end = o + size;
      }
      expect(L.total).toBe(end);
    }
  });
});
