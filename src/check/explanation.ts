import { assert } from '../core/assert.ts';
import type { EventList } from './event-list.ts';
import type { HistoryOp } from './history.ts';
import { REJECTED, type CompiledModel, type ModelName } from './model.ts';

/**
 * Why a history is not linearizable, as data (the CLI prints it with formatExplanation, the UI
 * will draw it). It describes the deepest point the search reached on the failing key.
 *
 * At that point every operation that real time allows next is refused by the model: were one
 * accepted, the search would have gone one deeper (or found that configuration already, which
 * also lies one deeper). So `blocked` always lists each candidate with a model reason, and
 * `deadline` is among them: it returned first, so it had to take effect before anything called
 * after its return.
 */
export interface Explanation {
  key: string;
  model: ModelName;
  /** Operations on the key the search had to order (those that cannot matter are left out). */
  keyOpCount: number;
  /** The longest linearizable prefix found, in linearization order, with the key's value after each. */
  prefix: PlacedOp[];
  /** The key's value after the prefix (null = absent; also the start when the prefix is empty). */
  valueAfterPrefix: string | null;
  /** The first operation, by return time, that is not in the prefix. */
  deadline: HistoryOp;
  /** Every operation called before `deadline` returned and not in the prefix, with the reason it cannot come next. */
  blocked: BlockedOp[];
}

export interface PlacedOp {
  op: HistoryOp;
  valueAfter: string | null;
}

export interface BlockedOp {
  op: HistoryOp;
  reason: string;
}

export interface FailedKey {
  key: string;
  model: ModelName;
  /** The key's operations as the search indexed them. */
  ops: readonly HistoryOp[];
  list: EventList;
  compiled: CompiledModel;
  longestPrefix: readonly number[];
}

export function explainFailure(failed: FailedKey): Explanation {
  const { ops, compiled, longestPrefix } = failed;
  const prefix: PlacedOp[] = [];
  let state = compiled.initialState;
  for (const index of longestPrefix) {
    state = compiled.step(state, index);
    assert(state !== REJECTED, `the prefix found by the search replays (op #${ops[index]?.id})`);
    prefix.push({ op: ops[index]!, valueAfter: compiled.valueOf(state) });
  }
  const deadline = firstReturnAfter(failed);
  const blocked = candidatesAfter(failed, deadline).map((index) => ({
    op: ops[index]!,
    reason: compiled.whyRejected(state, index),
  }));
  assert(blocked.some((b) => b.op === ops[deadline]), 'the deadline operation is among the blocked');
  return {
    key: failed.key,
    model: failed.model,
    keyOpCount: ops.length,
    prefix,
    valueAfterPrefix: compiled.valueOf(state),
    deadline: ops[deadline]!,
    blocked,
  };
}

/** The operation outside the prefix whose return comes first in the event order. */
function firstReturnAfter({ ops, list, longestPrefix }: FailedKey): number {
  const placed = new Set(longestPrefix);
  let first = -1;
  for (let index = 0; index < ops.length; index++) {
    if (placed.has(index) || !list.hasReturn(index)) continue;
    const rank = list.rank[list.returnEntry(index)]!;
    if (first === -1 || rank < list.rank[list.returnEntry(first)]!) first = index;
  }
  assert(first !== -1, 'a failed search leaves a returned operation unplaced');
  return first;
}

/** Operations outside the prefix whose call precedes `deadline`'s return: the ones that could be next. */
function candidatesAfter({ ops, list, longestPrefix }: FailedKey, deadline: number): number[] {
  const placed = new Set(longestPrefix);
  const limit = list.rank[list.returnEntry(deadline)]!;
  const candidates: number[] = [];
  for (let index = 0; index < ops.length; index++) {
    if (!placed.has(index) && list.rank[list.callEntry(index)]! < limit) candidates.push(index);
  }
  return candidates;
}
