/**
 * The console's client: independent requests run side by side, each on its own exactly-once
 * session (ClientSession), so sixty SETs typed in two seconds do not wait for one another.
 *
 * Order: a request waits for every earlier, unfinished request that touches the same key (KEYS
 * touches every key), so `SET x 1` then `GET x` reads 1, as a person typing them expects.
 * Requests on different keys are concurrent operations and may finish in any order.
 *
 * Sessions are opened lazily, at most `maxSessions`; each keeps its own client id and seq (the
 * host decides where: localStorage for the page's console). A request with nothing ahead of it
 * but no free session waits for one; the pending line says what it waits behind.
 *
 * A held request (no answer within the bound: see ClientSession) keeps its session, its seq
 * and its promise: retry(id) sends it again, cancel(id) gives it up, a late answer completes it.
 */
import type { KvCommand } from '../core/kv-types.ts';
import type { ClientId, ClientReply, NodeId } from '../core/types.ts';
import type { ClientSession, SessionProgress, SessionSubmitOptions } from './client-session.ts';
import type { ConsoleReply, RequestProgress, SubmitOptions } from './types.ts';

/**
 * How long a console request may go without an answer (paused time not counted) before it is
 * held and says why: five election timeouts (a healthy failover takes at most two), and never
 * less than three attempts, so a request that met a dead leader first still tries the others.
 */
export function consoleStallMs(electionTimeoutMs: number, attemptTimeoutMs: number): number {
  return Math.max(5 * electionTimeoutMs, 3 * attemptTimeoutMs);
}

export interface ConsoleClientOptions {
  maxSessions?: number;
  /** Requests waiting (not yet sent) beyond which submit answers at once with an error. */
  maxWaiting?: number;
}

interface Request {
  id: number;
  command: KvCommand;
  target: NodeId | undefined;
  /** The key it touches; undefined = every key (KEYS). */
  key: string | undefined;
  session: ClientSession | undefined;
  /** What the pending line last said about its wait, to report changes only. */
  lastWait: string;
  onProgress: ((progress: RequestProgress) => void) | undefined;
  resolve: (reply: ConsoleReply) => void;
}

export class ConsoleClient {
  private readonly maxSessions: number;
  private readonly maxWaiting: number;
  private readonly sessions: ClientSession[] = [];
  /** Unfinished requests in the order they were typed (waiting and running). */
  private requests: Request[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    /** Opens the console's session number `slot` (0, 1, ...) and routes its replies to it. */
    private readonly openSession: (slot: number) => ClientSession,
    options: ConsoleClientOptions = {},
  ) {
    this.maxSessions = options.maxSessions ?? 8;
    this.maxWaiting = options.maxWaiting ?? 64;
  }

  submit(command: KvCommand, options: SubmitOptions = {}): Promise<ConsoleReply> {
    if (this.closed) return Promise.resolve(failure('the cluster was closed'));
    const waiting = this.requests.filter((r) => r.session === undefined).length;
    if (waiting >= this.maxWaiting) {
      return Promise.resolve(failure(`too many commands waiting (at most ${this.maxWaiting}); wait for answers first`));
    }
    return new Promise((resolve) => {
      const request: Request = {
        id: this.nextId++, command, target: options.target, key: keyOf(command), session: undefined, lastWait: '',
        onProgress: options.onProgress, resolve,
      };
      this.requests.push(request);
      this.dispatch();
    });
  }

  /** A held request tries again with the same identity. False if it is not held (or gone). */
  retry(requestId: number): boolean {
    return this.find(requestId)?.session?.retryHeld() ?? false;
  }

  /** Gives a request up (waiting, running or held). False if it already finished. */
  cancel(requestId: number): boolean {
    const request = this.find(requestId);
    if (request === undefined) return false;
    if (request.session !== undefined) return request.session.cancel();
    this.settle(request, failure('cancelled before it was sent: it had no effect'));
    return true;
  }

  /** The client ids of the sessions opened so far. */
  clientIds(): ClientId[] {
    return this.sessions.map((s) => s.id);
  }

  /** Answers everything unfinished with an error; takes no more requests. */
  close(reason: string): void {
    this.closed = true;
    for (const session of this.sessions) session.close(reason);
    for (const request of this.requests.filter((r) => r.session === undefined)) this.settle(request, failure(`${reason}; it was never sent`));
  }

  receive(m: ClientReply): void {
    this.sessions.find((s) => s.id === m.to)?.receive(m);
  }

  private find(requestId: number): Request | undefined {
    return this.requests.find((r) => r.id === requestId);
  }

  /** Starts every waiting request that has nothing ahead of it and a free session. */
  private dispatch(): void {
    for (let k = 0; k < this.requests.length; k++) {
      const request = this.requests[k]!;
      if (request.session !== undefined) continue;
      const behind = this.requests.slice(0, k).filter((earlier) => conflict(earlier.key, request.key)).length;
      if (behind > 0) {
        this.reportWait(request, { kind: 'queued', requestId: request.id, behind, why: 'same-key' });
        continue;
      }
      const session = this.freeSession();
      if (session === undefined) {
        this.reportWait(request, { kind: 'queued', requestId: request.id, behind: this.running(), why: 'sessions-busy' });
        continue;
      }
      this.start(request, session);
    }
  }

  private start(request: Request, session: ClientSession): void {
    request.session = session;
    const listener = request.onProgress;
    // No listener, nobody to offer a retry to: the session then fails a stuck request instead.
    const options: SessionSubmitOptions = {
      ...(request.target === undefined ? {} : { target: request.target }),
      ...(listener === undefined ? {} : { onProgress: (p: SessionProgress) => listener({ ...p, requestId: request.id }) }),
    };
    void session.submit(request.command, options).then((reply) => this.settle(request, reply));
  }

  private settle(request: Request, reply: ConsoleReply): void {
    this.requests = this.requests.filter((r) => r !== request);
    request.resolve({ ...reply, requestId: request.id });
    this.dispatch();
  }

  private reportWait(request: Request, progress: RequestProgress & { kind: 'queued' }): void {
    const key = `${progress.why}:${progress.behind}`;
    if (key === request.lastWait) return;
    request.lastWait = key;
    request.onProgress?.(progress);
  }

  private freeSession(): ClientSession | undefined {
    const free = this.sessions.find((s) => !s.busy());
    if (free !== undefined || this.sessions.length >= this.maxSessions) return free;
    const opened = this.openSession(this.sessions.length);
    this.sessions.push(opened);
    return opened;
  }

  private running(): number {
    return this.requests.filter((r) => r.session !== undefined).length;
  }
}

function keyOf(command: KvCommand): string | undefined {
  return command.op === 'keys' ? undefined : command.key;
}

function conflict(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

function failure(error: string): ConsoleReply {
  return { ok: false, text: `(error) ${error}`, error, path: [], latencyMs: 0 };
}
