/**
 * The only source of randomness the core sees. The simulator and the browser runtime inject a
 * seeded generator (pure-rand), so a run is a pure function of its seed.
 */
export interface Rng {
  /** A uniformly distributed integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
}
