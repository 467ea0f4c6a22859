import type { History, HistoryOp } from '../history.ts';

/**
 * Linearizability by the definition, for tiny histories in tests: try every order of every
 * choice of which unknown-outcome operations took effect, respecting real time (a before b when
 * a returned strictly before b was called), against a plain Map model written apart from
 * kv-model.ts. Exponential; keep histories under about 8 operations.
 */
export function bruteForceLinearizable(history: History): boolean {
  return extend(history.ops, new Set(), new Map());
}

function extend(ops: readonly HistoryOp[], placed: Set<number>, store: Map<string, string>): boolean {
  if (ops.every((op) => placed.has(op.id) || op.return === undefined)) return true;
  for (const op of ops) {
    if (placed.has(op.id) || !mayGoNext(op, ops, placed)) continue;
    const after = apply(op, store);
    if (after === undefined) continue;
    placed.add(op.id);
    const found = extend(ops, placed, after);
    placed.delete(op.id);
    if (found) return true;
  }
  return false;
}

/** No unplaced operation returned before `op` was called. */
function mayGoNext(op: HistoryOp, ops: readonly HistoryOp[], placed: Set<number>): boolean {
  return ops.every((other) => placed.has(other.id) || other.return === undefined || other.return >= op.call);
}

/** The store after `op`, or undefined when its recorded result is impossible. */
function apply(op: HistoryOp, store: Map<string, string>): Map<string, string> | undefined {
  const current = store.get(op.key) ?? null;
  const result = op.return === undefined ? undefined : op.result;
  const next = new Map(store);
  const write = (value: string | null): Map<string, string> => {
    if (value === null) next.delete(op.key);
    else next.set(op.key, value);
    return next;
  };
  if (result?.ok === false && op.op !== 'cas') return store;
  if (op.op === 'get') return result?.value === undefined || result.value === current ? store : undefined;
  if (op.op === 'set') return write(op.value ?? null);
  if (op.op === 'append') return write((current ?? '') + (op.value ?? ''));
  if (op.op === 'del') return result?.value === undefined || result.value === current ? write(null) : undefined;
  if (result?.value !== undefined && result.value !== current) return undefined;
  const swaps = current === op.expected;
  if (result === undefined) return swaps ? write(op.value ?? null) : store;
  if (result.ok !== swaps) return undefined;
  return swaps ? write(op.value ?? null) : store;
}
