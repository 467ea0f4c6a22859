/**
 * The only source of randomness the core sees. The simulator and the browser runtime inject a
 * seeded generator (SeededRng: pure-rand's xoroshiro128+), so a run is a pure function of its seed.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { mixPair } from './hash-mix.ts';

export interface Rng {
  /** A uniformly distributed integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
}


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
    return new SeededRng(mixPair(this.int(0, 0x7fffffff), salt));
  }
}

/** Derives a stream seed from a run seed and a salt, so streams do not depend on call order. */
export function deriveSeed(seed: number, ...salts: number[]): number {
  let h = seed | 0;
  for (const salt of salts) h = mixPair(h, salt) | 0;
  return h;
}
