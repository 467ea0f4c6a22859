/**
 * The deterministic simulator: the real core and the real node loop, driven by a virtual clock
 * and a seeded network model instead of threads and timers. Same seed and options, same run.
 *
 * Every node ticks every `tickMs` of virtual time (with a seeded phase, so nodes are not in
 * lock-step). Persistence takes a seeded virtual latency; a crash before it completes loses
 * the batch, as a crash of a real machine would.
 *
 * It is also the page's in-page engine (runtime/in-page-cluster.ts is a thin adapter): every
 * message is in the one in-flight list (in-flight.ts) from send to delivery, so a person can
 * list, deliver, drop and step messages; an observer hears sends, deliveries, drops, role and
 * commit changes as they happen; time only moves when the host calls runFor (so "paused" is
 * simply not calling it).
 */
import { AssertionError, assert } from '../core/assert.ts';
import type { BugName } from '../core/bugs.ts';
import { KvNode, raftProtocol, type RaftTuning } from '../raft/index.ts';
import { limitProtocol } from '../core/limit-node.ts';
import { clockRateProblem } from '../core/clock-rate.ts';
import type { InvariantViolation, Protocol, ProtocolNode, SafetyChecker } from '../core/protocol-node.ts';
import { NodeLoop } from '../core/node-loop.ts';
import { MemoryStorage, durableLastIndex, logOffset, type StorageBatch } from '../core/storage.ts';
import type { ClientReply, ConfigChange, Configuration, Message, NodeId, Ready, Role } from '../core/types.ts';
import type { History } from '../check/history.ts';
import { SimClient, type ClientHost } from './client.ts';
import { DEFAULT_MAX_IN_FLIGHT, InFlightList } from './in-flight.ts';
import type { DurableState } from '../core/types.ts';
import { EventQueue } from './event-queue.ts';
import { HistoryRecorder } from './history-recorder.ts';
import { Network, type NetworkOptions, type NetworkStats } from './network.ts';
import { SeededRng, deriveSeed } from '../core/rng.ts';
import { TraceBuffer, type TraceEvent } from './trace.ts';

export type { RaftTuning } from '../raft/index.ts';

export interface SimulationOptions {
  nodes?: number;
  seed?: number;
  tickMs?: number;
  raft?: RaftTuning;
  /** Raft: how reads are confirmed (shorthand for raft.reads): 'read-index' (default) or 'lease'. */
  reads?: 'read-index' | 'lease';
  /** Raft: entries applied since the last snapshot before a node compacts (shorthand for raft.snapshotThresholdEntries; 0 = never). */
  snapshotThresholdEntries?: number;
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
  /**
   * Which protocol the nodes run: Raft (the KV store), or the benchmark's no-consensus relay
   * (core/limit-node.ts, a ceiling to compare with; Raft's safety invariants do not apply to it).
   */
  system?: 'raft' | 'limit';
  /** Messages in flight at most; past it a send is lost (as a full router queue loses it). */
  maxInFlight?: number;
  /**
   * Any error thrown inside a node stops that node with the reason (the page wants this: one
   * broken node must not stop the page). Off by default: headless runs want to see the bug.
   * Failed assertions always stop only their node.
   */
  containNodeErrors?: boolean;
}

/** A message between sending and delivery (times in virtual ms). */
export interface SimFlight {
  id: number;
  sentAt: number;
  dueAt: number;
  message: Message;
  /** The in-flight list's bookkeeping (in-flight.ts). */
  slot: number;
}

export type SimDropReason = 'loss' | 'partition' | 'crashed' | 'manual';

/** Hears what happens, as it happens (the page draws it). Every hook is optional. */
export interface SimObserver {
  /** A message left; `dropped` says it was lost at once (its fate was decided at send). */
  sent?(flight: SimFlight, dropped: SimDropReason | undefined): void;
  delivered?(flight: SimFlight): void;
  dropped?(flight: SimFlight, reason: SimDropReason): void;
  /** A node's role or term changed (a crashed node reports its durable term). */
  role?(id: NodeId, role: Role | 'crashed', term: number): void;
  commit?(id: NodeId, commitIndex: number): void;
  /** A node stopped on an error (a failed assertion, or any error with containNodeErrors). */
  failed?(id: NodeId, reason: string): void;
}

export interface NodeStatusView {
  id: NodeId;
  role: Role | 'crashed';
  term: number;
  commitIndex: number;
  lastIndex: number;
  alive: boolean;
  /** Raft: the first index still in the log (after compaction), and the snapshot's last (0 = none). */
  firstIndex: number;
  snapshotIndex: number;
  /** Raft: is it a voter, or a learner, in the cluster's committed configuration (both false: removed). */
  voter: boolean;
  learner: boolean;
}

export interface SimulationStats extends NetworkStats {
  events: number;
  elections: number;
}

interface SimNode {
  id: NodeId;
  storage: MemoryStorage;
  node: ProtocolNode | undefined;
  loop: NodeLoop | undefined;
  /** Bumped at every crash and restart; events of an older epoch are ignored. */
  epoch: number;
  restarts: number;
  /** Why it stopped on its own (an error inside it), until it restarts. */
  error: string | undefined;
  /** The commit index last reported to the observer. */
  reportedCommit: number;
  /** How fast this node's clock runs (1 = true time): its ticks come every tickMs / rate. */
  clockRate: number;
}

export const MAX_NODES = 9;

export class Simulation {
  readonly seed: number;
  /** Every node ever in this run, in id order (a removed node keeps its number). */
  private ids: NodeId[];
  /** The nodes the cluster was created with: every node's bootstrap configuration. */
  private readonly bootstrapIds: readonly NodeId[];
  readonly options: Readonly<Required<Omit<SimulationOptions, 'bug' | 'raft' | 'network' | 'reads' | 'snapshotThresholdEntries'>>> & Pick<SimulationOptions, 'bug' | 'raft'>;
  /** How nodes start, and which safety checks apply: the hosts know a protocol only through this. */
  private readonly protocol: Protocol;
  /** Every message between send and delivery: the one in-flight list. */
  private readonly flights: InFlightList<SimFlight>;
  /** Who receives client replies, by client name. */
  private readonly endpoints = new Map<string, (m: ClientReply) => void>();
  private observer: SimObserver | undefined;
  /** The node the current event ran on (the only one whose role it can change). */
  private touched: SimNode | undefined;
  private nowMs = 0;
  private readonly queue = new EventQueue();
  private readonly rng: SeededRng;
  private readonly network: Network;
  private readonly nodes: SimNode[];
  private readonly clients = new Map<string, SimClient>();
  private readonly recorder = new HistoryRecorder();
  private readonly invariants: SafetyChecker | undefined;
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
      clientTimeoutMs: options.clientTimeoutMs ?? 300, system: options.system ?? 'raft',
      invariants: options.invariants ?? true,
      traceLimit: options.traceLimit ?? 0, bug: options.bug, raft: options.raft,
      maxInFlight: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, containNodeErrors: options.containNodeErrors ?? false,
    };
    this.flights = new InFlightList(this.options.maxInFlight, false); // the event queue orders deliveries
    this.rng = new SeededRng(deriveSeed(this.seed, 0));
    const tuning: RaftTuning = { ...options.raft };
    if (options.reads !== undefined) tuning.reads = options.reads;
    if (options.snapshotThresholdEntries !== undefined) tuning.snapshotThresholdEntries = options.snapshotThresholdEntries;
    this.protocol = this.options.system === 'limit' ? limitProtocol : raftProtocol({ tuning, bug: options.bug });
    this.invariants = this.options.invariants ? this.protocol.safetyChecker?.() : undefined;
    this.traceBuffer = new TraceBuffer(this.options.traceLimit);
    this.bootstrapIds = Array.from({ length: nodes }, (_, k) => k + 1);
    this.ids = [...this.bootstrapIds];
    this.network = new Network(new SeededRng(deriveSeed(this.seed, 1)), this.ids, options.network);
    this.nodes = this.ids.map((id) => newSimNode(id));
    this.lastRoles = this.ids.map(() => ({ role: 'crashed', term: -1 }));
    for (const n of this.nodes) this.start(n);
  }

  /** Every node ever in this run, in id order: removed nodes stay (and keep their number). */
  get nodeIds(): readonly NodeId[] {
    return this.ids;
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
    this.touched = undefined;
    event.run();
    // Only an event that ran on a node can change a role (a client's timer or a reply cannot;
    // a crash inside the event observes every node itself).
    if (this.touched === undefined) return;
    this.invariants?.afterEvent(this.nodes, this.nowMs);
    this.observeNode(this.touched);
  }

  private schedule(delayMs: number, run: () => void): void {
    this.queue.push(this.nowMs + delayMs, run);
  }

  // ---- Nodes --------------------------------------------------------------------------------------

  private start(n: SimNode): void {
    n.epoch++;
    const epoch = n.epoch;
    n.error = undefined;
    const rng = new SeededRng(deriveSeed(this.seed, 2, n.id, n.restarts));
    let node: ProtocolNode;
    try {
      node = this.protocol.start({ id: n.id, nodeIds: this.bootstrapIds, durable: n.storage.load(), rng });
    } catch (error) {
      if (!this.options.containNodeErrors && !(error instanceof AssertionError)) throw error;
      n.error = `refused to start: ${describeError(error)}`;
      this.observer?.failed?.(n.id, n.error);
      return;
    }
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
    if (n.epoch === epoch) this.schedule(this.options.tickMs / n.clockRate, () => this.tick(n, epoch));
  }

  /**
   * A failed assertion inside a node crashes that node, as the design asks (the UI shows the
   * same thing), and is recorded as a violation: in a correct protocol it never happens.
   */
  private guard(n: SimNode, run: () => void): void {
    this.touched = n;
    try {
      run();
    } catch (error) {
      const assertion = error instanceof AssertionError;
      if (!assertion && !this.options.containNodeErrors) throw error;
      if (assertion) this.assertionViolation ??= { invariant: 'assertion', timeMs: this.nowMs, message: `node ${n.id}: ${error.message}` };
      this.crash(n.id);
      n.error = describeError(error);
      this.observer?.failed?.(n.id, n.error);
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
      if (delays.length === 0) {
        this.dropAtSend(m, this.network.canReach(m.from, m.to) ? 'loss' : 'partition');
        continue;
      }
      for (const delayMs of delays) {
        const flight: SimFlight = { id: this.flights.allocateId(), sentAt: this.nowMs, dueAt: this.nowMs + delayMs, message: m, slot: -1 };
        if (!this.flights.add(flight)) {
          // A full in-flight list loses the message, as a router with a full queue would.
          this.network.stats.messagesDropped++;
          this.observer?.sent?.(flight, 'loss');
          continue;
        }
        this.observer?.sent?.(flight, undefined);
        this.schedule(delayMs, () => this.arrive(flight));
      }
    }
  }

  private dropAtSend(m: Message, reason: SimDropReason): void {
    if (this.observer?.sent === undefined) return;
    this.observer.sent({ id: this.flights.allocateId(), sentAt: this.nowMs, dueAt: this.nowMs, message: m, slot: -1 }, reason);
  }

  /** A message's due time came; it may have been delivered or dropped by hand before. */
  private arrive(flight: SimFlight): void {
    if (this.flights.takeFlight(flight)) this.deliver(flight);
  }

  private traceMessage(kind: 'send' | 'deliver' | 'drop', m: Message): void {
    const term = 'term' in m ? m.term : undefined;
    this.traceBuffer.add({ timeMs: this.nowMs, kind, from: m.from, to: m.to, msg: m.type, ...(term !== undefined ? { term } : {}) });
  }

  private deliver(flight: SimFlight): void {
    const m = flight.message;
    // A message in flight when a partition forms, or to a crashed node, is lost.
    if (!this.network.canReach(m.from, m.to)) return this.lose(flight, 'partition');
    if (m.type === 'ClientReply') {
      this.network.stats.messagesDelivered++;
      this.observer?.delivered?.(flight);
      this.endpoints.get(m.to)?.(m as ClientReply);
      return;
    }
    const n = this.nodes[m.to - 1];
    if (n?.node === undefined) return this.lose(flight, 'crashed');
    this.network.stats.messagesDelivered++;
    if (this.traceBuffer.enabled) this.traceMessage('deliver', m);
    this.observer?.delivered?.(flight);
    const node = n.node;
    this.guard(n, () => {
      node.step(m);
      this.runLoop(n);
    });
  }

  private lose(flight: SimFlight, reason: SimDropReason): void {
    this.network.stats.messagesDropped++;
    if (this.traceBuffer.enabled) this.traceMessage('drop', flight.message);
    this.observer?.dropped?.(flight, reason);
  }

  /** After a fault or a manual action: invariants, then every node's role and commit. */
  private observeRoles(): void {
    this.invariants?.afterEvent(this.nodes, this.nowMs);
    for (const n of this.nodes) this.observeNode(n);
  }

  /** Election counting, role changes into the trace, role and commit changes to the observer. */
  private observeNode(n: SimNode): void {
    const status = n.node?.status();
    const role = status === undefined ? 'crashed' : status.role;
    const term = status === undefined ? -1 : status.term;
    const last = this.lastRoles[n.id - 1]!;
    if (this.observer !== undefined) this.reportCommit(n, status?.commitIndex);
    if (last.role === role && last.term === term) return;
    last.role = role;
    last.term = term;
    if (role === 'leader') this.electionCount++;
    this.traceBuffer.add({ timeMs: this.nowMs, kind: 'state', node: n.id, role, term: Math.max(term, 0) });
    this.observer?.role?.(n.id, role, status === undefined ? n.storage.durableState().hardState.term : term);
  }

  private reportCommit(n: SimNode, commit: number | undefined): void {
    if (commit === undefined || commit === n.reportedCommit) return;
    n.reportedCommit = commit;
    this.observer?.commit?.(n.id, commit);
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
    const n = this.simNode(id);
    n.storage.wipe();
    n.reportedCommit = 0;
    this.restart(id);
  }

  /** The node's election timer fires now (with PreVote, it starts a pre-vote). */
  forceTimeout(id: NodeId): void {
    const n = this.simNode(id);
    const node = n.node;
    if (node === undefined) return;
    this.guard(n, () => {
      node.forceTimeout();
      this.runLoop(n);
    });
    this.observeRoles();
  }

  /**
   * Makes node `id`'s clock run at `rate` times true time (1.2 = 20% fast, 0.5 = half speed),
   * from its next tick on; it keeps the rate across crashes and restarts (it is the hardware).
   * Raft measures election timeouts and leases in ticks, so drift moves both.
   */
  setClockRate(id: NodeId, rate: number): void {
    const n = this.simNode(id);
    const problem = clockRateProblem(rate);
    if (problem !== undefined) throw new Error(problem);
    n.clockRate = rate;
  }

  clockRate(id: NodeId): number {
    return this.simNode(id).clockRate;
  }

  /**
   * Node `id` snapshots its state machine now and drops the log entries the snapshot covers
   * (the threshold does the same on its own). Throws when it is down or has nothing to compact.
   * A failed assertion while compacting crashes the node, as anywhere else (it does not throw).
   */
  compact(id: NodeId): void {
    const n = this.simNode(id);
    const node = n.node;
    if (node === undefined) throw new Error(`n${id} is down: restart it first`);
    if (node.compact === undefined) throw new Error(`cannot compact n${id}: ${this.options.system} keeps no log to compact`);
    let refused: string | undefined;
    this.guard(n, () => {
      refused = node.compact!();
      if (refused === undefined) this.runLoop(n);
    });
    if (refused !== undefined) throw new Error(`cannot compact n${id}: ${refused}`);
    this.observeRoles();
  }

  // ---- Membership (Raft) ----------------------------------------------------------------------

  /**
   * Starts a new, empty node and asks the leader to add it as a learner; the leader promotes it
   * to voter once it has caught up. Returns its id. Throws (adding nothing) when there is no
   * leader, a change is still in progress, or the cluster is full.
   */
  addNode(): NodeId {
    const members = this.configuration();
    if (members.voters.length + members.learners.length >= MAX_NODES) throw new Error(`the cluster has ${MAX_NODES} members, the most it can have`);
    if (this.nodes.length >= MAX_NODES) throw new Error(`all ${MAX_NODES} node numbers are used (a removed node keeps its number)`);
    const id = this.nodes.length + 1;
    const n = newSimNode(id);
    this.nodes.push(n);
    this.ids = [...this.ids, id];
    this.lastRoles.push({ role: 'crashed', term: -1 });
    this.network.links.addNode(id);
    try {
      this.proposeChange({ op: 'add-learner', node: id }, `cannot add n${id}`);
    } catch (error) {
      this.nodes.pop();
      this.ids = this.ids.slice(0, -1);
      this.lastRoles.pop();
      this.network.links.removeLastNode(id);
      throw error;
    }
    this.start(n);
    this.observeRoles();
    return id;
  }

  /** Asks the leader to remove node `id` from the cluster (it keeps running, outside it). */
  removeNode(id: NodeId): void {
    this.simNode(id);
    this.proposeChange({ op: 'remove', node: id }, `cannot remove n${id}`);
    this.observeRoles();
  }

  /** The committed configuration, as the leader (or, without one, the most up-to-date node) knows it. */
  configuration(): Configuration {
    let best: KvNode | undefined;
    for (const n of this.nodes) {
      const node = n.node;
      if (!(node instanceof KvNode)) continue;
      const r = node.raft;
      if (best === undefined || rank(r) > rank(best.raft)) best = node;
    }
    if (best === undefined) return { voters: [...this.bootstrapIds], learners: [] };
    return best.raft.committedConfiguration();
  }

  private proposeChange(change: ConfigChange, refusal: string): void {
    if (this.options.system !== 'raft') throw new Error(`${refusal}: ${this.options.system} has no membership changes`);
    const from = this.leader();
    if (from === undefined) throw new Error(`${refusal}: no leader to propose it: wait for an election`);
    const n = this.simNode(from);
    const refused = n.node!.proposeConfigChange!(change);
    if (refused !== undefined) throw new Error(`${refusal}: ${refused}`);
    this.guard(n, () => this.runLoop(n));
  }

  /**
   * The leader hands leadership to `to` (brings it up to date, then TimeoutNow). Throws with the
   * reason when it cannot start: no leader, `to` already leads or is not a voter, no such node.
   */
  transferLeadership(to: NodeId): void {
    this.simNode(to);
    const from = this.leader();
    if (from === undefined) throw new Error('no leader to hand leadership over: wait for an election');
    const n = this.simNode(from);
    const node = n.node!;
    const refused = node.transferLeadership === undefined ? `${this.options.system} has no leader` : node.transferLeadership(to);
    if (refused !== undefined) throw new Error(`cannot transfer leadership to n${to}: ${refused}`);
    this.guard(n, () => this.runLoop(n));
    this.observeRoles();
  }

  partition(groups: NodeId[][]): void {
    this.network.links.partition(groups); // checks the ids
    this.traceBuffer.add({ timeMs: this.nowMs, kind: 'partition', detail: JSON.stringify(groups) });
  }

  /**
   * Cuts every link of `id` both ways. With `clients`, clients cannot reach it either (the page
   * does this); without, a client stuck on it times out and tries another, as a real client would.
   */
  isolate(id: NodeId, options: { clients?: boolean } = {}): void {
    this.simNode(id);
    this.network.links.isolate(id, options.clients ?? false);
    this.traceBuffer.add({ timeMs: this.nowMs, kind: 'partition', detail: `isolate ${id}` });
  }

  /** Repairs every link of `id`, both ways, clients included. */
  rejoin(id: NodeId): void {
    this.network.links.rejoin(id);
    this.traceBuffer.add({ timeMs: this.nowMs, kind: 'heal', detail: `rejoin ${id}` });
  }

  /** One-way cut: messages from `from` to `to` are lost; the other direction still works. */
  cutLink(from: NodeId, to: NodeId): void {
    this.setLink(from, to, true);
  }

  /** One way: `cut` true loses messages from `from` to `to`; false repairs that direction. */
  setLink(from: NodeId, to: NodeId, cut: boolean): void {
    this.network.links.setLink(from, to, cut);
    this.traceBuffer.add({ timeMs: this.nowMs, kind: cut ? 'partition' : 'heal', detail: `${cut ? 'cut' : 'repair'} ${from}->${to}` });
  }

  /** Gives the link from -> to its own delay range (undefined: back to the network's). */
  setLinkDelay(from: NodeId, to: NodeId, delayMs: [number, number] | undefined): void {
    this.network.links.setLinkDelay(from, to, delayMs);
  }

  heal(): void {
    this.network.links.heal();
    this.traceBuffer.add({ timeMs: this.nowMs, kind: 'heal' });
  }

  setNetwork(options: Partial<NetworkOptions>): void {
    this.network.setOptions(options);
  }

  networkOptions(): NetworkOptions {
    const o = this.network.options;
    return { ...o, delayMs: [o.delayMs[0], o.delayMs[1]] };
  }

  canReach(from: NodeId | string, to: NodeId | string): boolean {
    return this.network.canReach(from, to);
  }

  /** cut[from][to] for every pair of nodes. */
  cutMatrix(): Record<NodeId, Record<NodeId, boolean>> {
    return this.network.links.cutMatrix();
  }

  /** The links with their own delay range, as [from, to, [min, max]]. */
  linkDelays(): [NodeId, NodeId, [number, number]][] {
    return this.network.links.linkDelayList();
  }

  // ---- Messages in flight (the page's pause, step, deliver and drop) ---------------------------------

  inFlight(): SimFlight[] {
    return this.flights.list();
  }

  /** Delivers message `id` now, as if its delay had just elapsed (cuts and crashes still apply). */
  deliverNow(id: number): boolean {
    const flight = this.flights.take(id);
    if (flight === undefined) return false;
    this.eventCount++;
    this.deliver(flight);
    this.observeRoles();
    return true;
  }

  dropMessage(id: number): boolean {
    const flight = this.flights.take(id);
    if (flight === undefined) return false;
    this.lose(flight, 'manual');
    return true;
  }

  /** Runs virtual time to the earliest message due and delivers it (false: nothing in flight). */
  step(): boolean {
    const next = this.flights.peekEarliest();
    if (next === undefined) return false;
    this.runUntil(() => this.flights.get(next.id) === undefined, Math.max(0, next.dueAt - this.nowMs));
    return true;
  }

  /**
   * Hears sends, deliveries, drops, role and commit changes from now on (undefined: nobody
   * listens). A new observer first hears every node's current role and commit index.
   */
  observe(observer: SimObserver | undefined): void {
    this.observer = undefined;
    this.observeRoles(); // brings the trace up to date without telling the new observer twice
    this.observer = observer;
    if (observer === undefined) return;
    for (const n of this.nodes) {
      const status = n.node?.status();
      observer.role?.(n.id, status?.role ?? 'crashed', status?.term ?? n.storage.durableState().hardState.term);
      n.reportedCommit = status?.commitIndex ?? n.reportedCommit;
      if (n.reportedCommit > 0) observer.commit?.(n.id, n.reportedCommit);
    }
  }

  // ---- Clients ------------------------------------------------------------------------------------

  client(name?: string, options: { maxQueued?: number } = {}): SimClient {
    const id = name ?? `c${this.clients.size + 1}`;
    assert(!this.clients.has(id), `client ${id} exists`);
    // Replies can only arrive after a request left, so `client` exists by then.
    const host = this.clientHost(id, (m) => client.receive(m));
    const client = new SimClient(id, host, this.recorder, this.options.clientTimeoutMs, options.maxQueued);
    this.clients.set(id, client);
    return client;
  }

  /**
   * What a client endpoint named `name` needs from the engine: the clock, timers, randomness and
   * a way to send; replies to `name` go to `receive`. sim.client() is built on it, and so is the
   * page's console in the in-page engine (one client, src/client/, on this clock).
   */
  clientHost(name: string, receive: (m: ClientReply) => void): ClientHost {
    assert(!this.endpoints.has(name), `client endpoint ${name} exists`);
    this.endpoints.set(name, receive);
    return {
      nowMs: () => this.nowMs,
      nodeIds: () => this.nodeIds,
      send: (m) => this.sendAll([m]),
      schedule: (delayMs, run) => this.schedule(delayMs, run),
      randomInt: (min, max) => this.rng.int(min, max),
    };
  }

  /** Forgets a client endpoint: replies to it are delivered to nobody. */
  detachClient(name: string): void {
    this.endpoints.delete(name);
    this.clients.delete(name);
  }

  // ---- Observation -------------------------------------------------------------------------------

  /** The leader of the highest term among running nodes. */
  leader(): NodeId | undefined {
    let best: { id: NodeId; term: number } | undefined;
    for (const n of this.nodes) {
      const s = n.node?.status();
      if (s?.role === 'leader' && (best === undefined || s.term > best.term)) best = s;
    }
    return best?.id;
  }

  status(): NodeStatusView[] {
    const config = this.configuration();
    return this.nodes.map((n) => {
      const s = n.node?.status();
      const durable = n.storage.durableState();
      return {
        id: n.id, role: s?.role ?? 'crashed', term: s?.term ?? durable.hardState.term,
        commitIndex: s?.commitIndex ?? durable.hardState.commit, lastIndex: s?.lastIndex ?? durableLastIndex(durable),
        alive: n.node !== undefined,
        firstIndex: s?.firstIndex ?? logOffset(durable) + 1, snapshotIndex: s?.snapshotIndex ?? logOffset(durable),
        voter: config.voters.includes(n.id), learner: config.learners.includes(n.id),
      };
    });
  }

  /** The node's KV contents as applied so far (undefined when crashed). */
  appliedState(id: NodeId): Map<string, string> | undefined {
    const node = this.simNode(id).node;
    return node === undefined ? undefined : new Map(node.inspect().data);
  }

  /** Direct access to a running node, for tests and the trace. */
  node(id: NodeId): KvNode | undefined {
    const node = this.simNode(id).node;
    return node instanceof KvNode ? node : undefined;
  }

  /** A running node through the protocol-node contract (any protocol). */
  protocolNode(id: NodeId): ProtocolNode | undefined {
    return this.simNode(id).node;
  }

  /** What the node's disk holds (synced writes only). */
  durableState(id: NodeId): Readonly<DurableState> {
    return this.simNode(id).storage.durableState();
  }

  /** Why the node stopped on its own, if it did (cleared when it restarts). */
  nodeError(id: NodeId): string | undefined {
    return this.simNode(id).error;
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
    assert(n !== undefined && n.id === id, `no node ${id} (nodes are ${this.nodeIds.join(', ')})`);
    return n;
  }
}

function newSimNode(id: NodeId): SimNode {
  return { id, storage: new MemoryStorage(), node: undefined, loop: undefined, epoch: 0, restarts: 0, error: undefined, reportedCommit: 0, clockRate: 1 };
}

/** Who knows the committed configuration best: a leader of the highest term, else the highest commit. */
function rank(r: KvNode['raft']): number {
  return (r.role === 'leader' ? 1e15 : 0) + r.term * 1e9 + r.commitIndex;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
