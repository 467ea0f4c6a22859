/**
 * An in-page cluster that implements the ClusterController contract without workers or
 * IndexedDB: the real Raft + KV core and the real node loop, driven on the main thread by a
 * virtual clock that follows the wall clock (times the speed) from requestAnimationFrame. Disks
 * are MemoryStorage with a virtual write latency, so "durable" and "in memory" can differ for a
 * moment, and a crash loses what was not yet synced.
 *
 * Used for the offline mode (?offline), for component tests, and while developing the UI. It
 * is not the browser runtime: src/runtime/ is.
 */
import { assert } from '../../core/assert.ts';
import type { KvCommand } from '../../core/kv-types.ts';
import { DEFAULT_RAFT_TUNING } from '../../raft/raft.ts';
import { KvNode } from '../../raft/node.ts';
import { NodeLoop } from '../../core/node-loop.ts';
import { MemoryStorage, type StorageBatch } from '../../core/storage.ts';
import type { Entry, Message, NodeId } from '../../core/types.ts';
import { SimClient } from '../../sim/client.ts';
import { EventQueue } from '../../sim/event-queue.ts';
import { HistoryRecorder } from '../../sim/history-recorder.ts';
import { SeededRng, deriveSeed } from '../../core/rng.ts';
import {
  LOG_TAIL_ENTRIES,
  type ClusterConfig,
  type ClusterController,
  type ClusterEvent,
  type ClusterSnapshot,
  type ConsoleReply,
  type SubmitOptions,
  type EntryView,
  type NetworkSettings,
  type NodeCount,
  type NodeView,
} from '../../runtime/cluster-api.ts';
import { ClientSession, CountingSeqSource, type ClientTransport } from '../../client/client-session.ts';
import { ConsoleClient, consoleStallMs } from '../../client/console-client.ts';
import { entryView, isRejection, messageTerm, summarizeMessage } from '../../runtime/message-view.ts';
import { cutOffFromMajority, whyNoAnswer, type ClusterPicture } from '../../runtime/no-answer.ts';
import { KvListing, raftNodeView } from '../../runtime/node-view.ts';
import { MAX_IN_FLIGHT, TimeMapping, type InFlightRecord } from './offline-bus.ts';
import { Links, validateNetwork } from '../../sim/links.ts';
import { validateSpeed } from '../../runtime/bus.ts';

export const OFFLINE_DEFAULTS: ClusterConfig = {
  nodes: 5,
  tickMs: 50,
  electionTimeoutTicks: 10,
  heartbeatIntervalTicks: 2,
  network: { delayMs: [20, 60], dropRate: 0, duplicateRate: 0 },
  speed: 0.25,
};

/** The wall clock and frame scheduler; omit it to drive the cluster by hand with pump(). */
export interface FrameClock {
  now(): number;
  requestFrame(callback: () => void): number;
  cancelFrame(handle: number): void;
}

export interface OfflineClusterOptions {
  seed?: number;
  config?: Partial<ClusterConfig>;
  clock?: FrameClock;
  /** [min, max] virtual ms for a batch to become durable. */
  diskLatencyMs?: [number, number];
}

/** At most this much virtual time passes in one frame (a background tab does not stall the page). */
const MAX_VIRTUAL_STEP_MS = 500;
const CLIENT_TIMEOUT_TICKS = 20;

interface OfflineNode {
  id: NodeId;
  storage: MemoryStorage;
  node: KvNode | undefined;
  loop: NodeLoop | undefined;
  epoch: number;
  restarts: number;
  error: string | undefined;
  /** role:term last reported, and commit index last reported. */
  lastRoleKey: string;
  lastCommit: number;
  kvListing: KvListing;
}

export class OfflineCluster implements ClusterController {
  private config: ClusterConfig;
  private readonly seed: number;
  private readonly clock: FrameClock | undefined;
  private readonly diskLatencyMs: [number, number];
  private generation = 0;
  private nowV = 0;
  private queue = new EventQueue();
  private rng!: SeededRng;
  private nodes: OfflineNode[] = [];
  private inFlight = new Map<number, InFlightRecord>();
  /** Who reaches whom, clients included, and slow links: the one link model (sim/links.ts). */
  private links!: Links;
  private nextMessageId = 1;
  /** The console's client: the same ConsoleClient and sessions as the worker cluster's. */
  private console!: ConsoleClient;
  /** The preloader's clients by name, for routing replies. */
  private clients = new Map<string, SimClient>();
  /** Each preload gets a fresh client session (a reused name would look like stale retries). */
  private preloads = 0;
  private paused = false;
  private readonly time: TimeMapping;
  private lastWall = 0;
  private pending: ClusterEvent[] = [];
  private readonly listeners = new Set<(events: ClusterEvent[]) => void>();
  private frame: number | undefined;
  private disposed = false;

  constructor(options: OfflineClusterOptions = {}) {
    this.config = { ...OFFLINE_DEFAULTS, ...options.config, network: { ...OFFLINE_DEFAULTS.network, ...options.config?.network } };
    this.seed = options.seed ?? 1;
    this.clock = options.clock;
    this.diskLatencyMs = options.diskLatencyMs ?? [2, 12];
    this.time = new TimeMapping(this.config.speed);
    this.lastWall = this.wallNow();
    this.time.rebase(this.lastWall, 0);
    this.build(this.config.nodes);
    this.scheduleFrame();
  }

  // ---- Driving time ----------------------------------------------------------------------------

  /** Advances virtual time to match the wall clock, processes due events, notifies listeners. */
  pump(wallNow = this.wallNow()): void {
    const elapsedWall = Math.max(0, wallNow - this.lastWall);
    this.lastWall = wallNow;
    // While paused the mapping stays frozen, so messages sent meanwhile order by due time exactly
    // as step() will deliver them (the earliest due first).
    if (!this.paused) {
      this.runUntil(this.nowV + Math.min(elapsedWall * this.config.speed, MAX_VIRTUAL_STEP_MS));
      this.time.rebase(wallNow, this.nowV);
    }
    this.flush();
  }

  /** Virtual milliseconds since the cluster started (for tests). */
  virtualNow(): number {
    return this.nowV;
  }

  private runUntil(untilV: number): void {
    while ((this.queue.peekTime() ?? Infinity) <= untilV) {
      const event = this.queue.pop()!;
      this.nowV = event.timeMs;
      event.run();
      this.observe();
    }
    this.nowV = untilV;
  }

  private scheduleFrame(): void {
    if (this.clock === undefined || this.disposed) return;
    this.frame = this.clock.requestFrame(() => {
      this.frame = undefined;
      this.pump();
      this.scheduleFrame();
    });
  }

  private wallNow(): number {
    return this.clock?.now() ?? this.lastWall;
  }

  /** The wall-clock moment of the current virtual time (events inside a frame are spread over it). */
  private at(): number {
    return this.time.wallOf(this.nowV);
  }

  private schedule(delayV: number, run: () => void): void {
    this.queue.push(this.nowV + delayV, run);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    for (const listener of this.listeners) listener(events);
  }

  private emit(event: ClusterEvent): void {
    this.pending.push(event);
  }

  // ---- Building and running nodes -----------------------------------------------------------

  private build(count: NodeCount): void {
    this.generation++;
    this.config = { ...this.config, nodes: count };
    this.queue = new EventQueue();
    this.rng = new SeededRng(deriveSeed(this.seed, this.generation));
    this.inFlight = new Map();
    this.links = new Links(Array.from({ length: count }, (_, k) => k + 1), true);
    this.nodes = Array.from({ length: count }, (_, k) => ({
      id: k + 1, storage: new MemoryStorage(), node: undefined, loop: undefined, epoch: 0, restarts: 0,
      error: undefined, lastRoleKey: '', lastCommit: 0, kvListing: new KvListing(),
    }));
    for (const n of this.nodes) this.start(n);
    const generation = this.generation;
    this.console = new ConsoleClient((slot) => {
      const transport = this.clientTransport();
      return new ClientSession(`console-${generation}-${slot}`, new CountingSeqSource(), transport, {
        random: () => this.rng.float(),
        stallAfterMs: () => consoleStallMs(this.config.electionTimeoutTicks * this.config.tickMs, transport.attemptTimeoutMs()),
      });
    });
    this.clients = new Map();
    this.observe();
  }

  /** The console's transport, in virtual time (which stands still while paused). */
  private clientTransport(): ClientTransport {
    return {
      send: (m) => this.sendAll([m]),
      nodeIds: () => this.nodes.map((n) => n.id),
      now: () => this.nowV,
      setTimer: (run, delayMs) => {
        const timer = { cancelled: false };
        this.schedule(delayMs, () => {
          if (!timer.cancelled) run();
        });
        return timer;
      },
      clearTimer: (handle) => {
        if (handle !== undefined) (handle as { cancelled: boolean }).cancelled = true;
      },
      isPaused: () => false,
      attemptTimeoutMs: () => CLIENT_TIMEOUT_TICKS * this.config.tickMs,
      backoffMs: () => 2 * this.config.tickMs,
      whyNoAnswer: () => whyNoAnswer(this.picture()),
      cutOffFromMajority: (id) => cutOffFromMajority(this.picture(), id),
    };
  }

  /** Who runs, who leads, which links are cut: what no-answer.ts explains a silence from. */
  private picture(): ClusterPicture {
    return {
      nodes: this.nodes.map((n) => ({ id: n.id, running: n.node !== undefined, role: n.node?.raft.role ?? 'crashed', term: n.node?.raft.term ?? 0 })),
      linked: (a, b) => this.canReach(a, b),
      clientReaches: (id) => this.links.canReach('console', id),
    };
  }

  private start(n: OfflineNode): void {
    n.epoch++;
    n.error = undefined;
    n.kvListing = new KvListing(); // its cache is keyed by applied index, which starts over
    const epoch = n.epoch;
    const rng = new SeededRng(deriveSeed(this.seed, this.generation, n.id, n.restarts));
    const raft = {
      ...DEFAULT_RAFT_TUNING,
      electionTimeoutTicks: this.config.electionTimeoutTicks,
      heartbeatIntervalTicks: this.config.heartbeatIntervalTicks,
    };
    try {
      n.node = new KvNode({ ...raft, id: n.id, voters: this.nodes.map((x) => x.id) }, n.storage.load(), rng);
    } catch (error) {
      n.error = `refused to start: ${String(error)}`;
      return;
    }
    n.loop = new NodeLoop(n.node, {
      persist: (batch, done) => this.persist(n, epoch, batch, done),
      send: (messages) => this.sendAll(messages),
    });
    this.schedule(this.rng.int(0, this.config.tickMs - 1), () => this.tick(n, epoch));
  }

  private tick(n: OfflineNode, epoch: number): void {
    if (n.epoch !== epoch || n.node === undefined) return;
    this.guard(n, () => n.node!.tick());
    this.schedule(this.config.tickMs, () => this.tick(n, epoch));
  }

  /** Runs an input and the node loop; a failed assertion crashes the node and says why. */
  private guard(n: OfflineNode, input: () => void): void {
    try {
      input();
      n.loop?.run();
    } catch (error) {
      this.stopNode(n);
      n.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.emit({ kind: 'warning', at: this.at(), message: `node ${n.id} crashed: ${n.error}` });
    }
  }

  private persist(n: OfflineNode, epoch: number, batch: StorageBatch, done: () => void): void {
    n.storage.write(batch);
    const [min, max] = this.diskLatencyMs;
    this.schedule(this.rng.int(min, max), () => {
      if (n.epoch !== epoch) return;
      n.storage.sync();
      this.guard(n, done);
    });
  }

  private stopNode(n: OfflineNode): void {
    n.loop?.stop();
    n.storage.crash();
    n.node = undefined;
    n.loop = undefined;
    n.epoch++;
  }

  /** Reports role, term and commit changes. */
  private observe(): void {
    for (const n of this.nodes) {
      const raft = n.node?.raft;
      const role = raft?.role ?? 'crashed';
      const term = raft?.term ?? n.storage.durableState().hardState.term;
      const key = `${role}:${term}`;
      if (key !== n.lastRoleKey) {
        n.lastRoleKey = key;
        this.emit({ kind: 'role', at: this.at(), node: n.id, role, term });
      }
      const commit = raft?.commitIndex ?? n.lastCommit;
      if (commit !== n.lastCommit) {
        n.lastCommit = commit;
        this.emit({ kind: 'commit', at: this.at(), node: n.id, commitIndex: commit });
      }
    }
  }

  // ---- The network ----------------------------------------------------------------------------

  private sendAll(messages: Message[]): void {
    for (const m of messages) {
      const copies = this.rng.chance(this.config.network.duplicateRate) ? 2 : 1;
      for (let c = 0; c < copies; c++) this.sendOne(m);
    }
  }

  private sendOne(m: Message): void {
    const [min, max] = this.links.linkDelay(m.from, m.to) ?? this.config.network.delayMs;
    const delayV = this.rng.int(min, max);
    const reachable = this.canReach(m.from, m.to);
    const lost = this.inFlight.size >= MAX_IN_FLIGHT || this.rng.chance(this.config.network.dropRate);
    const fate = !reachable ? 'partition' : lost ? 'loss' : 'deliver';
    // A lost message vanishes half-way; one stopped by a cut link travels to the cut and dies there.
    const dueV = this.nowV + (fate === 'deliver' ? delayV : delayV / 2);
    const id = this.nextMessageId++;
    const view = {
      id, from: m.from, to: m.to, type: m.type, term: messageTerm(m),
      sentAt: this.time.wallOf(this.nowV), dueAt: this.time.wallOf(dueV),
      summary: summarizeMessage(m), rejected: isRejection(m),
    };
    this.inFlight.set(id, { id, message: m, sentV: this.nowV, dueV, fate, view });
    this.emit({ kind: 'sent', at: this.at(), message: view });
    this.queue.push(dueV, () => this.arrive(id));
  }

  private arrive(id: number): void {
    const record = this.inFlight.get(id);
    if (record === undefined) return; // delivered early or dropped by hand
    this.inFlight.delete(id);
    if (record.fate !== 'deliver') return this.emitDrop(id, record.fate);
    this.deliver(record);
  }

  private deliver(record: InFlightRecord): void {
    const m = record.message;
    if (m.type === 'ClientReply') {
      if (!this.links.canReach(m.from, m.to)) return this.emitDrop(record.id, 'partition');
      this.emit({ kind: 'delivered', at: this.at(), id: record.id });
      this.clients.get(m.to)?.receive(m);
      this.console.receive(m);
      return;
    }
    const n = this.nodes[m.to - 1];
    if (n?.node === undefined) return this.emitDrop(record.id, 'crashed');
    if (!this.canReach(m.from, m.to)) return this.emitDrop(record.id, 'partition');
    this.emit({ kind: 'delivered', at: this.at(), id: record.id });
    this.guard(n, () => n.node!.step(m));
  }

  private emitDrop(id: number, reason: 'loss' | 'partition' | 'crashed' | 'manual'): void {
    this.emit({ kind: 'dropped', at: this.at(), id, reason });
  }

  private canReach(from: NodeId | string, to: NodeId | string): boolean {
    return this.links.canReach(from, to);
  }

  // ---- Observation ----------------------------------------------------------------------------

  snapshot(): ClusterSnapshot {
    const cut = this.links.cutMatrix();
    return {
      config: { ...this.config, network: { ...this.config.network, delayMs: [...this.config.network.delayMs] } },
      nodes: this.nodes.map((n) => this.nodeView(n)),
      inFlight: [...this.inFlight.values()].map((r) => r.view),
      cut,
      linkDelays: this.links.linkDelayList().map(([from, to, delayMs]) => ({ from, to, delayMs })),
      paused: this.paused,
      warnings: [],
    };
  }

  private nodeView(n: OfflineNode): NodeView {
    const durable = n.storage.durableState();
    const hard = durable.hardState;
    const durableView = { term: hard.term, vote: hard.vote, commit: hard.commit, lastIndex: durable.entries.length };
    const base = { id: n.id, durable: durableView, storage: 'memory' as const, ...(n.error ? { error: n.error } : {}) };
    const node = n.node;
    if (node === undefined) {
      return {
        ...base, role: 'crashed', alive: false, term: hard.term, vote: hard.vote, leaderId: 0,
        commitIndex: hard.commit, appliedIndex: 0, lastIndex: durable.entries.length,
        electionElapsedTicks: 0, electionTimeoutTicks: this.config.electionTimeoutTicks, votes: [], progress: [],
        logTail: tail(durable.entries), kv: [], kvSize: 0,
      };
    }
    // The same view the worker builds, from the same node: only where the disk lives differs.
    const view = raftNodeView(node, { hardState: hard, lastIndex: durable.entries.length }, 'memory', n.kvListing);
    return n.error ? { ...view, error: n.error } : view;
  }

  subscribe(listener: (events: ClusterEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- Faults ------------------------------------------------------------------------------------

  crash(id: NodeId): void {
    const n = this.node(id);
    if (n.node === undefined) return;
    this.stopNode(n);
    this.afterAction();
  }

  restart(id: NodeId): void {
    const n = this.node(id);
    if (n.node !== undefined) return;
    n.restarts++;
    this.start(n);
    this.afterAction();
  }

  wipe(id: NodeId): void {
    const n = this.node(id);
    if (n.node !== undefined) this.stopNode(n);
    n.storage.wipe();
    n.lastCommit = 0;
    n.restarts++;
    this.start(n);
    this.emit({ kind: 'warning', at: this.at(), message: `node ${id}'s disk was wiped: it forgot its term, vote and log` });
    this.afterAction();
  }

  forceTimeout(id: NodeId): void {
    const n = this.node(id);
    if (n.node === undefined) return;
    this.guard(n, () => n.node!.raft.forceElectionTimeout());
    this.afterAction();
  }

  isolate(id: NodeId): void {
    this.links.isolate(id, true);
    this.afterAction();
  }

  rejoin(id: NodeId): void {
    this.links.rejoin(id);
    this.afterAction();
  }

  partition(groups: NodeId[][]): void {
    this.links.partition(groups);
    this.afterAction();
  }

  setLinkDelay(from: NodeId, to: NodeId, delayMs: [number, number] | undefined): void {
    this.links.setLinkDelay(from, to, delayMs);
    this.afterAction();
  }

  setLink(from: NodeId, to: NodeId, cut: boolean): void {
    this.links.setLink(from, to, cut);
    this.afterAction();
  }

  heal(): void {
    this.links.heal();
    this.afterAction();
  }

  setNetwork(settings: Partial<NetworkSettings>): void {
    const next = { ...this.config.network, ...settings };
    validateNetwork(next, true);
    this.config = { ...this.config, network: { ...next, delayMs: [next.delayMs[0], next.delayMs[1]] } };
  }

  setSpeed(speed: number): void {
    validateSpeed(speed);
    this.pump();
    this.config = { ...this.config, speed };
    this.time.speed = speed;
    this.retime();
  }

  pause(): void {
    this.pump();
    this.paused = true;
    // Frames that lagged (or were capped) leave the views' wall times slightly inconsistent;
    // re-deriving them under one mapping makes their order match the virtual due order.
    this.retime();
  }

  resume(): void {
    if (!this.paused) return;
    this.lastWall = this.wallNow();
    this.paused = false;
    this.retime();
  }

  step(): boolean {
    let next: InFlightRecord | undefined;
    for (const r of this.inFlight.values()) if (next === undefined || r.dueV < next.dueV) next = r;
    if (next === undefined) return false;
    this.runUntil(Math.max(this.nowV, next.dueV));
    if (this.paused) this.retimeViews();
    else this.retime();
    this.flush();
    return true;
  }

  deliverNow(messageId: number): void {
    const record = this.inFlight.get(messageId);
    if (record === undefined) return;
    this.inFlight.delete(messageId);
    this.deliver(record);
    this.observe();
    this.afterAction();
  }

  dropMessage(messageId: number): void {
    if (!this.inFlight.delete(messageId)) return;
    this.emitDrop(messageId, 'manual');
    this.flush();
  }

  /** Re-derives the wall-clock times of messages in flight after a speed change or a pause. */
  private retime(): void {
    const wall = this.wallNow();
    this.lastWall = wall;
    this.time.rebase(wall, this.nowV);
    this.retimeViews();
  }

  private retimeViews(): void {
    for (const r of this.inFlight.values()) {
      r.view = { ...r.view, sentAt: this.time.wallOf(r.sentV), dueAt: this.time.wallOf(r.dueV) };
    }
  }

  private afterAction(): void {
    this.observe();
    this.flush();
  }

  private node(id: NodeId): OfflineNode {
    const n = this.nodes[id - 1];
    assert(n !== undefined && n.id === id, `no node ${id}`);
    return n;
  }

  /**
   * Writes `count` keys through a client of its own, running virtual time as fast as the CPU
   * allows, so a long log can be shown at once (?offline&preload=3000). The events of the run are
   * not reported (the snapshot shows the result). Returns how many writes completed.
   */
  preload(count: number, maxVirtualMs = 30 * 60_000): number {
    assert(Number.isInteger(count) && count >= 0 && count <= 100_000, `preload count must be 0..100000, got ${count}`);
    const client = new SimClient(`preload-${this.generation}-${this.preloads++}`, {
      nowMs: () => this.nowV,
      nodeIds: () => this.nodes.map((n) => n.id),
      send: (m) => this.sendAll([m]),
      schedule: (delayMs, run) => this.schedule(delayMs, run),
      randomInt: (min, max) => this.rng.int(min, max),
    }, new HistoryRecorder(), CLIENT_TIMEOUT_TICKS * this.config.tickMs, count + 1);
    this.clients.set(client.id, client);
    const handles = Array.from({ length: count }, (_, k) => client.set(`pre:${k % 100}`, String(k)));
    const last = handles[handles.length - 1];
    const until = this.nowV + maxVirtualMs;
    while (last !== undefined && !last.done && (this.queue.peekTime() ?? Infinity) <= until) {
      const event = this.queue.pop()!;
      this.nowV = event.timeMs;
      event.run();
      this.observe();
    }
    this.clients.delete(client.id);
    this.pending = [];
    this.retime();
    return handles.filter((h) => h.done && h.error === undefined).length;
  }

  // ---- The console's client -------------------------------------------------------------------

  submit(command: KvCommand, options: SubmitOptions = {}): Promise<ConsoleReply> {
    return this.console.submit(command, options);
  }

  retryRequest(requestId: number): boolean {
    return this.console.retry(requestId);
  }

  cancelRequest(requestId: number): boolean {
    return this.console.cancel(requestId);
  }

  async readLog(id: NodeId, fromIndex: number, toIndex: number): Promise<EntryView[]> {
    const n = this.node(id);
    // As in the worker cluster: a crashed node is not running, so there is nobody to ask.
    if (n.node === undefined) throw new Error(`node ${id} is not running`);
    const entries = n.node.raft.log.all();
    const from = Math.max(1, fromIndex);
    const to = Math.min(entries.length, toIndex);
    return from > to ? [] : entries.slice(from - 1, to).map(entryView);
  }

  async newCluster(nodes: NodeCount): Promise<void> {
    for (const n of this.nodes) if (n.node !== undefined) this.stopNode(n);
    this.console.close('the cluster was replaced');
    this.build(nodes);
    this.flush();
  }

  dispose(): void {
    this.disposed = true;
    this.console.close('the cluster was closed');
    if (this.frame !== undefined) this.clock?.cancelFrame(this.frame);
    this.listeners.clear();
    for (const n of this.nodes) if (n.node !== undefined) this.stopNode(n);
  }
}

function tail(entries: readonly Entry[]): EntryView[] {
  return entries.slice(Math.max(0, entries.length - LOG_TAIL_ENTRIES)).map(entryView);
}

/** The page's frame clock (performance.now + requestAnimationFrame). */
export const browserClock: FrameClock = {
  now: () => performance.now(),
  requestFrame: (callback) => requestAnimationFrame(() => callback()),
  cancelFrame: (handle) => cancelAnimationFrame(handle),
};
