/**
 * The client history format (documented in docs/history-format.md). One entry per client
 * operation: who called it, what it asked, when it was called and, if it returned, when and what.
 * Times are milliseconds (virtual in the simulator, wall clock in the browser).
 */
export type HistoryOpName = 'get' | 'set' | 'del' | 'cas' | 'append';

/** Every operation name, in the order the docs list them (for validation and messages). */
export const HISTORY_OP_NAMES: readonly HistoryOpName[] = ['get', 'set', 'del', 'cas', 'append'];

export interface HistoryOp {
  /** Unique within the history. */
  id: number;
  client: string;
  op: HistoryOpName;
  key: string;
  /** set / append: the value written; cas: the new value. */
  value?: string;
  /** cas: the value the key must hold for the swap (null = key absent). */
  expected?: string | null;
  call: number;
  /** Absent: outcome unknown (it may have taken effect at any point after `call`, or never). */
  return?: number;
  /**
   * Present exactly when `return` is. get: value seen (null = absent). set/append: ok.
   * del: ok. cas: ok = swapped or not.
   *
   * `ok: false` on get, set, del or append means the operation definitely did not take effect
   * (Jepsen's `:fail`); the checker ignores it. On cas it is an observation: the swap was
   * refused because the value differed from `expected`. `value` undefined means "not observed"
   * and constrains nothing (a get that timed out, a del that does not report what it removed).
   */
  result?: { ok: boolean; value?: string | null };
}

export interface History {
  ops: HistoryOp[];
}
