/** MurmurHash3's finalizer: spreads every input bit over the low bits a table indexes by. */
export function mix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A hash of two 32-bit integers. */
export function mixPair(a: number, b: number): number {
  return mix32(Math.imul(a, 0x9e3779b1) ^ b);
}
