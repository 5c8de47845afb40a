import { HEAP_BASE } from './driftLayout.ts';
import type { DriftInstance } from './wasmApi.ts';
import { driftMemory } from './wasmDrift.ts';

/**
 * Float64 entries the resident region of one memory may reach (64 MiB: the three packed 512 x 512
 * maps of eight parameter sets, or of one set at d = 1024); past it the region starts over.
 */
export const RESIDENT_MAX_ENTRIES = 1 << 23;

let maxEntries = RESIDENT_MAX_ENTRIES;

/** Counts the starts of every region: a slot is current while its region's epoch is the one it was written in. */
let epochs = 0;
/** Regions that started before this epoch start over at their next placement. */
let resetEpoch = 0;

/**
 * Forgets every resident operand (the reserved space stays) and sets the region's limit (default
 * {@link RESIDENT_MAX_ENTRIES}): for tests of the start-over rule.
 */
export function resetResidentOperands(limit = RESIDENT_MAX_ENTRIES): void {
  maxEntries = limit;
  resetEpoch = ++epochs;
}

interface Region {
  /** Entries reserved from HEAP_BASE; the per-call working sets start after them. */
  capacity: number;
  used: number;
  /** When the region last started over (its slots of other epochs are stale). */
  epoch: number;
  readonly slots: WeakMap<object, { offset: number; length: number; epoch: number }>;
}

const regions = new WeakMap<object, Region>();

function regionOf(inst: DriftInstance): Region {
  let r = regions.get(inst.memory);
  if (!r) {
    r = { capacity: 0, used: 0, epoch: ++epochs, slots: new WeakMap() };
    regions.set(inst.memory, r);
  }
  return r;
}

/**
 * First float64 index of an instance's memory free for one call's operands: above the exp table and
 * the resident operands. Every layout of a call on this memory starts here.
 */
export function heapBase(inst: DriftInstance): number {
  return HEAP_BASE + regionOf(inst).capacity;
}

/**
 * Float64 offset of the operand that `owner` stands for (an object whose data never changes, such as
 * the private copies of src/models/projectionPlan.ts) in the resident region of the instance's
 * memory, written there by `write(F, offset, scratch)` the first time (`scratch`: a float64 index
 * past the region where `write` may stage its input), so that later calls skip the copy and packing:
 * copying a 512 x 512 map into the pool's shared memory costs about 70 us, packing it 75 us, a
 * 16-token projection through it 200 us. Returns -1 where the operand exceeds
 * {@link RESIDENT_MAX_ENTRIES}; the caller then stages it per call. Growing the region moves
 * {@link heapBase} up, so call this before laying out the call's operands.
 */
export function residentOperand(
  inst: DriftInstance, owner: object, length: number, scratchEntries: number,
  write: (F: Float64Array, offset: number, scratch: number) => void,
): number {
  const region = regionOf(inst);
  const slot = region.slots.get(owner);
  if (slot && slot.epoch === region.epoch && region.epoch > resetEpoch && slot.length === length) return HEAP_BASE + slot.offset;
  const size = (length + 7) & ~7; // whole 64-byte lines
  if (size > maxEntries) return -1;
  if (region.used + size > maxEntries || region.epoch <= resetEpoch) {
    region.epoch = ++epochs;
    region.used = 0;
  }
  if (region.used + size > region.capacity) region.capacity = Math.max(region.capacity, Math.min(maxEntries, Math.max(2 * region.capacity, region.used + size)));
  const offset = region.used;
  region.used += size;
  const F = driftMemory(inst, heapBase(inst) + scratchEntries);
  write(F, HEAP_BASE + offset, heapBase(inst));
  region.slots.set(owner, { offset, length, epoch: region.epoch });
  return HEAP_BASE + offset;
}
