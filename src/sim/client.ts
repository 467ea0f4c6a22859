/**
 * The simulator's client: the one exactly-once ClientSession (src/client/) that the console
 * ships, on the simulator's virtual clock, so every fuzz seed judges the code people use. This
 * file only adapts it: operation handles the tests can poll, and the history the checker reads.
 *
 * One operation at a time (later calls queue); retries never give up (a simulated client waits
 * for as long as the run lasts), always with the same seq: exactly once.
 */
import type { KvCommand } from '../core/kv-types.ts';
import type { ClientReply, ClientRequest, NodeId } from '../core/types.ts';
import { ClientSession, CountingSeqSource, type ClientTransport, type SessionProgress } from '../client/client-session.ts';
import type { ConsoleReply } from '../client/types.ts';
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

/** How long a simulated client backs off when no leader is known or a node asks it to retry. */
const BACKOFF_MS = 10;

export class SimClient {
  private readonly session: ClientSession;

  constructor(
    readonly id: string,
    private readonly host: ClientHost,
    private readonly recorder: HistoryRecorder,
    timeoutMs: number,
    /** Bound on queued operations; beyond it a call fails at once. */
    maxQueued = 10_000,
  ) {
    this.session = new ClientSession(id, new CountingSeqSource(), virtualTransport(host, timeoutMs), {
      maxQueued, maxAttempts: Infinity, random: () => host.randomInt(0, 999) / 1000,
    });
  }

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

  /** Send every attempt to `id` (undefined: follow the leader again). See ClientSession.pinTo. */
  pinTo(id: NodeId | undefined): void {
    this.session.pinTo(id);
  }

  /** True while an operation is outstanding or queued. */
  busy(): boolean {
    return this.session.busy();
  }

  submit(command: KvCommand): OperationHandle {
    const handle: OperationHandle = {
      command, done: false, ok: false, value: undefined, keys: undefined, error: undefined,
      attempts: [], callMs: this.host.nowMs(), returnMs: undefined,
    };
    let historyId = -1;
    const onProgress = (progress: SessionProgress): void => {
      if (progress.kind !== 'sent') return;
      // The operation is invoked when its first request leaves: that is its call in the history.
      if (handle.attempts.length === 0) {
        handle.callMs = this.host.nowMs();
        historyId = this.recorder.call(this.id, command, handle.callMs);
      }
      handle.attempts.push(progress.to);
    };
    this.session.start(command, { onProgress }, (reply) => this.complete(handle, historyId, reply));
    return handle;
  }

  receive(m: ClientReply): void {
    this.session.receive(m);
  }

  private complete(handle: OperationHandle, historyId: number, reply: ConsoleReply): void {
    handle.done = true;
    handle.returnMs = this.host.nowMs();
    const result = reply.result;
    if (result !== undefined) {
      handle.ok = result.ok;
      if (result.op === 'keys') handle.keys = result.keys;
      else if (result.op !== 'set') handle.value = result.value;
      if (historyId >= 0) this.recorder.complete(historyId, handle.returnMs, result);
      return;
    }
    handle.error = reply.error ?? 'failed';
    // A rejected request had no effect, except a stale one: its seq may have been applied before.
    if (historyId >= 0 && reply.errorCode !== undefined && reply.errorCode !== 'stale-request') this.recorder.discard(historyId);
  }
}

/**
 * A session's transport on virtual time: timers are events in the simulator's queue. The page's
 * in-page engine builds its console on it too (adding the explanations of a silence).
 */
export function virtualTransport(host: ClientHost, timeoutMs: number, backoffMs = BACKOFF_MS): ClientTransport {
  return {
    send: (m) => host.send(m),
    nodeIds: () => host.nodeIds(),
    now: () => host.nowMs(),
    setTimer: (run, delayMs) => {
      // The queue cannot unschedule, so a cleared timer is a flag its event finds set.
      const timer = { cleared: false };
      host.schedule(delayMs, () => {
        if (!timer.cleared) run();
      });
      return timer;
    },
    clearTimer: (handle) => {
      if (handle !== undefined) (handle as { cleared: boolean }).cleared = true;
    },
    isPaused: () => false,
    attemptTimeoutMs: () => timeoutMs,
    backoffMs: () => backoffMs,
  };
}
