import { assert } from '../core/assert.ts';
import { IntPairMap, MISSING } from './int-pair-map.ts';

/** Largest prime below 2^26: the product of two residues stays exact in a double (< 2^52). */
const MODULUS = 67_108_859;
const BASE = 257;

/** An appended string with its polynomial hash and BASE^length, computed once per operation. */
export interface Suffix {
  text: string;
  hash: number;
  /** BASE^text.length mod MODULUS. */
  shift: number;
}

/**
 * Interns key values as small integers, so that model states compare with `===` and fit in the
 * cache's Uint32Array. Id 0 is null: the key is absent.
 *
 * Appends make new strings all the time during a search, and hashing a long string to intern it
 * costs its length. So values are hash-consed by a polynomial hash that extends through
 * concatenation in O(1): hash(a + b) = hash(a) * BASE^|b| + hash(b). Strings are compared only
 * when hash and length match, which is when they are almost surely equal.
 */
export class ValueTable {
  static readonly ABSENT = 0;
  private readonly values: (string | null)[] = [null];
  private readonly hashes: number[] = [0];
  /** (hash, length) → the newest id with them; `older` chains to the rest (rarely any). */
  private readonly newest = new IntPairMap();
  private readonly older: number[] = [MISSING];

  idOf(value: string | null): number {
    if (value === null) return ValueTable.ABSENT;
    const hash = suffixOf(value).hash;
    return this.find(hash, value.length, value) ?? this.add(value, hash);
  }

  /** The id of `valueOf(id) ?? ''` followed by the suffix. */
  appended(id: number, suffix: Suffix): number {
    const hash = (this.hashes[id]! * suffix.shift + suffix.hash) % MODULUS;
    const value = (this.values[id] ?? '') + suffix.text;
    return this.find(hash, value.length, value) ?? this.add(value, hash);
  }

  valueOf(id: number): string | null {
    assert(id >= 0 && id < this.values.length, `value id ${id} out of range`);
    return this.values[id] ?? null;
  }

  private find(hash: number, length: number, value: string): number | undefined {
    for (let id = this.newest.get(hash, length); id !== MISSING; id = this.older[id]!) {
      if (this.values[id] === value) return id;
    }
    return undefined;
  }

  private add(value: string, hash: number): number {
    const id = this.values.length;
    this.values.push(value);
    this.hashes.push(hash);
    this.older.push(this.newest.get(hash, value.length));
    this.newest.set(hash, value.length, id);
    return id;
  }
}

export function suffixOf(text: string): Suffix {
  let hash = 0;
  let shift = 1;
  for (let i = 0; i < text.length; i++) {
    hash = (hash * BASE + text.charCodeAt(i)) % MODULUS;
    shift = (shift * BASE) % MODULUS;
  }
  return { text, hash, shift };
}

/** A value as explanations print it: quoted, or `absent` for null. */
export function showValue(value: string | null): string {
  return value === null ? 'absent' : JSON.stringify(value);
}
