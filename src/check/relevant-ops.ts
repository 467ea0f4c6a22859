import type { HistoryOp } from './history.ts';

/**
 * Drops the operations that cannot change a verdict, before the search pays for them: the
 * search is exponential in concurrent operations, and these would only multiply its states.
 *
 * - A get that observed nothing (no return, or no value): it changes nothing and any state
 *   satisfies it, so it can always be placed.
 * - A get, set, del or append whose result says `ok: false`: it definitely never took effect.
 *
 * A cas with `ok: false` stays: its refusal says the value differed from `expected`.
 */
export function relevantOps(ops: readonly HistoryOp[]): HistoryOp[] {
  return ops.filter((op) => !cannotMatter(op));
}

function cannotMatter(op: HistoryOp): boolean {
  const returned = op.return !== undefined && op.result !== undefined;
  if (returned && op.result?.ok === false && op.op !== 'cas') return true;
  return op.op === 'get' && (!returned || op.result?.value === undefined);
}
