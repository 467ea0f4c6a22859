/**
 * The protocol-node contract: all the node loop (node-loop.ts) and its hosts may assume about a
 * protocol node, after etcd-io/raft's Ready/advance rules.
 *
 * - Inputs arrive one at a time: tick() for time (the host decides how long a tick is), step(m)
 *   for a message from a peer or a client. Neither does I/O.
 * - ready() returns what the node needs done, or undefined when it needs nothing. The host must,
 *   in this order: make `hardState` and `entries` durable, then send `messages`, then call
 *   advance(rd), which applies `committed` and may queue replies for the next ready(). Until
 *   advance(rd) the host calls ready() no more (it may keep stepping inputs in).
 * - A message that promises something (a vote, an append acknowledgement) is in the Ready whose
 *   state backs it, so it never leaves before that state is durable.
 * - The node is deterministic: the same inputs in the same order, with the same injected random
 *   generator, give the same Readys.
 */
import type { Rng } from './rng.ts';
import type { ConfigChange, Configuration, DurableState, Entry, Message, NodeId, Ready, Role } from './types.ts';

/** The cheap scalars a host may read after every event. */
export interface NodeStatus {
  id: NodeId;
  role: Role;
  term: number;
  vote: NodeId;
  leaderId: NodeId;
  commitIndex: number;
  appliedIndex: number;
  lastIndex: number;
  /** Protocols that compact their log: the first index still in it, and the snapshot's last (0 = none). */
  firstIndex?: number;
  snapshotIndex?: number;
  /** Protocols with membership: is this node a voter, or a learner, in its own configuration. */
  voter?: boolean;
  learner?: boolean;
}

/** What the leader knows of one peer's log (etcd's Progress). */
export interface PeerProgress {
  peer: NodeId;
  matchIndex: number;
  nextIndex: number;
  state: 'probe' | 'replicate' | 'snapshot';
  inflight: number;
  /** In snapshot state: the snapshot being sent (its last index) and how much of it the peer holds. */
  snapshot?: { index: number; received: number; total: number };
}

/** Everything a view draws of a running node: hosts build their views from this alone. */
export interface NodeInspection extends NodeStatus {
  /** Ticks since the election timer last reset, and when it fires. */
  electionTimer: { elapsed: number; timeout: number };
  /** While campaigning: the answers so far (its own vote first). */
  votes: { from: NodeId; granted: boolean }[];
  /** Leader only: each peer's progress. */
  progress: PeerProgress[];
  /** The state machine's contents as applied (read-only: the host must not change it). */
  data: ReadonlyMap<string, string>;
  /** Leader only: the node it is handing leadership to (0 or absent: none). */
  transferringTo?: NodeId;
  /** The latest snapshot this node holds (absent: none): its last index and term, and its size. */
  snapshot?: { index: number; term: number; bytes: number };
  /** A follower receiving the leader's snapshot: which one, and how far. */
  snapshotReceipt?: { index: number; received: number; total: number };
  /** Protocols with membership: the configuration this node acts on, and the committed one. */
  configuration?: Configuration;
  committedConfiguration?: Configuration;
}

export interface ProtocolNode {
  tick(): void;
  step(m: Message): void;
  ready(): Ready | undefined;
  advance(rd: Ready): void;
  status(): NodeStatus;
  inspect(): NodeInspection;
  /** The entries from..to (inclusive) still in the log, clamped to what it holds. */
  entries(fromIndex: number, toIndex: number): Entry[];
  /** Acts as if the election timer fired now (a protocol without elections ignores it). */
  forceTimeout(): void;
  /**
   * Leader only: hand leadership to `to`. Returns why it cannot (not the leader, not a voter...),
   * or undefined once under way. Absent in protocols without a leader.
   */
  transferLeadership?(to: NodeId): string | undefined;
  /**
   * Snapshot the state machine now and drop the log entries it covers. Returns why it cannot
   * (nothing applied since the last snapshot), or undefined when done. Absent without compaction.
   */
  compact?(): string | undefined;
  /**
   * Leader only: propose one membership change (add a learner, remove a node; learners are
   * promoted by the leader itself). Returns why not, or undefined once proposed.
   */
  proposeConfigChange?(change: ConfigChange): string | undefined;
}

/** What a host hands a protocol to start one node (fresh, or restarted from its disk). */
export interface NodeStart {
  id: NodeId;
  /**
   * The nodes the cluster was created with (its bootstrap configuration). A node added later by
   * a membership change is not among them: it learns its place from the log.
   */
  nodeIds: readonly NodeId[];
  /** What the node's disk holds (empty for a new or wiped node). */
  durable: DurableState;
  /** The node's own seeded random source (election timeouts, jitter). */
  rng: Rng;
}

/** A safety property that failed, recorded (the first one wins) with the time it was seen. */
export interface InvariantViolation {
  /** The property's name ('election-safety', ...); 'assertion' when a node's own assertion failed. */
  invariant: string;
  timeMs: number;
  message: string;
}

/** The safety checks the Simulation runs as a protocol's nodes work (see raft/invariants.ts). */
export interface SafetyChecker {
  readonly violation: InvariantViolation | undefined;
  /** A node hands entries to storage. */
  onPersist(id: NodeId, node: ProtocolNode, entries: readonly Entry[], nowMs: number): void;
  /** A node applied a Ready's committed entries. */
  onApplied(id: NodeId, node: ProtocolNode, rd: Ready, nowMs: number): void;
  /** After an event that ran on a node (or a fault): the running nodes. */
  afterEvent(nodes: readonly { id: NodeId; node: ProtocolNode | undefined }[], nowMs: number): void;
}

/**
 * A protocol as the hosts see it. The Simulation, the in-page cluster and the worker host start
 * nodes only through this, so Raft, the benchmark relay and later the Dynamo ring plug in alike.
 */
export interface Protocol {
  /** The name a person picks it by (the Simulation's `system` option). */
  readonly system: string;
  start(init: NodeStart): ProtocolNode;
  /** The checks that apply to this protocol's runs; absent when none do (the relay). */
  safetyChecker?(): SafetyChecker;
}
