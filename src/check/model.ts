import type { HistoryOp } from './history.ts';

/** The sequential specifications the checker knows (see docs/checker.md). */
export type ModelName = 'kv' | 'cas-register';

/** What `step` returns when an operation's recorded result is impossible in the given state. */
export const REJECTED = -1;

/**
 * One key's operations compiled for the search. States are small non-negative integers so that
 * the cache can store them next to the bitset of linearized operations, and `step` is the only
 * thing the search calls in its inner loop.
 */
export interface CompiledModel {
  readonly initialState: number;
  /** The state after operation `opIndex` takes effect in `state`, or REJECTED. */
  step(state: number, opIndex: number): number;
  /**
   * True when the operation leaves every state unchanged (a get, a refused cas): the search may
   * then place it as soon as the model accepts it, without trying alternatives (see search.ts).
   */
  isObserver(opIndex: number): boolean;
  /** The key's value in a state, for explanations (null = absent). */
  valueOf(state: number): string | null;
  /** Why `step(state, opIndex)` was REJECTED, in words a person can follow. */
  whyRejected(state: number, opIndex: number): string;
}

export type CompileModel = (ops: readonly HistoryOp[]) => CompiledModel;
