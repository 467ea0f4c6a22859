import type { HistoryOp } from './history.ts';

/** One key's share of a history. */
export interface KeyPartition {
  key: string;
  /** In call order (ties by id), so operation indexes follow time. */
  ops: HistoryOp[];
}

/**
 * P-compositionality (Herlihy & Wing's locality): a history is linearizable exactly when each
 * object's sub-history is, and every key of the map is its own object. Checking keys apart turns
 * one search over n operations into several small ones, which matters because the search is
 * exponential in the number of concurrent operations it must order.
 *
 * Smaller keys come first: they are quick, so a violation in one of them is found before the
 * time budget goes on a large key. Ties keep the order of first appearance.
 */
export function partitionByKey(ops: readonly HistoryOp[]): KeyPartition[] {
  const byKey = new Map<string, HistoryOp[]>();
  for (const op of ops) {
    const list = byKey.get(op.key);
    if (list === undefined) byKey.set(op.key, [op]);
    else list.push(op);
  }
  const partitions = [...byKey].map(([key, keyOps]) => ({ key, ops: keyOps.sort(byCallTime) }));
  return partitions.sort((a, b) => a.ops.length - b.ops.length);
}

function byCallTime(a: HistoryOp, b: HistoryOp): number {
  return a.call - b.call || a.id - b.id;
}
