/**
 * A simulated client with an exactly-once session. It runs one operation at a time (later calls
 * queue), sends it to the node it believes leads, follows redirects, and on a timeout or a
 * "retry" answer sends the same request (same seq) to another node until it gets an answer.
 */
import type { KvCommand, KvResult } from '../core/kv-types.ts';
import type { ClientReply, ClientRequest, NodeId } from '../core/types.ts';
import type { HistoryRecorder } from './history-recorder.ts';

export interface ClientHost {
  nowMs(): number;
  nodeIds(): readonly NodeId[];
  send(m: ClientRequest): void;
  schedule(delayMs: number, run: () => void): void;
  randomInt(min: number, max: number): number;
}

/** The caller's view of one operation; fields fill in when it completes. */
export interface OperationHandle {
  readonly command: KvCommand;
  done: boolean;
  /** set/get/del: true once done without error. cas: whether it swapped. */
  ok: boolean;
  /** get: the value (null = absent). del: the deleted value. cas: the value seen. */
  value: string | null | undefined;
  keys: string[] | undefined;
  /** Set when the request was rejected as invalid (it had no effect). */
  error: string | undefined;
  /** Nodes tried, in order (redirects and retries). */
  attempts: NodeId[];
  callMs: number;
  returnMs: number | undefined;
}

interface QueuedOp {
  handle: OperationHandle;
  seq: number;
  historyId: number;
  attempt: number;
}

export class SimClient {
  private nextSeq = 1;
  private queue: QueuedOp[] = [];
  private current: QueuedOp | undefined;
  private leaderHint: NodeId = 0;
  /** When set, every attempt goes to this node: redirects are not followed (tests, "ask node X"). */
  private pinnedTo: NodeId | undefined;

  constructor(
    readonly id: string,
    private readonly host: ClientHost,
    private readonly recorder: HistoryRecorder,
    private readonly timeoutMs: number,
    /** Bound on queued operations; beyond it a call fails at once. */
    private readonly maxQueued = 10_000,
  ) {}

  set(key: string, value: string): OperationHandle {
    return this.submit({ op: 'set', key, value });
  }
  get(key: string): OperationHandle {
    return this.submit({ op: 'get', key });
  }
  del(key: string): OperationHandle {
    return this.submit({ op: 'del', key });
  }
  cas(key: string, expected: string | null, next: string): OperationHandle {
    return this.submit({ op: 'cas', key, expected, value: next });
  }
  keys(prefix = ''): OperationHandle {
    return this.submit({ op: 'keys', prefix });
  }

  /** Send every attempt to `id` (undefined: follow the leader again). */
  pinTo(id: NodeId | undefined): void {
    this.pinnedTo = id;
  }

  /** True while an operation is outstanding or queued. */
  busy(): boolean {
    return this.current !== undefined || this.queue.length > 0;
  }

  submit(command: KvCommand): OperationHandle {
    const handle: OperationHandle = {
      command, done: false, ok: false, value: undefined, keys: undefined, error: undefined,
      attempts: [], callMs: this.host.nowMs(), returnMs: undefined,
    };
    if (this.queue.length >= this.maxQueued) {
      handle.done = true;
      handle.error = 'client queue full';
      return handle;
    }
    this.queue.push({ handle, seq: 0, historyId: -1, attempt: 0 });
    if (this.current === undefined) this.startNext();
    return handle;
  }

  receive(m: ClientReply): void {
    const op = this.current;
    if (op === undefined || m.seq !== op.seq) return; // a duplicate or late answer
    const body = m.body;
    switch (body.kind) {
      case 'result':
        this.leaderHint = m.from;
        return this.complete(op, body.result);
      case 'error':
        op.handle.error = body.error.message;
        if (body.error.code !== 'stale-request') this.recorder.discard(op.historyId);
        return this.finish(op);
      case 'redirect':
        this.leaderHint = body.leaderHint;
        return this.retry(op, body.leaderHint === 0 || this.pinnedTo !== undefined ? 10 : 0);
      case 'retry':
        this.leaderHint = 0;
        return this.retry(op, 10);
    }
  }

  private startNext(): void {
    const op = this.queue.shift();
    this.current = op;
    if (op === undefined) return;
    op.seq = this.nextSeq++;
    op.handle.callMs = this.host.nowMs();
    op.historyId = this.recorder.call(this.id, op.handle.command, op.handle.callMs);
    this.sendAttempt(op);
  }

  private sendAttempt(op: QueuedOp): void {
    const target = this.chooseTarget();
    op.attempt++;
    const attempt = op.attempt;
    op.handle.attempts.push(target);
    this.host.send({ type: 'ClientRequest', from: this.id, to: target, seq: op.seq, command: op.handle.command });
    this.host.schedule(this.timeoutMs, () => {
      if (this.current === op && op.attempt === attempt) {
        this.leaderHint = 0;
        this.sendAttempt(op);
      }
    });
  }

  private retry(op: QueuedOp, backoffMs: number): void {
    op.attempt++; // invalidates the pending timeout
    const attempt = op.attempt;
    this.host.schedule(backoffMs, () => {
      if (this.current === op && op.attempt === attempt) this.sendAttempt(op);
    });
  }

  private chooseTarget(): NodeId {
    if (this.pinnedTo !== undefined) return this.pinnedTo;
    if (this.leaderHint !== 0) return this.leaderHint;
    const ids = this.host.nodeIds();
    return ids[this.host.randomInt(0, ids.length - 1)]!;
  }

  private complete(op: QueuedOp, result: KvResult): void {
    op.handle.ok = result.ok;
    if (result.op === 'keys') op.handle.keys = result.keys;
    else if (result.op !== 'set') op.handle.value = result.value;
    if (op.historyId >= 0) this.recorder.complete(op.historyId, this.host.nowMs(), result);
    this.finish(op);
  }

  private finish(op: QueuedOp): void {
    op.handle.done = true;
    op.handle.returnMs = this.host.nowMs();
    this.current = undefined;
    this.startNext();
  }
}
