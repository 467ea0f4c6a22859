import { assert } from '../../core/assert.ts';
import type { HistoryOp } from '../history.ts';

/** What an invocation asks for: a HistoryOp still without id, client, times and result. */
export type Request = Pick<HistoryOp, 'op' | 'key' | 'value' | 'expected'>;

/**
 * Pairs Jepsen-style events into operations. A process has at most one call open; `:ok` and
 * `:fail` close it with a result at their line, `:info` (or the end of the file) leaves the
 * outcome unknown, so the operation gets no return. Times are line numbers: these logs carry
 * no clock, and line order is the real-time order the recorder saw.
 */
export class OpenCalls {
  readonly ops: HistoryOp[] = [];
  private readonly open = new Map<string, { op: HistoryOp | undefined; f: string }>();

  /** `request` undefined: a call that is certain to change nothing; it is paired but not kept. */
  invoke(process: string, f: string, request: Request | undefined, line: number): string | undefined {
    const previous = this.open.get(process);
    if (previous !== undefined) return `process ${process} calls :${f} while its :${previous.f} is still open`;
    let op: HistoryOp | undefined;
    if (request !== undefined) {
      op = { id: this.ops.length, client: process, ...withoutUndefined(request), call: line };
      this.ops.push(op);
    }
    this.open.set(process, { op, f });
    return undefined;
  }

  complete(process: string, f: string, result: HistoryOp['result'], line: number): string | undefined {
    const closed = this.close(process, f);
    if (typeof closed === 'string') return closed;
    if (closed === undefined) return undefined;
    assert(result !== undefined, 'a completion carries a result');
    closed.return = line;
    closed.result = withoutUndefined(result);
    return undefined;
  }

  /** `:info`: the call may or may not have taken effect, so it stays without a return. */
  abandon(process: string, f: string): string | undefined {
    const closed = this.close(process, f);
    return typeof closed === 'string' ? closed : undefined;
  }

  /** The open operation of `process` (undefined for a no-op call), or a problem. */
  private close(process: string, f: string): HistoryOp | undefined | string {
    const call = this.open.get(process);
    if (call === undefined) return `process ${process} completes :${f} but has no open call`;
    if (call.f !== f) return `process ${process} completes :${f} but its open call is :${call.f}`;
    this.open.delete(process);
    return call.op;
  }
}

/** Optional fields are left out rather than set to undefined, so the history prints cleanly. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
