/**
 * The browser runtime: implements ClusterController (cluster-api.ts) with one Web Worker per node,
 * the bus on the main thread, and each node's state in its own IndexedDB database.
 *
 * Crash = terminate the worker (its memory is gone). Restart = a new worker that rebuilds from its
 * database. Wipe = delete that database, then restart. The configuration is saved in localStorage
 * at every change, so a reloaded page restarts the same nodes from their databases.
 *
 * Everything the page can pile up is bounded: messages in flight (Bus), events (EventStream),
 * console commands waiting (ClientSession), log reads waiting (MAX_PENDING_READS), warnings.
 */
import { clockRateProblem } from '../core/clock-rate.ts';
import { unreachable } from '../core/assert.ts';
import type { KvCommand } from '../core/kv-types.ts';
import type { ClientReply, Message, NodeId } from '../core/types.ts';
import { Bus, validateSpeed } from './bus.ts';
import type { Timers } from '../core/timers.ts';
import { ClientSession, CountingSeqSource, type ClientTransport } from '../client/client-session.ts';
import { ConsoleClient, consoleStallMs } from '../client/console-client.ts';
import { PersistentSession, type KeyValueStore } from '../client/persistent-session.ts';
import type {
  ClusterConfig, ClusterController, ClusterEvent, ClusterSnapshot, ConsoleReply, EntryView, NetworkSettings, NodeCount, NodeView, StorageMode, SubmitOptions,
  ProtocolSwitches,
} from './cluster-api.ts';
import { MAX_NODE_ID, saveConfig, validateConfig } from './config.ts';
import { EventStream } from './event-stream.ts';
import { cutOffFromMajority, whyNoAnswer, type ClusterPicture } from './no-answer.ts';
import { downView } from './node-view.ts';
import { PROTOCOL_VERSION, nodeDbName, protocolProblem, type Durability, type HostToWorker, type WorkerMode, type WorkerToHost } from './protocol.ts';

/** What the cluster needs from a Worker (a fake in tests). */
export interface WorkerLike {
  postMessage(message: HostToWorker): void;
  terminate(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
}

export interface ClusterDeps {
  createWorker(): WorkerLike;
  timers: Timers;
  /** Uniform in [0, 1): the bus's drop, duplicate and delay draws. */
  random(): number;
  /** A fresh seed for a node's election timer. */
  seed(): number;
  /** localStorage, or undefined when the page has none. */
  store: KeyValueStore | undefined;
  deleteDatabase(name: string): Promise<void>;
  /** False when this browser has no IndexedDB: every node runs in memory. */
  indexedDbAvailable: boolean;
  scheduleFrame(run: () => void): void;
}

export interface ClusterOptions {
  /** 'limit' runs the benchmark's no-consensus ceiling instead of Raft. */
  mode?: WorkerMode;
  durability?: Durability;
  viewIntervalMs?: number;
  /** Save the configuration for the next page load (off for benchmark clusters). */
  persistConfig?: boolean;
  /** Warnings known before the cluster starts (e.g. an unreadable saved configuration). */
  warnings?: string[];
  /** Why every node runs in memory, when deps.indexedDbAvailable is false (default: no IndexedDB). */
  noIndexedDbWarning?: string;
}

interface PendingRead {
  resolve(entries: EntryView[]): void;
  reject(error: Error): void;
  timer: unknown;
}

interface NodeSlot {
  id: NodeId;
  worker: WorkerLike | undefined;
  /** Bumped at every spawn and crash: messages from an older worker are ignored. */
  epoch: number;
  status: 'starting' | 'up' | 'down';
  view: NodeView;
  /** The node has had durable state in this page: an empty database at its next start means deleted. */
  hadData: boolean;
  /** Why the node refused to start or its storage failed (shown in warnings too). */
  loadError: string | undefined;
  reads: Map<number, PendingRead>;
  /** The node's clock drift (1 = true time): the machine's, so it outlives restarts. */
  clockRate: number;
}

const MAX_PENDING_READS = 16;
const READ_TIMEOUT_MS = 5000;
const MAX_WARNINGS = 20;
/** Clients besides the console (benchmark sessions). */
const MAX_CLIENTS = 512;


/** Membership changes run in the in-page engine only, so far (the worker cluster would need a worker per new node). */
export const MEMBERSHIP_OFFLINE_ONLY = 'adding and removing nodes works in the in-page engine for now: open the page with ?offline';

export class BrowserCluster implements ClusterController {
  private config: ClusterConfig;
  private readonly bus: Bus;
  private readonly events: EventStream;
  private slots: NodeSlot[] = [];
  private readonly clients = new Map<string, ClientSession>();
  private console: ConsoleClient;
  private readonly globalWarnings: string[] = [];
  private readonly mode: WorkerMode;
  private readonly durability: Durability;
  private readonly viewIntervalMs: number;
  private readonly persistConfig: boolean;
  private nextReadId = 1;
  private disposed = false;
  /** Where every node keeps its state; memory only when chosen up front for the whole cluster. */
  readonly storage: StorageMode;

  constructor(
    config: ClusterConfig,
    private readonly deps: ClusterDeps,
    options: ClusterOptions = {},
  ) {
    validateConfig(config);
    this.config = structuredClone(config);
    this.mode = options.mode ?? 'raft';
    this.durability = options.durability ?? 'strict';
    this.viewIntervalMs = options.viewIntervalMs ?? 100;
    this.persistConfig = options.persistConfig ?? true;
    this.storage = deps.indexedDbAvailable ? 'indexeddb' : 'memory';
    this.events = new EventStream(deps.scheduleFrame, deps.timers.now);
    this.bus = new Bus({
      nodeIds: this.nodeIds(), network: config.network, speed: config.speed, timers: deps.timers, random: deps.random,
      hooks: { deliver: (messages) => this.deliver(messages), isUp: (id) => this.slot(id)?.status === 'up', emit: (e) => this.events.emit(e) },
    });
    for (const warning of options.warnings ?? []) this.warn(warning);
    if (!deps.indexedDbAvailable) {
      this.warn(options.noIndexedDbWarning ?? 'IndexedDB is not available in this browser: every node runs on in-memory storage, and a page reload loses the cluster.');
    }
    if (deps.store === undefined) this.warn('localStorage is not available: the configuration and the console session will not survive a page reload.');
    this.console = this.openConsole();
    this.save();
    this.startAll();
  }

  // ---- Observation ---------------------------------------------------------------------------------

  snapshot(): ClusterSnapshot {
    return {
      config: structuredClone(this.config),
      nodes: this.slots.map((s) => (s.view.clockRate === s.clockRate ? s.view : { ...s.view, clockRate: s.clockRate })),
      inFlight: this.bus.inFlight(),
      cut: this.bus.cutMatrix(),
      linkDelays: this.bus.linkDelayList().map(([from, to, delayMs]) => ({ from, to, delayMs })),
      paused: this.bus.isPaused(),
      warnings: this.warnings(),
    };
  }

  subscribe(listener: (events: ClusterEvent[]) => void): () => void {
    return this.events.subscribe(listener);
  }

  // ---- Nodes -------------------------------------------------------------------------------------

  crash(id: NodeId): void {
    const slot = this.requireSlot(id);
    if (slot.status === 'down') return;
    this.takeDown(slot, undefined);
  }

  /** Starts a stopped node from its database (reopened; a storage failure may have passed). */
  restart(id: NodeId): void {
    const slot = this.requireSlot(id);
    if (slot.status !== 'down') return;
    this.spawn(slot);
  }

  wipe(id: NodeId): void {
    const slot = this.requireSlot(id);
    if (slot.status !== 'down') this.takeDown(slot, undefined);
    this.events.emit({ kind: 'warning', at: this.deps.timers.now(), message: `Node ${id} was wiped: it forgot its log and its votes, which can break Raft's safety.` });
    this.resetStorage(slot);
  }

  forceTimeout(id: NodeId): void {
    const slot = this.requireSlot(id);
    if (slot.status === 'up') this.post(slot, { v: PROTOCOL_VERSION, type: 'force-timeout' });
  }

  setClockRate(id: NodeId, rate: number): void {
    const slot = this.requireSlot(id);
    const problem = clockRateProblem(rate);
    if (problem !== undefined) throw new Error(problem);
    slot.clockRate = rate;
    if (slot.status !== 'down') this.post(slot, { v: PROTOCOL_VERSION, type: 'clock-rate', rate });
  }

  /** Asks the leader of the highest term the views show (the Simulation's words for refusals). */
  transferLeadership(to: NodeId): void {
    this.requireSlot(to);
    let leader: NodeSlot | undefined;
    for (const s of this.slots) {
      if (s.status === 'up' && s.view.role === 'leader' && (leader === undefined || s.view.term > leader.view.term)) leader = s;
    }
    if (leader === undefined) throw new Error('no leader to hand leadership over: wait for an election');
    if (leader.id === to) throw new Error(`cannot transfer leadership to n${to}: n${to} is already the leader`);
    this.post(leader, { v: PROTOCOL_VERSION, type: 'transfer-leadership', to });
  }

  /** The node refuses in its worker (nothing to compact): that comes back as a warning event. */
  compact(id: NodeId): void {
    const slot = this.requireSlot(id);
    // The Simulation's words for a node that is not running.
    if (slot.status !== 'up') throw new Error(`n${id} is down: restart it first`);
    this.post(slot, { v: PROTOCOL_VERSION, type: 'compact' });
  }

  addNode(): NodeId {
    throw new Error(MEMBERSHIP_OFFLINE_ONLY);
  }

  removeNode(_id: NodeId): void {
    throw new Error(MEMBERSHIP_OFFLINE_ONLY);
  }

  // ---- Network -----------------------------------------------------------------------------------------

  isolate(id: NodeId): void {
    this.bus.isolate(id);
  }

  rejoin(id: NodeId): void {
    this.bus.rejoin(id);
  }

  partition(groups: NodeId[][]): void {
    this.bus.partition(groups);
  }

  setLinkDelay(from: NodeId, to: NodeId, delayMs: [number, number] | undefined): void {
    this.bus.setLinkDelay(from, to, delayMs);
  }

  setLink(from: NodeId, to: NodeId, cut: boolean): void {
    this.bus.setLink(from, to, cut);
  }

  heal(): void {
    this.bus.heal();
  }

  setNetwork(settings: Partial<NetworkSettings>): void {
    this.bus.setNetwork(settings);
    this.config.network = this.bus.networkSettings();
    this.save();
  }

  setSpeed(speed: number): void {
    validateSpeed(speed);
    this.config.speed = speed;
    this.bus.setSpeed(speed);
    this.broadcast({ v: PROTOCOL_VERSION, type: 'speed', speed });
    this.save();
  }

  pause(): void {
    this.bus.pause();
    this.broadcast({ v: PROTOCOL_VERSION, type: 'pause' });
  }

  resume(): void {
    this.bus.resume();
    this.broadcast({ v: PROTOCOL_VERSION, type: 'resume' });
  }

  step(): boolean {
    return this.bus.step();
  }

  deliverNow(messageId: number): void {
    this.bus.deliverNow(messageId);
  }

  dropMessage(messageId: number): void {
    this.bus.dropMessage(messageId);
  }

  // ---- Clients and logs ------------------------------------------------------------------------------

  submit(command: KvCommand, options?: SubmitOptions): Promise<ConsoleReply> {
    return this.console.submit(command, options);
  }

  retryRequest(requestId: number): boolean {
    return this.console.retry(requestId);
  }

  cancelRequest(requestId: number): boolean {
    return this.console.cancel(requestId);
  }

  /**
   * The console's sessions, in localStorage. A held request waits at most a few election
   * timeouts (paused time not counted) before it says why the cluster cannot answer.
   */
  private openConsole(): ConsoleClient {
    return new ConsoleClient((slot) => {
      const seqs = new PersistentSession(this.deps.store, this.deps.random, slot);
      const transport = this.clientTransport();
      const session = new ClientSession(seqs.clientId, seqs, transport, {
        random: this.deps.random,
        stallAfterMs: () => consoleStallMs((this.config.electionTimeoutTicks * this.config.tickMs) / this.config.speed, transport.attemptTimeoutMs()),
      });
      this.clients.set(session.id, session);
      return session;
    });
  }

  /**
   * Nothing of the old cluster may reach the new one: its unfinished requests (a retry would
   * write into the new cluster) and its sessions' leader hints (nodes that may not exist any
   * more). They are answered with the reason, and fresh sessions take over, as in the offline
   * cluster. The client ids and seqs live on in localStorage: a new cluster has no session table.
   */
  private replaceConsole(reason: string): void {
    this.console.close(reason);
    for (const id of this.console.clientIds()) this.clients.delete(id);
    this.console = this.openConsole();
  }

  /** A client session of its own (the benchmark's clients). Not part of ClusterController. */
  openClient(id: string): ClientSession {
    if (this.clients.has(id)) throw new Error(`client ${id} exists`);
    if (this.clients.size > MAX_CLIENTS) throw new Error(`at most ${MAX_CLIENTS} clients`);
    const session = new ClientSession(id, new CountingSeqSource(), this.clientTransport(), { maxQueued: 32, maxAttempts: 1000, random: this.deps.random });
    this.clients.set(id, session);
    return session;
  }

  closeClient(id: string): void {
    const session = this.clients.get(id);
    if (session === undefined || this.console.clientIds().includes(id)) return;
    session.close();
    this.clients.delete(id);
  }

  readLog(id: NodeId, fromIndex: number, toIndex: number): Promise<EntryView[]> {
    const slot = this.requireSlot(id);
    if (slot.status !== 'up') return Promise.reject(new Error(`node ${id} is not running`));
    if (slot.reads.size >= MAX_PENDING_READS) return Promise.reject(new Error(`too many log reads waiting on node ${id}`));
    const requestId = this.nextReadId++;
    return new Promise((resolve, reject) => {
      const timer = this.deps.timers.setTimer(() => {
        slot.reads.delete(requestId);
        reject(new Error(`node ${id} did not answer the log read`));
      }, READ_TIMEOUT_MS);
      slot.reads.set(requestId, { resolve, reject, timer });
      this.post(slot, { v: PROTOCOL_VERSION, type: 'read-log', requestId, fromIndex, toIndex });
    });
  }

  // ---- Whole cluster -----------------------------------------------------------------------------------

  async newCluster(nodes: NodeCount, protocol: Partial<ProtocolSwitches> = {}): Promise<void> {
    const next = { ...this.config, nodes, protocol: { ...this.config.protocol, ...protocol } };
    validateConfig(next);
    for (const slot of this.slots) this.takeDown(slot, undefined);
    this.replaceConsole('the cluster was replaced');
    this.config = next;
    this.bus.reset(this.nodeIds());
    this.slots = [];
    const names = Array.from({ length: MAX_NODE_ID }, (_, k) => nodeDbName(k + 1));
    const results = await Promise.allSettled(names.map((name) => this.deps.deleteDatabase(name)));
    results.forEach((r, k) => {
      if (r.status === 'rejected') this.warn(`could not delete ${names[k]}: ${String(r.reason)}`);
    });
    if (this.disposed) return;
    this.globalWarnings.length = 0;
    this.save();
    this.startAll();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const slot of this.slots) this.takeDown(slot, undefined);
    this.console.close('the cluster was closed');
    for (const session of this.clients.values()) session.close();
    this.clients.clear();
    this.bus.dispose();
  }

  /** Bus statistics (for the benchmark and the debug hook). */
  busStats(): Bus['stats'] {
    return { ...this.bus.stats };
  }

  // ---- Workers -----------------------------------------------------------------------------------------

  private startAll(): void {
    this.slots = this.nodeIds().map((id) => ({
      id, worker: undefined, epoch: 0, status: 'down', view: downView(id, undefined, undefined, this.config.electionTimeoutTicks),
      hadData: false, loadError: undefined, reads: new Map(), clockRate: 1,
    }));
    for (const slot of this.slots) this.spawn(slot);
  }

  private spawn(slot: NodeSlot): void {
    if (this.disposed) return;
    slot.epoch++;
    const epoch = slot.epoch;
    slot.status = 'starting';
    slot.loadError = undefined;
    slot.view = downView(slot.id, slot.view, undefined, this.config.electionTimeoutTicks);
    let worker: WorkerLike;
    try {
      worker = this.deps.createWorker();
    } catch (e) {
      return this.takeDown(slot, `could not start a worker: ${String(e)}`);
    }
    slot.worker = worker;
    worker.onmessage = (event) => this.onWorkerMessage(slot, epoch, event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.onWorkerFailure(slot, epoch, event.message || 'the worker failed to load or threw');
    };
    worker.onmessageerror = () => this.onWorkerFailure(slot, epoch, 'a message from the worker could not be read');
    this.post(slot, {
      v: PROTOCOL_VERSION, type: 'init', id: slot.id, voters: this.nodeIds(), mode: this.mode, seed: this.deps.seed(),
      tickMs: this.config.tickMs, speed: this.config.speed, paused: this.bus.isPaused(),
      electionTimeoutTicks: this.config.electionTimeoutTicks, heartbeatIntervalTicks: this.config.heartbeatIntervalTicks, protocol: this.config.protocol,
      storage: this.storage, dbName: nodeDbName(slot.id), durability: this.durability,
      viewIntervalMs: this.viewIntervalMs, expectData: this.storage === 'indexeddb' && slot.hadData, clockRate: slot.clockRate,
    });
  }

  private onWorkerMessage(slot: NodeSlot, epoch: number, data: unknown): void {
    if (slot.epoch !== epoch || this.disposed) return;
    const problem = protocolProblem(data, 'to-host');
    if (problem !== undefined) return this.onWorkerFailure(slot, epoch, `protocol error: ${problem}`);
    const msg = data as WorkerToHost;
    switch (msg.type) {
      case 'started':
        slot.status = 'up';
        return this.updateView(slot, msg.view);
      case 'send':
        for (const m of msg.messages) this.bus.send(m);
        return;
      case 'view':
        return this.updateView(slot, msg.view);
      case 'warning':
        return this.events.emit({ kind: 'warning', at: this.deps.timers.now(), message: msg.message });
      case 'fatal':
        if (msg.phase === 'load' || msg.phase === 'storage') slot.loadError = msg.error;
        return this.onWorkerFailure(slot, epoch, msg.error);
      case 'log': {
        const read = slot.reads.get(msg.requestId);
        if (read === undefined) return;
        slot.reads.delete(msg.requestId);
        this.deps.timers.clearTimer(read.timer);
        return read.resolve(msg.entries);
      }
      default:
        return unreachable(msg);
    }
  }

  private onWorkerFailure(slot: NodeSlot, epoch: number, error: string): void {
    if (slot.epoch !== epoch || slot.status === 'down') return;
    this.takeDown(slot, error);
    if (slot.loadError !== undefined) this.events.emit({ kind: 'warning', at: this.deps.timers.now(), message: slot.loadError });
  }

  /** Terminates the worker (if any); the node shows as crashed, with `error` when it failed. */
  private takeDown(slot: NodeSlot, error: string | undefined): void {
    slot.worker?.terminate();
    slot.worker = undefined;
    slot.epoch++;
    slot.status = 'down';
    const previous = slot.view;
    slot.view = downView(slot.id, previous, error, this.config.electionTimeoutTicks);
    for (const read of slot.reads.values()) {
      this.deps.timers.clearTimer(read.timer);
      read.reject(new Error(`node ${slot.id} crashed`));
    }
    slot.reads.clear();
    if (previous.role !== 'crashed') this.emitRole(slot);
  }

  /** Deletes the node's database, then starts it empty. */
  private resetStorage(slot: NodeSlot): void {
    slot.status = 'starting';
    slot.epoch++;
    const epoch = slot.epoch;
    this.deps.deleteDatabase(nodeDbName(slot.id)).then(
      () => {
        slot.hadData = false;
        if (slot.epoch === epoch && !this.disposed) this.spawn(slot);
      },
      (e: unknown) => {
        if (slot.epoch !== epoch) return;
        slot.status = 'down';
        slot.view = downView(slot.id, slot.view, `could not delete its database: ${String(e)}`, this.config.electionTimeoutTicks);
      },
    );
  }

  private updateView(slot: NodeSlot, view: NodeView): void {
    const previous = slot.view;
    slot.view = view;
    if (view.durable.term > 0 || view.durable.lastIndex > 0) slot.hadData = true;
    if (previous.role !== view.role || previous.term !== view.term) this.emitRole(slot);
    if (view.commitIndex > previous.commitIndex) {
      this.events.emit({ kind: 'commit', at: this.deps.timers.now(), node: slot.id, commitIndex: view.commitIndex });
    }
  }

  private emitRole(slot: NodeSlot): void {
    this.events.emit({ kind: 'role', at: this.deps.timers.now(), node: slot.id, role: slot.view.role, term: slot.view.term });
  }

  /** The bus hands over due messages: one postMessage per destination worker. */
  private deliver(messages: Message[]): void {
    const byNode = new Map<NodeId, Message[]>();
    for (const m of messages) {
      if (typeof m.to === 'string') {
        this.clients.get(m.to)?.receive(m as ClientReply);
        continue;
      }
      const list = byNode.get(m.to);
      if (list === undefined) byNode.set(m.to, [m]);
      else list.push(m);
    }
    for (const [id, list] of byNode) {
      const slot = this.slot(id);
      if (slot?.status === 'up') this.post(slot, { v: PROTOCOL_VERSION, type: 'deliver', messages: list });
    }
  }

  private post(slot: NodeSlot, message: HostToWorker): void {
    slot.worker?.postMessage(message);
  }

  private broadcast(message: HostToWorker): void {
    for (const slot of this.slots) this.post(slot, message);
  }

  private clientTransport(): ClientTransport {
    const timers = this.deps.timers;
    return {
      send: (m) => this.bus.send(m),
      nodeIds: () => this.nodeIds(),
      now: () => timers.now(),
      setTimer: (run, ms) => timers.setTimer(run, ms),
      clearTimer: (handle) => {
        if (handle !== undefined) timers.clearTimer(handle);
      },
      isPaused: () => this.bus.isPaused(),
      // Long enough for a round trip at the slowest network setting plus a commit; in slow
      // motion everything takes 1/speed longer.
      attemptTimeoutMs: () => (1000 + 4 * this.config.network.delayMs[1] + 2 * this.config.tickMs * this.config.heartbeatIntervalTicks) / this.config.speed,
      backoffMs: () => (2 * this.config.tickMs) / this.config.speed,
      whyNoAnswer: () => whyNoAnswer(this.picture()),
      cutOffFromMajority: (id) => cutOffFromMajority(this.picture(), id),
    };
  }

  /** Who runs, who leads, which links are cut: what no-answer.ts explains a silence from. */
  private picture(): ClusterPicture {
    return {
      nodes: this.slots.map((slot) => ({ id: slot.id, running: slot.status === 'up', role: slot.view.role, term: slot.view.term })),
      linked: (a, b) => this.bus.canReach(a, b),
      clientReaches: (id) => this.bus.canReach(id, 'console') && this.bus.canReach('console', id),
    };
  }

  // ---- Small things ------------------------------------------------------------------------------------

  private warnings(): string[] {
    const list = [...this.globalWarnings];
    for (const slot of this.slots) {
      if (slot.status === 'down' && slot.loadError !== undefined) list.push(slot.loadError);
    }
    return list;
  }

  private warn(message: string): void {
    if (this.globalWarnings.includes(message)) return;
    if (this.globalWarnings.length >= MAX_WARNINGS) this.globalWarnings.shift();
    this.globalWarnings.push(message);
    this.events.emit({ kind: 'warning', at: this.deps.timers.now(), message });
  }

  private save(): void {
    if (!this.persistConfig) return;
    if (!saveConfig(this.deps.store, this.config) && this.deps.store !== undefined) {
      this.warn('The configuration could not be saved (storage full or refused): a reload starts from the defaults.');
    }
  }

  private nodeIds(): NodeId[] {
    return Array.from({ length: this.config.nodes }, (_, k) => k + 1);
  }

  private slot(id: NodeId): NodeSlot | undefined {
    return this.slots[id - 1];
  }

  private requireSlot(id: NodeId): NodeSlot {
    const slot = this.slot(id);
    if (slot === undefined) throw new RangeError(`no node ${id} (nodes are ${this.slots.map((s) => s.id).join(', ')})`);
    return slot;
  }
}
