/**
 * The deterministic simulator: the real core and the real node loop, driven by a virtual clock
 * and a seeded network model instead of threads and timers. Same seed and options, same run.
 *
 * Every node ticks every `tickMs` of virtual time (with a seeded phase, so nodes are not in
 * lock-step). Persistence takes a seeded virtual latency; a crash before it completes loses
 * the batch, as a crash of a real machine would.
 */
import { AssertionError, assert } from '../core/assert.ts';
import type { BugName } from '../core/bugs.ts';
import { DEFAULT_RAFT_TUNING, type RaftConfig } from '../raft/raft.ts';
import { KvNode } from '../raft/node.ts';
import { NodeLoop } from '../core/node-loop.ts';
import { MemoryStorage, type StorageBatch } from '../core/storage.ts';
import type { ClientReply, Message, NodeId, Ready, Role } from '../core/types.ts';
import type { History } from '../check/history.ts';
import { SimClient } from './client.ts';
import { EventQueue } from './event-queue.ts';
import { HistoryRecorder } from './history-recorder.ts';
import { InvariantChecker, type InvariantViolation } from './invariants.ts';
import { Network, type NetworkOptions, type NetworkStats } from './network.ts';
import { SeededRng, deriveSeed } from '../core/rng.ts';
import { TraceBuffer, type TraceEvent } from './trace.ts';

export type RaftTuning = Partial<Omit<RaftConfig, 'id' | 'voters' | 'bug'>>;

export interface SimulationOptions {
  nodes?: number;
  seed?: number;
  tickMs?: number;
  raft?: RaftTuning;
  network?: Partial<NetworkOptions>;
  /** [min, max] virtual ms for a batch to become durable. */
  diskLatencyMs?: [number, number];
  clientTimeoutMs?: number;
  /** Check the safety invariants after every event (on by default). */
  invariants?: boolean;
  /** Keep a trace of every event, up to this many (0 = off). */
  traceLimit?: number;
  /** TEST-ONLY known-bad protocol variant. */
  bug?: BugName;
}

export interface NodeStatusView {
  id: NodeId;
  role: Role | 'crashed';
  term: number;
  commitIndex: number;
  lastIndex: number;
  alive: boolean;
}

export interface SimulationStats extends NetworkStats {
  events: number;
  elections: number;
}

interface SimNode {
  id: NodeId;
  storage: MemoryStorage;
  node: KvNode | undefined;
  loop: NodeLoop | undefined;
  /** Bumped at every crash and restart; events of an older epoch are ignored. */
  epoch: number;
  restarts: number;
}

export const MAX_NODES = 9;

export class Simulation {
  readonly seed: number;
  readonly nodeIds: readonly NodeId[];
  readonly options: Readonly<Required<Omit<SimulationOptions, 'bug' | 'raft' | 'network'>>> & Pick<SimulationOptions, 'bug' | 'raft'>;
  private nowMs = 0;
  private readonly queue = new EventQueue();
  private readonly rng: SeededRng;
  private readonly network: Network;
  private readonly nodes: SimNode[];
  private readonly clients = new Map<string, SimClient>();
  private readonly recorder = new HistoryRecorder();
  private readonly invariants: InvariantChecker | undefined;
  private readonly traceBuffer: TraceBuffer;
  private eventCount = 0;
  private assertionViolation: InvariantViolation | undefined;
  private electionCount = 0;
  private readonly lastRoles: { role: Role | 'crashed'; term: number }[];

  constructor(options: SimulationOptions = {}) {
    const nodes = options.nodes ?? 5;
    assert(Number.isInteger(nodes) && nodes >= 1 && nodes <= MAX_NODES, `nodes must be 1..${MAX_NODES}, got ${nodes}`);
    this.seed = options.seed ?? 1;
    this.options = {
      nodes, seed: this.seed, tickMs: options.tickMs ?? 10, diskLatencyMs: options.diskLatencyMs ?? [0, 2],
      clientTimeoutMs: options.clientTimeoutMs ?? 300, invariants: options.invariants ?? true,
      traceLimit: options.traceLimit ?? 0, bug: options.bug, raft: options.raft,
    };
    this.rng = new SeededRng(deriveSeed(this.seed, 0));
    this.invariants = this.options.invariants ? new InvariantChecker() : undefined;
    this.traceBuffer = new TraceBuffer(this.options.traceLimit);
    this.nodeIds = Array.from({ length: nodes }, (_, k) => k + 1);
    this.network = new Network(new SeededRng(deriveSeed(this.seed, 1)), this.nodeIds, options.network);
    this.nodes = this.nodeIds.map((id) => ({ id, storage: new MemoryStorage(), node: undefined, loop: undefined, epoch: 0, restarts: 0 }));
    this.lastRoles = this.nodeIds.map(() => ({ role: 'crashed', term: -1 }));
    for (const n of this.nodes) this.start(n);
  }

  // ---- Time -------------------------------------------------------------------------------------

  now(): number {
    return this.nowMs;
  }

  runFor(ms: number): void {
    assert(ms >= 0, 'runFor: negative duration');
    const until = this.nowMs + ms;
    while ((this.queue.peekTime() ?? Infinity) <= until) this.processNext();
    this.nowMs = until;
  }

  /** Runs until `predicate` holds (checked after every event) or `maxMs` pass. */
  runUntil(predicate: () => boolean, maxMs: number): boolean {
    const until = this.nowMs + maxMs;
    if (predicate()) return true;
    while ((this.queue.peekTime() ?? Infinity) <= until) {
      this.processNext();
      if (predicate()) return true;
    }
    this.nowMs = until;
    return predicate();
  }

  private processNext(): void {
    const event = this.queue.pop()!;
    this.nowMs = event.timeMs;
    this.eventCount++;
    event.run();
    this.observeRoles();
  }

  private schedule(delayMs: number, run: () => void): void {
    this.queue.push(this.nowMs + delayMs, run);
  }

  // ---- Nodes --------------------------------------------------------------------------------------

  private start(n: SimNode): void {
    n.epoch++;
    const epoch = n.epoch;
    const rng = new SeededRng(deriveSeed(this.seed, 2, n.id, n.restarts));
    const node = new KvNode({ ...DEFAULT_RAFT_TUNING, ...this.options.raft, id: n.id, voters: [...this.nodeIds], bug: this.options.bug }, n.storage.load(), rng);
    n.node = node;
    n.loop = new NodeLoop(node, {
      persist: (batch, done) => this.persist(n, epoch, batch, done),
      send: (messages) => this.sendAll(messages),
      applied: (rd) => this.onApplied(n, rd),
    }, this.options.bug);
    const phaseMs = this.rng.int(0, this.options.tickMs - 1);
    this.schedule(phaseMs, () => this.tick(n, epoch));
  }

  private tick(n: SimNode, epoch: number): void {
    if (n.epoch !== epoch || n.node === undefined) return;
    const node = n.node;
    this.guard(n, () => {
      node.tick();
      this.runLoop(n);
    });
    if (n.epoch === epoch) this.schedule(this.options.tickMs, () => this.tick(n, epoch));
  }

  /**
   * A failed assertion inside a node crashes that node, as the design asks (the UI shows the
   * same thing), and is recorded as a violation: in a correct protocol it never happens.
   */
  private guard(n: SimNode, run: () => void): void {
    try {
      run();
    } catch (error) {
      if (!(error instanceof AssertionError)) throw error;
      this.assertionViolation ??= { invariant: 'assertion', timeMs: this.nowMs, message: `node ${n.id}: ${error.message}` };
      this.crash(n.id);
    }
  }

  private runLoop(n: SimNode): void {
    n.loop!.run();
  }

  private persist(n: SimNode, epoch: number, batch: StorageBatch, done: () => void): void {
    this.invariants?.onPersist(n.id, n.node!, batch.entries, this.nowMs);
    n.storage.write(batch);
    const [min, max] = this.options.diskLatencyMs;
    const latencyMs = this.rng.int(min, max);
    if (latencyMs === 0) {
      n.storage.sync();
      done();
      return;
    }
    this.schedule(latencyMs, () => {
      if (n.epoch !== epoch) return;
      n.storage.sync();
      this.guard(n, done);
    });
  }

  private onApplied(n: SimNode, rd: Ready): void {
    this.invariants?.onApplied(n.id, n.node!, rd, this.nowMs);
  }

  private sendAll(messages: Message[]): void {
    for (const m of messages) {
      const delays = this.network.plan(m);
      if (this.traceBuffer.enabled) this.traceMessage(delays.length === 0 ? 'drop' : 'send', m);
      for (const delayMs of delays) this.schedule(delayMs, () => this.deliver(m));
    }
  }

  private traceMessage(kind: 'send' | 'deliver' | 'drop', m: Message): void {
    const term = 'term' in m ? m.term : undefined;
    this.traceBuffer.add({ timeMs: this.nowMs, kind, from: m.from, to: m.to, msg: m.type, ...(term !== undefined ? { term } : {}) });
  }

  private deliver(m: Message): void {
    if (m.type === 'ClientReply') {
      this.network.stats.messagesDelivered++;
      this.clients.get(m.to)?.receive(m as ClientReply);
      return;
    }
    const n = this.nodes[m.to - 1];
    // A message in flight when a partition forms, or to a crashed node, is lost.
    if (n?.node === undefined || !this.network.canReach(m.from, m.to)) {
      this.network.stats.messagesDropped++;
      if (this.traceBuffer.enabled) this.traceMessage('drop', m);
      return;
    }
    this.network.stats.messagesDelivered++;
    if (this.traceBuffer.enabled) this.traceMessage('deliver', m);
    const node = n.node;
    this.guard(n, () => {
      node.step(m);
      this.runLoop(n);
    });
  }

  /** Runs after every event: invariants, election counting, role changes into the trace. */
  private observeRoles(): void {
    const view = this.nodes;
    this.invariants?.afterEvent(view, this.nowMs);
    for (let k = 0; k < view.length; k++) {
      const node = view[k]!.node;
      const role = node === undefined ? 'crashed' : node.raft.role;
      const term = node === undefined ? -1 : node.raft.term;
      const last = this.lastRoles[k]!;
      if (last.role === role && last.term === term) continue;
      last.role = role;
      last.term = term;
      if (role === 'leader') this.electionCount++;
      this.traceBuffer.add({ timeMs: this.nowMs, kind: 'state', node: k + 1, role, term: Math.max(term, 0) });
    }
  }

  // ---- Faults ---------------------------------------------------------------------------------------

  /** The node stops: memory is lost, and so is any batch whose persistence had not completed. */
  crash(id: NodeId): void {
    const n = this.simNode(id);
    if (n.node === undefined) return;
    n.loop!.stop();
    n.storage.crash();
    n.node = undefined;
    n.loop = undefined;
    n.epoch++;
    this.traceBuffer.add({ timeMs: this.nowMs, kind: 'crash', node: id });
    this.observeRoles();
  }

  /** A crashed node comes back, rebuilt from its durable state only. */
  restart(id: NodeId): void {
    const n = this.simNode(id);
    if (n.node !== undefined) return;
    n.restarts++;
    this.start(n);
    this.traceBuffer.add({ timeMs: this.nowMs, kind: 'restart', node: id });
    this.observeRoles();
  }

  /** Crash, erase its disk, restart empty (unsafe on purpose: it forgets its votes). */
  wipe(id: NodeId): void {
    this.crash(id);
    this.simNode(id).storage.wipe();
    this.restart(id);
  }

  partition(groups: NodeId[][]): void {
    for (const group of groups) for (const id of group) this.simNode(id);
    this.network.links.partition(groups);
    this.traceBuffer.add({ timeMs: this.nowMs, kind: 'partition', detail: JSON.stringify(groups) });
  }

  isolate(id: NodeId): void {
    this.simNode(id);
    this.network.links.isolate(id, false);
    this.traceBuffer.add({ timeMs: this.nowMs, kind: 'partition', detail: `isolate ${id}` });
  }

  /** One-way cut: messages from `from` to `to` are lost; the other direction still works. */
  cutLink(from: NodeId, to: NodeId): void {
    this.simNode(from);
    this.simNode(to);
    this.network.links.setLink(from, to, true);
    this.traceBuffer.add({ timeMs: this.nowMs, kind: 'partition', detail: `cut ${from}->${to}` });
  }

  heal(): void {
    this.network.links.heal();
    this.traceBuffer.add({ timeMs: this.nowMs, kind: 'heal' });
  }

  setNetwork(options: Partial<NetworkOptions>): void {
    this.network.setOptions(options);
  }

  // ---- Clients ------------------------------------------------------------------------------------

  client(name?: string): SimClient {
    const id = name ?? `c${this.clients.size + 1}`;
    assert(!this.clients.has(id), `client ${id} exists`);
    const client = new SimClient(id, {
      nowMs: () => this.nowMs,
      nodeIds: () => this.nodeIds,
      send: (m) => this.sendAll([m]),
      schedule: (delayMs, run) => this.schedule(delayMs, run),
      randomInt: (min, max) => this.rng.int(min, max),
    }, this.recorder, this.options.clientTimeoutMs);
    this.clients.set(id, client);
    return client;
  }

  // ---- Observation -------------------------------------------------------------------------------

  /** The leader of the highest term among running nodes. */
  leader(): NodeId | undefined {
    let best: KvNode | undefined;
    for (const n of this.nodes) {
      const node = n.node;
      if (node?.raft.role === 'leader' && (best === undefined || node.raft.term > best.raft.term)) best = node;
    }
    return best?.id;
  }

  status(): NodeStatusView[] {
    return this.nodes.map((n) => {
      const s = n.node?.status();
      const durable = n.storage.durableState();
      return {
        id: n.id, role: s?.role ?? 'crashed', term: s?.term ?? durable.hardState.term,
        commitIndex: s?.commitIndex ?? durable.hardState.commit, lastIndex: s?.lastIndex ?? durable.entries.length,
        alive: n.node !== undefined,
      };
    });
  }

  /** The node's KV contents as applied so far (undefined when crashed). */
  appliedState(id: NodeId): Map<string, string> | undefined {
    const node = this.simNode(id).node;
    return node === undefined ? undefined : new Map(node.kv.data);
  }

  /** Direct access to a running node, for tests and the trace. */
  node(id: NodeId): KvNode | undefined {
    return this.simNode(id).node;
  }

  history(): History {
    return this.recorder.history();
  }

  stats(): SimulationStats {
    return { ...this.network.stats, sentByType: { ...this.network.stats.sentByType }, events: this.eventCount, elections: this.electionCount };
  }

  /** The first safety invariant violated, or else the first failed assertion, if any. */
  violation(): InvariantViolation | undefined {
    return this.invariants?.violation ?? this.assertionViolation;
  }

  trace(): TraceEvent[] {
    return this.traceBuffer.events();
  }

  isPartitioned(): boolean {
    return this.network.links.isPartitioned();
  }

  private simNode(id: NodeId): SimNode {
    const n = this.nodes[id - 1];
    assert(n !== undefined && n.id === id, `no node ${id} (nodes are 1..${this.nodes.length})`);
    return n;
  }
}
