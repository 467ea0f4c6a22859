import type { HistoryOp } from './history.ts';

/** No twin: the operation is not interchangeable with an earlier one. */
export const NO_TWIN = -1;

/**
 * For each operation with an unknown outcome, the index of the previous operation identical to it
 * (same request, also without a return), or NO_TWIN. `ops` are in call order.
 *
 * Two such twins are interchangeable once both have been called: neither has a return that
 * forces it, and placing one or the other gives the same state. So the search places the
 * earlier twin first and skips a twin while its predecessor is still unplaced: a linearization
 * that uses the later one becomes, by swapping the two, one that uses the earlier. Jepsen
 * histories are full of these (timed-out writes of the same few values), and without the rule
 * the search explores every subset of them.
 */
export function previousTwins(ops: readonly HistoryOp[]): Int32Array {
  const twins = new Int32Array(ops.length).fill(NO_TWIN);
  const lastWithRequest = new Map<string, number>();
  ops.forEach((op, index) => {
    if (op.return !== undefined) return;
    const request = JSON.stringify([op.op, op.key, op.value ?? null, op.expected === undefined ? 'no expected' : op.expected]);
    twins[index] = lastWithRequest.get(request) ?? NO_TWIN;
    lastWithRequest.set(request, index);
  });
  return twins;
}
