import { assert } from '../core/assert.ts';

const INITIAL_SLOTS = 1 << 10;

/**
 * The configurations the search has already entered: (set of linearized operations, model
 * state). Lowe's observation: two paths that linearize the same operations and end in the same
 * state have the same future, so the second one can be cut off. This is what turns the
 * factorial Wing & Gong search into one that is usually fast.
 *
 * An open-addressing hash set over flat typed arrays: entry e occupies `stride` words of
 * `entries` (the state, then the bitset), and the table holds e + 1 (0 = empty slot) and the
 * entry's full hash, so that a probe compares whole entries only when the hashes are equal.
 * Callers supply the hash (the search keeps it incrementally); it must depend only on
 * (bits, state).
 */
export class LinearizationCache {
  private readonly stride: number;
  private slots = new Int32Array(INITIAL_SLOTS);
  private slotHashes = new Uint32Array(INITIAL_SLOTS);
  private entries: Uint32Array;
  private count = 0;

  constructor(private readonly words: number) {
    assert(words >= 1, 'a bitset has at least one word');
    this.stride = words + 1;
    this.entries = new Uint32Array(INITIAL_SLOTS * this.stride);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held, for the memory bound the search enforces. */
  get bytes(): number {
    return this.entries.byteLength + this.slots.byteLength + this.slotHashes.byteLength;
  }

  /** Adds the configuration and returns true, or returns false when it was already present. */
  add(bits: Uint32Array, state: number, anyHash: number): boolean {
    const hash = anyHash >>> 0;
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (true) {
      const stored = this.slots[slot]!;
      if (stored === 0) break;
      if (this.slotHashes[slot] === hash && this.equals(stored - 1, bits, state)) return false;
      slot = (slot + 1) & mask;
    }
    this.insertAt(slot, bits, state, hash);
    if (this.count * 2 > this.slots.length) this.grow();
    return true;
  }

  private equals(entry: number, bits: Uint32Array, state: number): boolean {
    let at = entry * this.stride;
    if (this.entries[at] !== state) return false;
    for (let w = 0; w < this.words; w++) {
      if (this.entries[++at] !== bits[w]) return false;
    }
    return true;
  }

  private insertAt(slot: number, bits: Uint32Array, state: number, hash: number): void {
    const entry = this.count++;
    if ((entry + 1) * this.stride > this.entries.length) {
      const bigger = new Uint32Array(this.entries.length * 2);
      bigger.set(this.entries);
      this.entries = bigger;
    }
    const at = entry * this.stride;
    this.entries[at] = state;
    for (let w = 0; w < this.words; w++) this.entries[at + 1 + w] = bits[w]!;
    this.slots[slot] = entry + 1;
    this.slotHashes[slot] = hash;
  }

  /** Doubles the table and re-inserts every entry by its stored hash. */
  private grow(): void {
    const oldSlots = this.slots;
    const oldHashes = this.slotHashes;
    this.slots = new Int32Array(oldSlots.length * 2);
    this.slotHashes = new Uint32Array(oldSlots.length * 2);
    const mask = this.slots.length - 1;
    for (let s = 0; s < oldSlots.length; s++) {
      const stored = oldSlots[s]!;
      if (stored === 0) continue;
      const hash = oldHashes[s]!;
      let slot = hash & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = stored;
      this.slotHashes[slot] = hash;
    }
    assert(this.count * 2 <= this.slots.length, 'the table is at most half full after growing');
  }
}
