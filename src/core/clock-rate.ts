/**
 * Clock drift, as hosts model it: a node's clock runs at `rate` times true time, so its ticks
 * come every tickMs / rate. One range and one message for the Simulation and both controllers.
 */
export const MIN_CLOCK_RATE = 0.1;
export const MAX_CLOCK_RATE = 10;

/** Why `rate` is not a clock rate, or undefined when it is one. */
export function clockRateProblem(rate: number): string | undefined {
  if (Number.isFinite(rate) && rate >= MIN_CLOCK_RATE && rate <= MAX_CLOCK_RATE) return undefined;
  return `clock rate must be in [${MIN_CLOCK_RATE}, ${MAX_CLOCK_RATE}], got ${rate}`;
}
