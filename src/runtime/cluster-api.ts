/**
 * The contract between the browser runtime (workers, bus, IndexedDB) and the UI. The UI only ever
 * talks to a `ClusterController`; the runtime implements it. All data here is plain and
 * structured-clone safe. Documented in docs/runtime.md.
 */
import type { KvCommand } from '../core/kv-types.ts';
import type { Configuration, MessageType, NodeId, Role } from '../core/types.ts';
import type { NodeStatus, PeerProgress } from '../core/protocol-node.ts';

export type NodeCount = 3 | 5 | 7;

export interface NetworkSettings {
  /** [min, max] added one-way delay per message in ms (scaled by speed like everything else). */
  delayMs: [number, number];
  dropRate: number;
  duplicateRate: number;
}

export interface ClusterConfig {
  nodes: NodeCount;
  /** Virtual ms per Raft tick at speed 1. */
  tickMs: number;
  electionTimeoutTicks: number;
  heartbeatIntervalTicks: number;
  network: NetworkSettings;
  /** Time scale: 1 = real time; 0.05 = slow motion (20x slower). Ticks and delays scale by 1/speed. */
  speed: number;
  /** Raft's switches, fixed for a cluster's life (a new cluster takes new ones). */
  protocol: ProtocolSwitches;
}

/** What a person can switch off or on to see what it does (docs/core.md explains each). */
export interface ProtocolSwitches {
  preVote: boolean;
  checkQuorum: boolean;
  reads: 'read-index' | 'lease';
}

/** Where a node keeps its state: IndexedDB, or memory (chosen up front, for the whole cluster). */
export type StorageMode = 'indexeddb' | 'memory';

/** A log entry as the UI shows it. */
export interface EntryView {
  index: number;
  term: number;
  /** "noop", "SET k v", "DEL k", "CAS k a b", "add n4 as learner" (values shortened for display; full text on demand). */
  label: string;
  clientId?: string;
  /** A membership change (drawn apart from commands and no-ops). */
  config?: true;
}

/** What the leader knows of one peer's log (the protocol-node contract's PeerProgress). */
export type ProgressView = PeerProgress;

/** A node as the page draws it: the protocol's status (core/protocol-node.ts) and more. */
export interface NodeView extends Omit<NodeStatus, 'role'> {
  /** crashed: worker terminated (or failed to start); see `error`. */
  role: Role | 'crashed';
  alive: boolean;
  /** Election timer, for the arc that runs down. */
  electionElapsedTicks: number;
  electionTimeoutTicks: number;
  /** While a (pre-)candidate: who granted (true) or refused (false). */
  votes: { from: NodeId; granted: boolean }[];
  /** Leader only. */
  progress: ProgressView[];
  /** Leader only: the node it is handing leadership to (0 = none); writes wait meanwhile. */
  transferringTo: NodeId;
  /** How fast its clock runs (1 = true time; 1.2 = 20% fast): timers and leases count its ticks. */
  clockRate: number;
  /** Membership as this node knows it (its newest configuration, committed or not). */
  voter: boolean;
  learner: boolean;
  /** The configuration this node acts on, and the committed one (absent while it is down). */
  configuration?: Configuration;
  committedConfiguration?: Configuration;
  /** The first index still in the log, and the last index its snapshot covers (0 = none). */
  firstIndex: number;
  snapshotIndex: number;
  /** The latest snapshot: its last index and term, and its size in characters. */
  snapshot?: { index: number; term: number; bytes: number };
  /** A follower receiving the leader's snapshot: which one, and how far. */
  snapshotReceipt?: { index: number; received: number; total: number };
  /** The last entries of the log (at most LOG_TAIL_ENTRIES); older ones via readLog(). */
  logTail: EntryView[];
  /** The KV contents as applied (bounded: at most KV_VIEW_KEYS keys, sorted). */
  kv: [string, string][];
  kvSize: number;
  /** What is on disk, next to what is only in memory. */
  durable: { term: number; vote: NodeId; commit: number; lastIndex: number; snapshotIndex: number };
  storage: StorageMode;
  /** Why the node is crashed or refused to start (assertion, corrupted record, worker error). */
  error?: string;
}

export const LOG_TAIL_ENTRIES = 200;
export const KV_VIEW_KEYS = 500;

export interface InFlightMessage {
  id: number;
  from: NodeId | string;
  to: NodeId | string;
  type: MessageType;
  term: number;
  /** Wall-clock ms (performance.now()) when sent and when due; the UI animates between them. */
  sentAt: number;
  dueAt: number;
  /** For the inspector: every field of the message except bulky entry payloads. */
  summary: Record<string, unknown>;
  /** A response that refuses (vote not granted, append rejected). */
  rejected: boolean;
}

export type ClusterEvent =
  | { kind: 'sent'; at: number; message: InFlightMessage }
  | { kind: 'delivered'; at: number; id: number }
  | { kind: 'dropped'; at: number; id: number; reason: 'loss' | 'partition' | 'crashed' | 'manual' }
  | { kind: 'role'; at: number; node: NodeId; role: Role | 'crashed'; term: number }
  | { kind: 'commit'; at: number; node: NodeId; commitIndex: number }
  | { kind: 'warning'; at: number; message: string };

export interface ClusterSnapshot {
  config: ClusterConfig;
  nodes: NodeView[];
  inFlight: InFlightMessage[];
  /** cut[from][to] true = messages from `from` to `to` are lost (one-way cuts possible). */
  cut: Record<NodeId, Record<NodeId, boolean>>;
  /** Links with their own delay range (a slow link), overriding config.network.delayMs. */
  linkDelays: { from: NodeId; to: NodeId; delayMs: [number, number] }[];
  paused: boolean;
  /** Storage problems and other conditions the page must show. */
  warnings: string[];
}

import type { ConsoleReply, SubmitOptions } from '../client/types.ts';
export type { ConsoleReply, RequestProgress, SubmitOptions } from '../client/types.ts';

export interface ClusterController {
  snapshot(): ClusterSnapshot;
  /** Events in batches (at most once per animation frame). Returns an unsubscribe function. */
  subscribe(listener: (events: ClusterEvent[]) => void): () => void;

  crash(id: NodeId): void;
  restart(id: NodeId): void;
  /** Deletes the node's database and restarts it empty. Can break safety: the UI warns first. */
  wipe(id: NodeId): void;
  forceTimeout(id: NodeId): void;
  /**
   * The leader hands leadership to `to` (brings it up to date, then TimeoutNow; writes wait
   * meanwhile). Throws with the reason when there is no leader or `to` already leads.
   */
  transferLeadership(to: NodeId): void;
  /**
   * Node `id` snapshots its state machine now and drops the log entries the snapshot covers; the
   * next views show the new snapshotIndex and firstIndex. Throws "nX is down: restart it first"
   * for a node that is not running. The node's own refusal ("cannot compact nX: nothing to
   * compact: ...") is thrown by the in-page cluster and arrives as a `warning` event from a worker.
   */
  compact(id: NodeId): void;
  /**
   * Starts a new, empty node and asks the leader to add it as a learner; the leader promotes it
   * to voter once it has caught up. Returns its id. Throws with the reason (no leader, a change
   * still in progress, the cluster is full, or this engine cannot change membership).
   */
  addNode(): NodeId;
  /** Asks the leader to remove `id` from the cluster; it keeps running outside it. Throws with the reason. */
  removeNode(id: NodeId): void;
  /** Makes one node's clock run fast or slow (MIN_CLOCK_RATE..MAX_CLOCK_RATE; kept across restarts). */
  setClockRate(id: NodeId, rate: number): void;
  isolate(id: NodeId): void;
  rejoin(id: NodeId): void;
  /** Nodes in different groups cannot talk. */
  partition(groups: NodeId[][]): void;
  /** One-way cut (or repair, with cut = false) of from -> to. */
  setLink(from: NodeId, to: NodeId, cut: boolean): void;
  /** Give the link from -> to its own delay range; undefined returns it to the network's range. */
  setLinkDelay(from: NodeId, to: NodeId, delayMs: [number, number] | undefined): void;
  heal(): void;

  setNetwork(settings: Partial<NetworkSettings>): void;
  setSpeed(speed: number): void;
  pause(): void;
  resume(): void;
  /** While paused: deliver the next due message (returns false if none is in flight). */
  step(): boolean;
  deliverNow(messageId: number): void;
  dropMessage(messageId: number): void;

  /**
   * The console's client (its own exactly-once session), through the bus. With `target`, the
   * request goes to that node only and no redirect is followed: the reply says what that node
   * answered, or that it did not answer in time (outcome unknown). "Ask the old leader" in a
   * partition shows that a cut-off leader cannot commit.
   */
  submit(command: KvCommand, options?: SubmitOptions): Promise<ConsoleReply>;
  /** A held request is sent again, same identity (false if it is not held). */
  retryRequest(requestId: number): boolean;
  /** Gives a request up; its promise answers "cancelled" (false if it already finished). */
  cancelRequest(requestId: number): boolean;
  /** Older log entries for the log view. */
  readLog(id: NodeId, fromIndex: number, toIndex: number): Promise<EntryView[]>;

  /** Wipes every node's database and starts a fresh cluster of `nodes`. */
  /** Wipes every node and starts `nodes` fresh ones, with new protocol switches if given. */
  newCluster(nodes: NodeCount, protocol?: Partial<ProtocolSwitches>): Promise<void>;
  dispose(): void;
}
