import type { History, HistoryOp } from '../check/history.ts';
import type { KvCommand, KvResult } from '../core/kv-types.ts';

/**
 * Records every client operation as the checker's history format. KEYS is not recorded: it
 * spans keys, and the checker decomposes histories per key.
 */
export class HistoryRecorder {
  private readonly ops: HistoryOp[] = [];
  private readonly discarded = new Set<number>();

  /** Returns the op id, or -1 when the command is not part of the history. */
  call(client: string, command: KvCommand, timeMs: number): number {
    if (command.op === 'keys') return -1;
    const op: HistoryOp = { id: this.ops.length, client, op: command.op, key: command.key, call: timeMs };
    if (command.op === 'set') op.value = command.value;
    if (command.op === 'cas') {
      op.value = command.value;
      op.expected = command.expected;
    }
    this.ops.push(op);
    return op.id;
  }

  complete(id: number, timeMs: number, result: KvResult): void {
    const op = this.ops[id];
    if (op === undefined) return;
    op.return = timeMs;
    op.result = result.op === 'keys' || result.op === 'set' ? { ok: result.ok } : { ok: result.ok, value: result.value };
  }

  /** The operation definitely had no effect (rejected as invalid): drop it from the history. */
  discard(id: number): void {
    this.discarded.add(id);
  }

  history(): History {
    return { ops: this.ops.filter((op) => !this.discarded.has(op.id)).map((op) => ({ ...op, ...(op.result ? { result: { ...op.result } } : {}) })) };
  }
}
