/**
 * The inside of a node's worker, independent of the Worker API so tests can run it in Node:
 * receives host messages, loads the node from its storage, ticks it with a timer scaled by the
 * page's speed, and posts outgoing messages and throttled NodeView snapshots.
 *
 * Failure handling: a corrupted record or an unavailable database at load makes the node refuse
 * to start (fatal, phase 'load', with the reason); a refused write or a database deleted under the
 * running node stops it (fatal, phase 'storage': it must not promise what it cannot keep, see
 * durable-storage.ts); any other exception while running (a failed assertion) is fatal too. The
 * host shows the node crashed with the reason; a restart starts a fresh worker from the database.
 * A database found empty when the host knows the node had state (deleted while the page ran) is
 * not silently recreated: the node refuses to start and says that Wipe would start it empty.
 */
import { unreachable } from '../core/assert.ts';
import { raftProtocol } from '../raft/index.ts';
import { SeededRng } from '../core/rng.ts';
import { DurableStorage, StorageFailure, storageStopText } from './durable-storage.ts';
import type { NodeStorage } from './idb-storage.ts';
import { limitProtocol } from '../core/limit-node.ts';
import type { Protocol } from '../core/protocol-node.ts';
import { ProtocolRunner, type NodeRunner, type RunnerIo } from './node-runner.ts';
import { PROTOCOL_VERSION, protocolProblem, type FatalPhase, type HostToWorker, type InitMessage, type WorkerToHost } from './protocol.ts';

export interface HostPort {
  post(message: WorkerToHost): void;
  /**
   * The node's storage (IndexedDB, or memory when the page asked for it). `lost` is called if the
   * database goes away under the running node (deleted from elsewhere).
   */
  openStorage(init: InitMessage, lost: (reason: string) => void): NodeStorage;
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Shortest tick interval (ms): timers below this only burn the CPU. */
const MIN_TICK_MS = 1;

export class NodeHost {
  private state: 'new' | 'loading' | 'running' | 'dead' = 'new';
  private init: InitMessage | undefined;
  private runner: NodeRunner | undefined;
  private speed = 1;
  /** This node's clock drift (1 = true time); see InitMessage.clockRate. */
  private clockRate = 1;
  private paused = false;
  private tickTimer: unknown = undefined;
  private viewTimer: unknown = undefined;
  private lastRoleKey = '';
  private readonly io: RunnerIo = {
    send: (messages) => this.post({ v: PROTOCOL_VERSION, type: 'send', messages }),
    changed: () => this.afterInput(),
    guard: (fn) => this.guard(fn),
    fatal: (e) => (e instanceof StorageFailure ? this.die('storage', storageStopText(this.label(), e.message)) : this.die('run', e)),
  };

  constructor(private readonly port: HostPort) {}

  receive(data: unknown): void {
    if (this.state === 'dead') return;
    const problem = protocolProblem(data, 'to-worker');
    if (problem !== undefined) return this.die('protocol', problem);
    this.guard(() => this.handle(data as HostToWorker));
  }

  private handle(msg: HostToWorker): void {
    switch (msg.type) {
      case 'init':
        if (this.state !== 'new') return this.die('protocol', 'init received twice');
        void this.start(msg);
        return;
      case 'deliver':
        return this.withRunner((r) => r.deliver(msg.messages));
      case 'speed':
        this.speed = msg.speed;
        return this.rearmTicks();
      case 'clock-rate':
        this.clockRate = msg.rate;
        return this.rearmTicks();
      case 'pause':
        this.paused = true;
        return this.rearmTicks();
      case 'resume':
        this.paused = false;
        return this.rearmTicks();
      case 'force-timeout':
        return this.withRunner((r) => r.forceTimeout());
      case 'transfer-leadership':
        return this.withRunner((r) => {
          // The page checked before asking; a refusal here means leadership moved meanwhile.
          const refused = r.transferLeadership(msg.to);
          if (refused !== undefined) this.post({ v: PROTOCOL_VERSION, type: 'warning', message: `Leadership was not transferred to n${msg.to}: ${refused}.` });
        });
      case 'compact':
        return this.withRunner((r) => {
          // The Simulation's words, so both controllers say the same thing.
          const refused = r.compact();
          if (refused !== undefined) this.post({ v: PROTOCOL_VERSION, type: 'warning', message: `cannot compact n${this.init?.id ?? '?'}: ${refused}` });
        });
      case 'read-log': {
        const entries = this.runner?.readLog(msg.fromIndex, msg.toIndex) ?? [];
        return this.post({ v: PROTOCOL_VERSION, type: 'log', requestId: msg.requestId, entries });
      }
      default:
        return unreachable(msg);
    }
  }

  private async start(init: InitMessage): Promise<void> {
    this.state = 'loading';
    this.init = init;
    this.speed = init.speed;
    this.clockRate = init.clockRate;
    this.paused = init.paused;
    const label = this.label();
    const storage = new DurableStorage(this.port.openStorage(init, (reason) => this.die('storage', storageStopText(label, reason))));
    let loaded;
    try {
      loaded = await storage.load();
    } catch (e) {
      return this.die('load', e);
    }
    if (this.state !== 'loading') return;
    if (!loaded.ok) {
      const e = loaded.error;
      const what = e.kind === 'corrupt' ? `corrupted record "${e.record}" in database ${init.dbName}: ${e.message}` : e.message;
      return this.die('load', `${label} refuses to start: ${what}`);
    }
    if (init.expectData && loaded.empty) {
      return this.die('load', `${label} refuses to start: its database ${init.dbName} is empty, but the node had state (was the database deleted?). Starting it empty would be a wipe, which can break Raft's safety: use Wipe to do that knowingly.`);
    }
    const durable = loaded.state;
    this.guard(() => {
      // Either protocol starts through the same contract and runs on the same runner.
      const node = this.protocolFor(init).start({ id: init.id, nodeIds: init.voters, durable, rng: new SeededRng(init.seed) });
      this.runner = new ProtocolRunner(node, storage, this.io, {
        setTimeout: (run, ms) => this.port.setTimeout(run, ms),
        clearTimeout: (handle) => this.port.clearTimeout(handle),
      });
      this.state = 'running';
      this.lastRoleKey = this.runner.roleKey();
      this.post({ v: PROTOCOL_VERSION, type: 'started', view: this.runner.view() });
      this.rearmTicks();
    });
  }

  private label(): string {
    return `Node ${this.init?.id ?? '?'}`;
  }

  private protocolFor(init: InitMessage): Protocol {
    if (init.mode === 'limit') return limitProtocol;
    const { preVote, checkQuorum, reads } = init.protocol;
    return raftProtocol({ tuning: { electionTimeoutTicks: init.electionTimeoutTicks, heartbeatIntervalTicks: init.heartbeatIntervalTicks, preVote, checkQuorum, reads } });
  }

  private withRunner(fn: (runner: NodeRunner) => void): void {
    const runner = this.runner;
    if (this.state !== 'running' || runner === undefined) return;
    fn(runner);
    this.afterInput();
  }

  /** Role, term and leader changes go out at once; other changes at most every viewIntervalMs. */
  private afterInput(): void {
    const runner = this.runner;
    if (this.state !== 'running' || runner === undefined) return;
    const key = runner.roleKey();
    if (key !== this.lastRoleKey) {
      this.lastRoleKey = key;
      this.postView();
      return;
    }
    if (this.viewTimer !== undefined) return;
    this.viewTimer = this.port.setTimeout(() => this.guard(() => this.postView()), this.init?.viewIntervalMs ?? 100);
  }

  private postView(): void {
    if (this.viewTimer !== undefined) this.port.clearTimeout(this.viewTimer);
    this.viewTimer = undefined;
    if (this.state !== 'running' || this.runner === undefined) return;
    this.post({ v: PROTOCOL_VERSION, type: 'view', view: this.runner.view() });
  }

  private rearmTicks(): void {
    if (this.tickTimer !== undefined) this.port.clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    const init = this.init;
    if (this.state !== 'running' || this.paused || init === undefined || init.mode === 'limit') return;
    const intervalMs = Math.max(MIN_TICK_MS, init.tickMs / this.speed / this.clockRate);
    this.tickTimer = this.port.setInterval(() => this.withRunnerGuarded((r) => r.tick()), intervalMs);
  }

  private withRunnerGuarded(fn: (runner: NodeRunner) => void): void {
    this.guard(() => this.withRunner(fn));
  }

  private guard(fn: () => void): void {
    if (this.state === 'dead') return;
    try {
      fn();
    } catch (e) {
      this.die('run', e);
    }
  }

  private die(phase: FatalPhase, error: unknown): void {
    if (this.state === 'dead') return;
    this.state = 'dead';
    this.runner?.stop();
    if (this.tickTimer !== undefined) this.port.clearInterval(this.tickTimer);
    if (this.viewTimer !== undefined) this.port.clearTimeout(this.viewTimer);
    this.tickTimer = undefined;
    this.viewTimer = undefined;
    this.post({ v: PROTOCOL_VERSION, type: 'fatal', phase, error: describeError(error) });
  }

  private post(message: WorkerToHost): void {
    this.port.post(message);
  }
}

export function describeError(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
  return String(e);
}
