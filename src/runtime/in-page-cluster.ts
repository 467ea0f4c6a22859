/**
 * The in-page deterministic cluster (`?offline`): the ClusterController contract over sim/'s
 * Simulation, the same engine the tests and the fuzzer run. This file only adapts it to the page:
 * virtual time follows the wall clock (times the speed) from animation frames and stands still
 * while paused; the Simulation's observer becomes the controller's event stream; the console is
 * the one ConsoleClient (src/client/) on the Simulation's clock. Nodes, disks, links, the
 * in-flight list and clients are the Simulation's; nothing here re-implements them.
 *
 * Same seed, same run: `&seed=N` replays a run (given the same clicks at the same virtual times).
 */
import { assert } from '../core/assert.ts';
import type { KvCommand } from '../core/kv-types.ts';
import type { NodeId } from '../core/types.ts';
import { deriveSeed } from '../core/rng.ts';
import type { ProtocolNode } from '../core/protocol-node.ts';
import { Simulation, validateNetwork, virtualTransport, type ClientHost, type SimFlight, type SimObserver } from '../sim/index.ts';
import { ClientSession, CountingSeqSource, type ClientTransport } from '../client/client-session.ts';
import { ConsoleClient, consoleStallMs } from '../client/console-client.ts';
import {
  LOG_TAIL_ENTRIES,
  type ClusterConfig,
  type ClusterController,
  type ClusterEvent,
  type ClusterSnapshot,
  type ConsoleReply,
  type EntryView,
  type InFlightMessage,
  type NetworkSettings,
  type NodeCount,
  type NodeView,
  type SubmitOptions,
  type ProtocolSwitches,
} from './cluster-api.ts';
import { DEFAULT_CONFIG, validateConfig } from './config.ts';
import { validateSpeed } from './bus.ts';
import type { FrameClock } from './frame-clock.ts';
import { entryView, isRejection, messageTerm, summarizeMessage } from './message-view.ts';
import { cutOffFromMajority, whyNoAnswer, type ClusterPicture } from './no-answer.ts';
import { readLogEntries } from './node-runner.ts';
import { KvListing, durableView, protocolNodeView } from './node-view.ts';
import type { DurableSummary } from './idb-storage.ts';
import { durableLastIndex, logOffset } from '../core/storage.ts';
import { TimeMapping } from './time-mapping.ts';

export const IN_PAGE_DEFAULTS: ClusterConfig = {
  nodes: 5,
  tickMs: 50,
  electionTimeoutTicks: 10,
  heartbeatIntervalTicks: 2,
  network: { delayMs: [20, 60], dropRate: 0, duplicateRate: 0 },
  speed: 0.25,
  protocol: { ...DEFAULT_CONFIG.protocol },
};

export interface InPageClusterOptions {
  seed?: number;
  config?: Partial<ClusterConfig>;
  /** The wall clock and frames; omit it to drive the cluster by hand with pump(). */
  clock?: FrameClock;
  /** [min, max] virtual ms for a batch to become durable. */
  diskLatencyMs?: [number, number];
}

/** At most this much virtual time passes in one frame (a background tab does not stall the page). */
const MAX_VIRTUAL_STEP_MS = 500;
const CLIENT_TIMEOUT_TICKS = 20;

export class InPageCluster implements ClusterController {
  private config: ClusterConfig;
  private readonly seed: number;
  private readonly clock: FrameClock | undefined;
  private readonly diskLatencyMs: [number, number];
  private generation = 0;
  private sim!: Simulation;
  /** The console's client: the same ConsoleClient and sessions as the worker cluster's. */
  private console!: ConsoleClient;
  /** Each node's key listing cache, for the node instance it was built on (a restart starts over). */
  private readonly listings = new Map<NodeId, { node: ProtocolNode; listing: KvListing }>();
  /** Each preload gets a fresh client (a reused name would look like stale retries). */
  private preloads = 0;
  /** While preloading, the run's events are not reported (the snapshot shows the result). */
  private muted = false;
  private paused = false;
  private readonly time: TimeMapping;
  private lastWall = 0;
  private pending: ClusterEvent[] = [];
  private readonly listeners = new Set<(events: ClusterEvent[]) => void>();
  private frame: number | undefined;
  private disposed = false;

  constructor(options: InPageClusterOptions = {}) {
    this.config = { ...IN_PAGE_DEFAULTS, ...options.config, network: { ...IN_PAGE_DEFAULTS.network, ...options.config?.network } };
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
    if (!this.paused) {
      this.sim.runFor(Math.min(elapsedWall * this.config.speed, MAX_VIRTUAL_STEP_MS));
      this.time.rebase(wallNow, this.sim.now());
    }
    this.flush();
  }

  /** Virtual milliseconds since the cluster started (for tests). */
  virtualNow(): number {
    return this.sim.now();
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
    return this.time.wallOf(this.sim.now());
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    for (const listener of this.listeners) listener(events);
  }

  private emit(event: ClusterEvent): void {
    if (!this.muted) this.pending.push(event);
  }

  private rebase(): void {
    const wall = this.wallNow();
    this.lastWall = wall;
    this.time.rebase(wall, this.sim.now());
  }

  // ---- The engine ---------------------------------------------------------------------------------

  private build(count: NodeCount): void {
    this.generation++;
    this.config = { ...this.config, nodes: count };
    const { tickMs, electionTimeoutTicks, heartbeatIntervalTicks, network, protocol } = this.config;
    this.sim = new Simulation({
      nodes: count,
      // The first cluster runs the page's seed itself; each new cluster a seed derived from it.
      seed: this.generation === 1 ? this.seed : deriveSeed(this.seed, this.generation),
      tickMs,
      raft: { electionTimeoutTicks, heartbeatIntervalTicks, preVote: protocol.preVote, checkQuorum: protocol.checkQuorum, reads: protocol.reads },
      network: { ...network, delayMs: [network.delayMs[0], network.delayMs[1]] },
      diskLatencyMs: this.diskLatencyMs,
      clientTimeoutMs: CLIENT_TIMEOUT_TICKS * tickMs,
      invariants: false,
      containNodeErrors: true,
    });
    this.listings.clear();
    this.sim.observe(this.observer());
    const generation = this.generation;
    this.console = new ConsoleClient((slot) => {
      const name = `console-${generation}-${slot}`;
      const host = this.sim.clientHost(name, (m) => this.console.receive(m));
      const transport = this.consoleTransport(host);
      return new ClientSession(name, new CountingSeqSource(), transport, {
        random: () => host.randomInt(0, 999_999) / 1_000_000,
        stallAfterMs: () => consoleStallMs(electionTimeoutTicks * tickMs, transport.attemptTimeoutMs()),
      });
    });
  }

  /** The Simulation's observer, as the controller's event stream. */
  private observer(): SimObserver {
    return {
      sent: (flight, dropped) => {
        const message = this.messageView(flight);
        this.emit({ kind: 'sent', at: message.sentAt, message });
        if (dropped !== undefined) this.emit({ kind: 'dropped', at: this.at(), id: flight.id, reason: dropped });
      },
      delivered: (flight) => this.emit({ kind: 'delivered', at: this.at(), id: flight.id }),
      dropped: (flight, reason) => this.emit({ kind: 'dropped', at: this.at(), id: flight.id, reason }),
      role: (node, role, term) => this.emit({ kind: 'role', at: this.at(), node, role, term }),
      commit: (node, commitIndex) => this.emit({ kind: 'commit', at: this.at(), node, commitIndex }),
      failed: (node, reason) => this.emit({ kind: 'warning', at: this.at(), message: `node ${node} crashed: ${reason}` }),
    };
  }

  private messageView(flight: SimFlight): InFlightMessage {
    const m = flight.message;
    return {
      id: flight.id, from: m.from, to: m.to, type: m.type, term: messageTerm(m),
      sentAt: this.time.wallOf(flight.sentAt), dueAt: this.time.wallOf(flight.dueAt),
      summary: summarizeMessage(m), rejected: isRejection(m),
    };
  }

  /** The console's transport on virtual time (which stands still while paused), explaining silences. */
  private consoleTransport(host: ClientHost): ClientTransport {
    const { tickMs } = this.config;
    return {
      ...virtualTransport(host, CLIENT_TIMEOUT_TICKS * tickMs, 2 * tickMs),
      whyNoAnswer: () => whyNoAnswer(this.picture()),
      cutOffFromMajority: (id) => cutOffFromMajority(this.picture(), id),
    };
  }

  /** Who runs, who leads, which links are cut: what no-answer.ts explains a silence from. */
  private picture(): ClusterPicture {
    return {
      nodes: this.sim.status().map((n) => ({ id: n.id, running: n.alive, role: n.role, term: n.term })),
      linked: (a, b) => this.sim.canReach(a, b),
      clientReaches: (id) => this.sim.canReach('console', id),
    };
  }

  // ---- Observation ----------------------------------------------------------------------------

  snapshot(): ClusterSnapshot {
    return {
      config: { ...this.config, network: { ...this.config.network, delayMs: [...this.config.network.delayMs] } },
      nodes: this.sim.nodeIds.map((id) => this.nodeView(id)),
      inFlight: this.sim.inFlight().map((f) => this.messageView(f)),
      cut: this.sim.cutMatrix(),
      linkDelays: this.sim.linkDelays().map(([from, to, delayMs]) => ({ from, to, delayMs })),
      paused: this.paused,
      warnings: [],
    };
  }

  private nodeView(id: NodeId): NodeView {
    const durable = this.sim.durableState(id);
    const hard = durable.hardState;
    const error = this.sim.nodeError(id);
    const node = this.sim.node(id);
    const summary: DurableSummary = { hardState: hard, lastIndex: durableLastIndex(durable), snapshotIndex: logOffset(durable) };
    if (node === undefined) {
      const view: NodeView = {
        id, durable: durableView(summary), storage: 'memory',
        role: 'crashed', alive: false, term: hard.term, vote: hard.vote, leaderId: 0,
        commitIndex: hard.commit, appliedIndex: 0, lastIndex: summary.lastIndex,
        electionElapsedTicks: 0, electionTimeoutTicks: this.config.electionTimeoutTicks, votes: [], progress: [], transferringTo: 0, clockRate: this.sim.clockRate(id),
        firstIndex: summary.snapshotIndex + 1, snapshotIndex: summary.snapshotIndex,
        ...this.membership(id),
        logTail: durable.entries.slice(Math.max(0, durable.entries.length - LOG_TAIL_ENTRIES)).map(entryView), kv: [], kvSize: 0,
      };
      if (durable.snapshot !== undefined) view.snapshot = { index: durable.snapshot.index, term: durable.snapshot.term, bytes: durable.snapshot.data.length };
      if (error) view.error = error;
      return view;
    }
    // The same view the worker builds, from the same node: only where the disk lives differs.
    const view = protocolNodeView(node, summary, 'memory', this.listing(id, node));
    view.clockRate = this.sim.clockRate(id);
    return view;
  }

  private listing(id: NodeId, node: ProtocolNode): KvListing {
    const known = this.listings.get(id);
    if (known?.node === node) return known.listing;
    // Its cache is keyed by applied index, which starts over when the node restarts.
    const listing = new KvListing();
    this.listings.set(id, { node, listing });
    return listing;
  }

  subscribe(listener: (events: ClusterEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- Faults ------------------------------------------------------------------------------------

  crash(id: NodeId): void {
    this.checkNode(id);
    this.sim.crash(id);
    this.flush();
  }

  restart(id: NodeId): void {
    this.checkNode(id);
    this.sim.restart(id);
    this.flush();
  }

  wipe(id: NodeId): void {
    this.checkNode(id);
    this.sim.wipe(id);
    this.emit({ kind: 'warning', at: this.at(), message: `node ${id}'s disk was wiped: it forgot its term, vote and log` });
    this.flush();
  }

  forceTimeout(id: NodeId): void {
    this.checkNode(id);
    this.sim.forceTimeout(id);
    this.flush();
  }

  setClockRate(id: NodeId, rate: number): void {
    this.checkNode(id);
    this.sim.setClockRate(id, rate); // checks the rate (core/clock-rate.ts)
    this.flush();
  }

  transferLeadership(to: NodeId): void {
    this.checkNode(to);
    this.sim.transferLeadership(to);
    this.flush();
  }

  addNode(): NodeId {
    const id = this.sim.addNode(); // the Simulation's refusals say why
    this.flush();
    return id;
  }

  removeNode(id: NodeId): void {
    this.checkNode(id);
    this.sim.removeNode(id);
    this.flush();
  }

  /** A down node's membership: as the committed configuration has it. */
  private membership(id: NodeId): { voter: boolean; learner: boolean } {
    const { voters, learners } = this.sim.configuration();
    return { voter: voters.includes(id), learner: learners.includes(id) };
  }

  compact(id: NodeId): void {
    this.checkNode(id);
    this.sim.compact(id); // throws with the node's reason when it cannot
    this.flush();
  }

  /** Cuts the node from the others and from the clients, as the worker cluster does. */
  isolate(id: NodeId): void {
    this.sim.isolate(id, { clients: true });
  }

  rejoin(id: NodeId): void {
    this.sim.rejoin(id);
  }

  partition(groups: NodeId[][]): void {
    this.sim.partition(groups);
  }

  setLinkDelay(from: NodeId, to: NodeId, delayMs: [number, number] | undefined): void {
    this.sim.setLinkDelay(from, to, delayMs);
  }

  setLink(from: NodeId, to: NodeId, cut: boolean): void {
    this.sim.setLink(from, to, cut);
  }

  heal(): void {
    this.sim.heal();
  }

  setNetwork(settings: Partial<NetworkSettings>): void {
    const next = { ...this.config.network, ...settings };
    validateNetwork(next, true);
    const network = { ...next, delayMs: [next.delayMs[0], next.delayMs[1]] as [number, number] };
    this.sim.setNetwork(network);
    this.config = { ...this.config, network };
  }

  setSpeed(speed: number): void {
    validateSpeed(speed);
    this.pump();
    this.config = { ...this.config, speed };
    this.time.speed = speed;
    this.rebase();
  }

  pause(): void {
    this.pump();
    this.paused = true;
    this.rebase();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.rebase();
  }

  /** Runs virtual time to the next message due and delivers it. */
  step(): boolean {
    const stepped = this.sim.step();
    if (stepped && !this.paused) this.rebase();
    this.flush();
    return stepped;
  }

  deliverNow(messageId: number): void {
    this.sim.deliverNow(messageId);
    this.flush();
  }

  dropMessage(messageId: number): void {
    this.sim.dropMessage(messageId);
    this.flush();
  }

  /**
   * Writes `count` keys through a client of its own, running virtual time as fast as the CPU
   * allows, so a long log can be shown at once (?offline&preload=3000). The events of the run are
   * not reported (the snapshot shows the result). Returns how many writes completed.
   */
  preload(count: number, maxVirtualMs = 30 * 60_000): number {
    assert(Number.isInteger(count) && count >= 0 && count <= 100_000, `preload count must be 0..100000, got ${count}`);
    const name = `preload-${this.generation}-${this.preloads++}`;
    const client = this.sim.client(name, { maxQueued: count + 1 });
    const handles = Array.from({ length: count }, (_, k) => client.set(`pre:${k % 100}`, String(k)));
    const last = handles[handles.length - 1];
    this.muted = true;
    try {
      if (last !== undefined) this.sim.runUntil(() => last.done, maxVirtualMs);
    } finally {
      this.muted = false;
      this.sim.detachClient(name);
    }
    this.rebase();
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
    this.checkNode(id);
    const node = this.sim.node(id);
    // As in the worker cluster: a crashed node is not running, so there is nobody to ask.
    if (node === undefined) throw new Error(`node ${id} is not running`);
    return readLogEntries(node, fromIndex, toIndex);
  }

  async newCluster(nodes: NodeCount, protocol: Partial<ProtocolSwitches> = {}): Promise<void> {
    const next = { ...this.config, nodes, protocol: { ...this.config.protocol, ...protocol } };
    validateConfig(next);
    this.config = next;
    this.console.close('the cluster was replaced');
    this.sim.observe(undefined);
    this.build(nodes);
    this.flush();
  }

  dispose(): void {
    this.disposed = true;
    this.console.close('the cluster was closed');
    if (this.frame !== undefined) this.clock?.cancelFrame(this.frame);
    this.listeners.clear();
    this.sim.observe(undefined);
  }

  private checkNode(id: NodeId): void {
    // The same error as the worker cluster's for the same bad input (the contract suite checks).
    if (!this.sim.nodeIds.includes(id)) throw new RangeError(`no node ${id} (nodes are ${this.sim.nodeIds.join(', ')})`);
  }
}
