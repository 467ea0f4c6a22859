/**
 * A client session with exactly-once semantics, talking to the cluster through the bus (so its
 * traffic is shown, delayed, dropped and partitioned like everything else).
 *
 * One operation at a time: the KV state machine keeps one remembered result per client (the
 * highest seq), so a second concurrent request would make the first one "stale". Later submits
 * queue (bounded). Each operation gets a new seq, taken from the SeqSource before the first send
 * (the console's source persists it, so a reloaded page never reuses a seq the cluster has seen).
 * Retries carry the same seq: a write that already took effect is answered from the session table,
 * never applied twice.
 *
 * Routing (the one redirect rule, for the console and the simulator's clients alike): the node
 * believed to lead, else the next node in turn (starting at a random one). A redirect with a
 * hint is followed at once, unless the hint names the node that sent it (then the leader counts
 * as unknown); "leader unknown" and "retry" answers wait a back-off; no answer within the
 * attempt timeout tries the next node. While the cluster is paused, timeouts do not count.
 * Two ways to aim at one node: a targeted request (the console's `@N`) reports whatever that
 * node says and follows nothing; a pinned session (pinTo, for tests) keeps asking that node.
 *
 * Pure: transport, timers and randomness are injected. The worker cluster passes the bus and
 * wall timers, the simulator its event queue (sim/client.ts), so the fuzzer judges this code.
 *
 * Bounded wait: with `stallAfterMs`, an operation that got no answer for that long (paused time
 * not counted) is *held*: the session stops sending, reports why through onProgress (the
 * transport's whyNoAnswer(), e.g. "no leader: only 1 of 3 nodes is running; a majority is 2")
 * and keeps the operation with its seq, so retryHeld() sends the very same request again and a
 * late answer still completes it. cancel() gives it up: the outcome is then unknown. Without an
 * onProgress listener there is nobody to ask, and the operation fails with the reason instead.
 */
import { unreachable } from '../core/assert.ts';
import type { KvCommand, KvResult } from '../core/kv-types.ts';
import type { ClientId, ClientReply, ClientRequest, NodeId } from '../core/types.ts';
import type { Timers } from '../core/timers.ts';
import type { ConsoleReply } from './types.ts';

/** How a session reaches the cluster: the bus on the page, the event queue in the simulator. */
export interface ClientTransport extends Timers {
  send(m: ClientRequest): void;
  nodeIds(): readonly NodeId[];
  isPaused(): boolean;
  /** How long to wait for an answer before trying another node (already scaled by speed). */
  attemptTimeoutMs(): number;
  /** How long to wait before retrying when no leader is known (already scaled by speed). */
  backoffMs(): number;
  /** Why the cluster may not be answering, in one sentence (for a held operation). */
  whyNoAnswer?(): string;
  /** Why this node cannot commit (cut off from the majority), or undefined (for `@N` requests). */
  cutOffFromMajority?(id: NodeId): string | undefined;
}

export interface SeqSource {
  /** The next sequence number: strictly greater than every one handed out before. */
  next(): number;
}

export interface ClientSessionOptions {
  /** Bound on queued operations; beyond it submit() answers at once with an error. */
  maxQueued?: number;
  /** Attempts (sends) per operation before giving up with "outcome unknown". */
  maxAttempts?: number;
  /** Hold an operation that got no answer for this long (see the header). Unset: never hold. */
  stallAfterMs?: () => number;
  /** Uniform in [0, 1): where the round-robin over nodes starts (injected: no Math.random here). */
  random?: () => number;
}

export interface SessionSubmitOptions {
  /** Send to this node only (see SubmitOptions in cluster-api.ts). */
  target?: NodeId;
  onProgress?: (progress: SessionProgress) => void;
}

/** What an operation is doing, for the console's pending line. */
export type SessionProgress =
  | { kind: 'sent'; to: NodeId; attempt: number }
  | { kind: 'held'; reason: string; waitedMs: number };

interface Operation {
  command: KvCommand;
  /** Set: send to this node only and report what it says (see SubmitOptions). */
  target: NodeId | undefined;
  seq: number;
  path: NodeId[];
  startedAt: number;
  /** Bumped at every send and back-off: a timer from an older attempt finds it changed and does nothing. */
  attempt: number;
  sends: number;
  timer: unknown;
  /** Time spent waiting for answers while the cluster ran (paused time not counted). */
  waitedMs: number;
  held: boolean;
  onProgress: ((progress: SessionProgress) => void) | undefined;
  done: (reply: ConsoleReply) => void;
}

interface Queued {
  command: KvCommand;
  target: NodeId | undefined;
  onProgress: ((progress: SessionProgress) => void) | undefined;
  done: (reply: ConsoleReply) => void;
}

export class ClientSession {
  private readonly maxQueued: number;
  private readonly maxAttempts: number;
  private readonly stallAfterMs: (() => number) | undefined;
  private queue: Queued[] = [];
  private current: Operation | undefined;
  private leaderHint: NodeId = 0;
  private turn: number;
  /** Set: every attempt goes to this node and redirects are retried there (see pinTo). */
  private pinnedTo: NodeId | undefined;
  private closed = false;

  constructor(
    readonly id: ClientId,
    private readonly seqs: SeqSource,
    private readonly transport: ClientTransport,
    options: ClientSessionOptions = {},
  ) {
    this.maxQueued = options.maxQueued ?? 32;
    this.maxAttempts = options.maxAttempts ?? 100;
    this.stallAfterMs = options.stallAfterMs;
    this.turn = Math.floor((options.random?.() ?? 0) * 1000);
  }

  submit(command: KvCommand, options: SessionSubmitOptions = {}): Promise<ConsoleReply> {
    return new Promise((resolve) => this.start(command, options, resolve));
  }

  /**
   * submit() for hosts that cannot wait for a promise: the simulator runs a whole stretch of
   * virtual time in one synchronous call, so `done` is called right when the answer arrives.
   */
  start(command: KvCommand, options: SessionSubmitOptions, done: (reply: ConsoleReply) => void): void {
    if (this.closed) return done(failure('the cluster was closed', [], 0));
    if (this.queue.length >= this.maxQueued) {
      return done(failure(`too many commands waiting (at most ${this.maxQueued}); wait for answers first`, [], 0));
    }
    this.queue.push({ command, target: options.target, onProgress: options.onProgress, done });
    if (this.current === undefined) this.startNext();
  }

  /**
   * Sends every attempt to `id`, following no redirect (undefined: route normally again). Unlike
   * a targeted request, a pinned one keeps trying that node until it answers: tests use it to
   * hold a request at a deposed leader, then unpin to let it find the new one.
   */
  pinTo(id: NodeId | undefined): void {
    this.pinnedTo = id;
  }

  /** True while an operation is outstanding or queued. */
  busy(): boolean {
    return this.current !== undefined || this.queue.length > 0;
  }

  /** The held operation (if any) tries again: same seq, a fresh wait and attempt budget. */
  retryHeld(): boolean {
    const op = this.current;
    if (op === undefined || !op.held) return false;
    op.held = false;
    op.waitedMs = 0;
    op.sends = 0;
    this.send(op);
    return true;
  }

  /** Gives up the current operation (held or not): its outcome is unknown. */
  cancel(): boolean {
    const op = this.current;
    if (op === undefined) return false;
    this.finish(op, { ok: false, text: '', error: `cancelled: ${outcomeUnknown(op.command)}` });
    return true;
  }

  receive(m: ClientReply): void {
    const op = this.current;
    if (op === undefined || m.seq !== op.seq) return; // a duplicate, or the late answer to an earlier try
    const body = m.body;
    // Held: a late result or error completes it; a redirect only teaches who leads.
    if (op.held && (body.kind === 'redirect' || body.kind === 'retry')) {
      this.leaderHint = body.kind === 'redirect' && body.leaderHint !== m.from ? body.leaderHint : 0;
      return;
    }
    if (op.target !== undefined && (body.kind === 'redirect' || body.kind === 'retry')) return this.finishTargeted(op, m);
    switch (body.kind) {
      case 'result':
        this.leaderHint = m.from;
        return this.finish(op, { ok: true, text: resultText(body.result), result: body.result, answeredBy: m.from });
      case 'error':
        return this.finish(op, {
          ok: false, text: `(error) ${body.error.message}`, error: body.error.message, errorCode: body.error.code, answeredBy: m.from,
        });
      case 'redirect':
        this.leaderHint = body.leaderHint === m.from ? 0 : body.leaderHint;
        if (this.leaderHint !== 0 && this.pinnedTo === undefined) return this.send(op);
        return this.backOff(op);
      case 'retry':
        this.leaderHint = 0;
        return this.backOff(op);
      default:
        return unreachable(body);
    }
  }

  /** Answers everything still waiting with an error; the session takes no more commands. */
  close(reason = 'the cluster was closed'): void {
    this.closed = true;
    const op = this.current;
    this.current = undefined;
    if (op !== undefined) {
      this.transport.clearTimer(op.timer);
      op.done(failure(`${reason}; ${outcomeUnknown(op.command)}`, op.path, this.transport.now() - op.startedAt));
    }
    for (const queued of this.queue) queued.done(failure(reason, [], 0));
    this.queue = [];
  }

  private startNext(): void {
    const next = this.queue.shift();
    if (next === undefined) return;
    const op: Operation = {
      command: next.command, target: next.target, seq: this.seqs.next(), path: [], startedAt: this.transport.now(),
      attempt: 0, sends: 0, timer: undefined, waitedMs: 0, held: false, onProgress: next.onProgress, done: next.done,
    };
    this.current = op;
    this.send(op);
  }

  private send(op: Operation): void {
    if (op.sends >= this.maxAttempts) {
      return this.finish(op, { ok: false, text: '', error: `no answer after ${op.sends} attempts: ${outcomeUnknown(op.command)}` });
    }
    const target = op.target ?? this.chooseTarget();
    op.sends++;
    op.path.push(target);
    op.onProgress?.({ kind: 'sent', to: target, attempt: op.sends });
    if (op.target !== undefined) {
      // Asked one node: wait a little longer than usual, then say it never answered.
      const waitMs = 2 * this.transport.attemptTimeoutMs();
      this.arm(op, waitMs, () => this.finish(op, {
        ok: false, text: '',
        error: this.cannotCommit(op, target, 'unknown') ?? `no answer from n${target} within ${(waitMs / 1000).toFixed(1)} s: ${outcomeUnknown(op.command)}`,
      }));
    } else {
      this.arm(op, this.transport.attemptTimeoutMs(), () => {
        this.leaderHint = 0;
        this.sendOrHold(op);
      });
    }
    this.transport.send({ type: 'ClientRequest', from: this.id, to: target, seq: op.seq, command: op.command });
  }

  /** A targeted request met a node that will not answer it itself: report, do not follow. */
  private finishTargeted(op: Operation, m: ClientReply): void {
    const body = m.body;
    if (body.kind === 'redirect') {
      const hint = body.leaderHint === 0 || body.leaderHint === m.from ? 'it does not know the leader' : `it points to n${body.leaderHint}`;
      const error = this.cannotCommit(op, m.from, `it is not the leader (${hint}), so it did not take the write`) ?? `n${m.from} is not the leader: ${hint}`;
      return this.finish(op, { ok: false, text: '', error, answeredBy: m.from });
    }
    const reason = body.kind === 'retry' ? body.reason : 'no answer';
    const error = this.cannotCommit(op, m.from, 'unknown') ?? `n${m.from} could not finish it (${reason}): ${outcomeUnknown(op.command)}`;
    this.finish(op, { ok: false, text: '', error, answeredBy: m.from });
  }

  /**
   * A write sent to one node cut off from the majority: say that it could not commit, and why.
   * The outcome: a follower that redirected did not take it; otherwise the node may have appended
   * it as leader, and it commits only if that node leads a majority again once it rejoins.
   */
  private cannotCommit(op: Operation, node: NodeId, outcome: 'unknown' | string): string | undefined {
    if (op.command.op === 'get' || op.command.op === 'keys') return undefined;
    const why = this.transport.cutOffFromMajority?.(node);
    if (why === undefined) return undefined;
    const after = outcome === 'unknown' ? `the outcome is unknown until n${node} rejoins (the write may still take effect, once)` : outcome;
    return `n${node} could not commit it: ${why}; ${after}`;
  }

  private backOff(op: Operation): void {
    this.arm(op, this.transport.backoffMs(), () => this.sendOrHold(op));
  }

  /** The next attempt, unless the operation waited its bound: then hold it and say why. */
  private sendOrHold(op: Operation): void {
    const bound = this.stallAfterMs?.();
    if (bound === undefined || op.waitedMs < bound) return this.send(op);
    const reason = this.transport.whyNoAnswer?.() ?? 'the cluster did not answer';
    // Nobody to offer a retry to (an auto-writer, a test): give up, saying why.
    if (op.onProgress === undefined) return this.finish(op, { ok: false, text: '', error: `${reason}; ${outcomeUnknown(op.command)}` });
    this.transport.clearTimer(op.timer);
    op.attempt++;
    op.held = true;
    op.onProgress({ kind: 'held', reason, waitedMs: op.waitedMs });
  }

  /** One timer per operation; while the cluster is paused it waits without counting. */
  private arm(op: Operation, delayMs: number, run: () => void): void {
    this.transport.clearTimer(op.timer);
    op.attempt++;
    const attempt = op.attempt;
    op.timer = this.transport.setTimer(() => this.fire(op, attempt, delayMs, run), delayMs);
  }

  /** An armed timer fired: act unless the operation moved on; paused time does not count. */
  private fire(op: Operation, attempt: number, delayMs: number, run: () => void): void {
    if (this.current !== op || op.attempt !== attempt) return;
    if (this.transport.isPaused()) {
      op.timer = this.transport.setTimer(() => this.fire(op, attempt, delayMs, run), delayMs);
      return;
    }
    op.waitedMs += delayMs;
    run();
  }

  private chooseTarget(): NodeId {
    if (this.pinnedTo !== undefined) return this.pinnedTo;
    if (this.leaderHint !== 0) return this.leaderHint;
    const ids = this.transport.nodeIds();
    this.turn++;
    return ids[this.turn % ids.length]!;
  }

  private finish(op: Operation, reply: Omit<ConsoleReply, 'path' | 'latencyMs'>): void {
    this.transport.clearTimer(op.timer);
    op.attempt++;
    this.current = undefined;
    // Built field by field, not spread: replies come in several shapes, and a spread of mixed
    // shapes is a slow generic copy on the simulator's hot path. The path is the finished
    // operation's own array, so it is handed over rather than copied.
    op.done({
      ok: reply.ok,
      text: reply.text !== '' ? reply.text : `(error) ${reply.error ?? 'failed'}`,
      result: reply.result,
      error: reply.error,
      errorCode: reply.errorCode,
      answeredBy: reply.answeredBy,
      path: op.path,
      latencyMs: this.transport.now() - op.startedAt,
    });
    this.startNext();
  }
}

/** What is known about an operation that got no definite answer: reads and writes differ. */
export function outcomeUnknown(command: KvCommand): string {
  return command.op === 'get' || command.op === 'keys'
    ? 'the read did not complete (it changed nothing; try again)'
    : 'the outcome is unknown (the write may still take effect, once)';
}

function failure(error: string, path: NodeId[], latencyMs: number): ConsoleReply {
  return { ok: false, text: `(error) ${error}`, error, path: path.slice(), latencyMs };
}

/** The console's text for a result, in the style of redis-cli. */
export function resultText(result: KvResult): string {
  switch (result.op) {
    case 'set':
      return 'OK';
    case 'get':
      return quote(result.value);
    case 'del':
      return result.value === null ? '(nil)' : `deleted ${quote(result.value)}`;
    case 'cas':
      return result.ok ? 'OK' : `NOT SWAPPED: the value is ${quote(result.value)}`;
    case 'keys':
      return result.keys.length === 0 ? '(empty list)' : result.keys.map((k, n) => `${n + 1}) ${quote(k)}`).join('\n');
    default:
      return unreachable(result);
  }
}

function quote(value: string | null): string {
  return value === null ? '(nil)' : JSON.stringify(value);
}

/** A seq source for sessions that need not survive the page (benchmark clients). */
export class CountingSeqSource implements SeqSource {
  private seq = 0;
  next(): number {
    return ++this.seq;
  }
}
