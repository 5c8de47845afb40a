import { describe, expect, it } from 'vitest';
import { C, CF, CONTROL_BYTES } from '../../src/kernels/sharedLayout.ts';

// The control block is one buffer seen as Int32 slots and as Float64 slots: a slot of one view must
// not share bytes with a slot of the other, or a job's parameters would overwrite each other.

describe('the shared control block', () => {
  it('gives every Int32 slot of C and Float64 slot of CF bytes of their own, inside CONTROL_BYTES', () => {
    const owner = new Map<number, string>();
    const claim = (name: string, from: number, bytes: number) => {
      for (let b = from; b < from + bytes; b++) {
        expect(owner.get(b), `${name} overlaps ${owner.get(b)} at byte ${b}`).toBeUndefined();
        expect(b, `${name} ends past the block`).toBeLessThan(CONTROL_BYTES);
        owner.set(b, name);
      }
    };
    for (const [name, slot] of Object.entries(C)) claim(`C.${name}`, 4 * slot, 4);
    for (const [name, slot] of Object.entries(CF)) claim(`CF.${name}`, 8 * slot, 8);
  });
});
