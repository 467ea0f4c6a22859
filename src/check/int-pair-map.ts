import { assert } from '../core/assert.ts';
import { mixPair } from '../core/hash-mix.ts';

/** What `get` returns for a missing pair. */
export const MISSING = -1;

const INITIAL_SLOTS = 256;

/**
 * A map from pairs of non-negative 32-bit integers to non-negative integers, in typed arrays
 * (open addressing, linear probing). The search's inner loop looks things up by (state, op) and
 * (hash, length); a Map of numbers or of arrays would allocate on every insertion.
 */
export class IntPairMap {
  private firsts = new Int32Array(INITIAL_SLOTS).fill(MISSING);
  private seconds = new Int32Array(INITIAL_SLOTS);
  private values = new Int32Array(INITIAL_SLOTS);
  private count = 0;

  get(first: number, second: number): number {
    const mask = this.firsts.length - 1;
    let slot = mixPair(first, second) & mask;
    while (this.firsts[slot] !== MISSING) {
      if (this.firsts[slot] === first && this.seconds[slot] === second) return this.values[slot]!;
      slot = (slot + 1) & mask;
    }
    return MISSING;
  }

  /** Adds or replaces the pair's value. */
  set(first: number, second: number, value: number): void {
    assert(first >= 0 && second >= 0 && value >= 0, 'keys and values are non-negative');
    const mask = this.firsts.length - 1;
    let slot = mixPair(first, second) & mask;
    while (this.firsts[slot] !== MISSING) {
      if (this.firsts[slot] === first && this.seconds[slot] === second) break;
      slot = (slot + 1) & mask;
    }
    if (this.firsts[slot] === MISSING) this.count++;
    this.firsts[slot] = first;
    this.seconds[slot] = second;
    this.values[slot] = value;
    if (this.count * 2 > this.firsts.length) this.grow();
  }

  private grow(): void {
    const { firsts, seconds, values } = this;
    this.firsts = new Int32Array(firsts.length * 2).fill(MISSING);
    this.seconds = new Int32Array(firsts.length * 2);
    this.values = new Int32Array(firsts.length * 2);
    const mask = this.firsts.length - 1;
    for (let old = 0; old < firsts.length; old++) {
      const first = firsts[old]!;
      if (first === MISSING) continue;
      let slot = mixPair(first, seconds[old]!) & mask;
      while (this.firsts[slot] !== MISSING) slot = (slot + 1) & mask;
      this.firsts[slot] = first;
      this.seconds[slot] = seconds[old]!;
      this.values[slot] = values[old]!;
    }
  }
}
