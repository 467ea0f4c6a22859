/** Seeded randomness for the simulator and the browser runtime (pure-rand's xoroshiro128+). */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Rng } from '../core/rng.ts';

export class SeededRng implements Rng {
  private readonly gen;

  constructor(seed: number) {
    this.gen = xoroshiro128plus(seed | 0);
  }

  int(min: number, max: number): number {
    return uniformInt(this.gen, min, max);
  }

  /** A float in [0, 1): 2^-32 resolution is plenty for rates. */
  float(): number {
    return uniformInt(this.gen, 0, 0xffffffff) / 0x100000000;
  }

  chance(probability: number): boolean {
    return probability > 0 && this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let k = out.length - 1; k > 0; k--) {
      const j = this.int(0, k);
      [out[k], out[j]] = [out[j]!, out[k]!];
    }
    return out;
  }

  /** A new independent stream, derived deterministically (one per node, per client, per schedule). */
  fork(salt: number): SeededRng {
    return new SeededRng(mix(this.int(0, 0x7fffffff), salt));
  }
}

/** Derives a stream seed from a run seed and a salt, so streams do not depend on call order. */
export function deriveSeed(seed: number, ...salts: number[]): number {
  let h = seed | 0;
  for (const salt of salts) h = mix(h, salt);
  return h;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 13;
  return h | 0;
}
