/**
 * Assertions for programmer errors. A failed assertion throws; the host (worker or simulator)
 * treats that node as crashed and shows why. Expected operating errors (bad input, quota) are
 * typed results, never assertions.
 */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Ends every exhaustive switch over a discriminated union. */
export function unreachable(value: never): never {
  throw new AssertionError(`unreachable: ${JSON.stringify(value)}`);
}
