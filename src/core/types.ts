/**
 * Everything the core exchanges with the outside world. All plain data: safe to structured-clone
 * into and out of a Web Worker, safe to JSON-serialise into a trace.
 */
import type { KvCommand, KvError, KvResult } from './kv-types.ts';

/** Nodes are numbered from 1. */
export type NodeId = number;
/** Clients are named ("c1", "console"). */
export type ClientId = string;

/**
 * Who is in the cluster. Voters elect leaders and make up every quorum; learners receive the
 * log but never vote or count toward a quorum (a new node catches up as one before it votes).
 */
export interface Configuration {
  voters: NodeId[];
  learners: NodeId[];
}

/** One membership change: add a node as a learner, promote a learner to voter, or remove a node. */
export interface ConfigChange {
  op: 'add-learner' | 'promote' | 'remove';
  node: NodeId;
}

/**
 * What a log entry carries. A new leader appends a noop to commit entries of earlier terms. A
 * config entry carries the whole configuration after its change, which takes effect on each node
 * as soon as the entry is in its log (committed or not), as in Raft's single-server changes.
 */
export type EntryData =
  | { type: 'noop' }
  | { type: 'command'; clientId: ClientId; seq: number; command: KvCommand }
  | { type: 'config'; config: Configuration; change: ConfigChange };

/** Log indexes start at 1; index 0 means "none" and has term 0. */
export interface Entry {
  index: number;
  term: number;
  data: EntryData;
}

/** The state that must be durable before any message that depends on it is sent. */
export interface HardState {
  term: number;
  /** 0 when the node has not voted in `term`. */
  vote: NodeId;
  commit: number;
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: 0, commit: 0 });

/**
 * The state machine as of log index `index` (term `term`): everything the entries up to it did.
 * A node that has one keeps only the log entries after it. `data` is the protocol node's own
 * encoding (Raft carries it as opaque text); `checksum` (core/checksum.ts) lets a loader tell a
 * truncated or corrupted record from a good one.
 */
export interface Snapshot {
  index: number;
  term: number;
  data: string;
  checksum: number;
  /** The configuration as of `index` (Raft's own; the config entries it covers are gone). */
  config?: Configuration;
}

/**
 * A snapshot to make durable, and why: `compaction` is this node's own (the log keeps the entries
 * after it), `leader` was sent by the leader to replace a log that lacks what it covers (the
 * whole log goes).
 */
export interface SnapshotWrite {
  snapshot: Snapshot;
  from: 'compaction' | 'leader';
}

/** What a node reads back from its storage when it starts. */
export interface DurableState {
  hardState: HardState;
  /** Absent until the node first compacts or installs one. */
  snapshot?: Snapshot;
  /** The log after the snapshot: contiguous from snapshot.index + 1 (from 1 without one). */
  entries: Entry[];
}

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

// ---- Messages between nodes -------------------------------------------------------------------

interface Envelope {
  from: NodeId;
  to: NodeId;
  term: number;
}

/** PreVote asks "would you vote for me in term+1?" without anyone changing term. */
export interface VoteRequest extends Envelope {
  type: 'PreVote' | 'RequestVote';
  lastLogIndex: number;
  lastLogTerm: number;
  /** Set when the leader handed over leadership (TimeoutNow): voters answer even within a leader's lease. */
  transfer?: boolean;
}

export interface VoteResponse extends Envelope {
  type: 'PreVoteResp' | 'RequestVoteResp';
  granted: boolean;
}

export interface AppendEntries extends Envelope {
  type: 'AppendEntries';
  prevLogIndex: number;
  prevLogTerm: number;
  entries: Entry[];
  commit: number;
}

export interface AppendEntriesResp extends Envelope {
  type: 'AppendEntriesResp';
  success: boolean;
  /** On success: the index of the last entry now known to match the leader's. */
  matchIndex: number;
  /** Echo of the request's prevLogIndex, so the leader can ignore stale rejections. */
  rejectedIndex: number;
  /** On rejection: the follower's term at rejectedIndex (0 if it has no entry there). */
  conflictTerm: number;
  /** On rejection: the first index the leader should try next (fast back-tracking hint). */
  conflictIndex: number;
}

/** Heartbeats carry a commit index the follower is known to have, and a read context. */
export interface Heartbeat extends Envelope {
  type: 'Heartbeat';
  commit: number;
  /** ReadIndex round: the highest read request the leader wants confirmed (0 = none). */
  readContext: number;
  /** Lease reads only: the leader's tick count when it sent this (echoed back). */
  lease?: number;
}

export interface HeartbeatResp extends Envelope {
  type: 'HeartbeatResp';
  readContext: number;
  /** The follower's last log index: below the leader's matchIndex only if it lost its disk. */
  lastIndex: number;
  /** Lease reads only: the heartbeat's `lease`, echoed. */
  lease?: number;
}

/** Leader transfer: the leader tells an up-to-date follower to start an election at once. */
export interface TimeoutNow extends Envelope {
  type: 'TimeoutNow';
}

/**
 * One chunk of the leader's snapshot, for a follower whose next entry the leader has compacted
 * away. Chunks go one at a time, in order; the follower answers each with how much it holds.
 */
export interface InstallSnapshot extends Envelope {
  type: 'InstallSnapshot';
  snapshotIndex: number;
  snapshotTerm: number;
  /** Where `chunk` starts in the snapshot's data (characters). */
  offset: number;
  chunk: string;
  /** The whole snapshot's data length and checksum, so the follower knows when it is complete and whole. */
  totalLength: number;
  checksum: number;
  /** The configuration as of snapshotIndex, installed with the snapshot. */
  config?: Configuration;
}

export interface InstallSnapshotResp extends Envelope {
  type: 'InstallSnapshotResp';
  snapshotIndex: number;
  /** Echo of the chunk's offset: the leader ignores answers to chunks it no longer waits for. */
  offset: number;
  /** How much of the snapshot's data the follower holds now: where the next chunk starts. */
  received: number;
  /** Non-zero once the follower's log matches the leader's up to here (installed, or it had it). */
  matchIndex: number;
}

export type RaftMessage =
  | InstallSnapshot
  | InstallSnapshotResp
  | TimeoutNow
  | VoteRequest
  | VoteResponse
  | AppendEntries
  | AppendEntriesResp
  | Heartbeat
  | HeartbeatResp;

// ---- Messages between clients and nodes -------------------------------------------------------

export interface ClientRequest {
  type: 'ClientRequest';
  from: ClientId;
  to: NodeId;
  /** Client session sequence number: a retry carries the same seq and is applied at most once. */
  seq: number;
  command: KvCommand;
}

export type ClientReplyBody =
  | { kind: 'result'; result: KvResult; index: number }
  /** This node is not the leader; try `leaderHint` (0 = unknown). */
  | { kind: 'redirect'; leaderHint: NodeId }
  /** Bad request: retrying will not help. */
  | { kind: 'error'; error: KvError }
  /** The leader lost its leadership before answering; the outcome is unknown, retry. */
  | { kind: 'retry'; reason: string };

export interface ClientReply {
  type: 'ClientReply';
  from: NodeId;
  to: ClientId;
  seq: number;
  body: ClientReplyBody;
}

export type ClientMessage = ClientRequest | ClientReply;

export type Message = RaftMessage | ClientMessage;
export type MessageType = Message['type'];

// ---- The Ready batch ---------------------------------------------------------------------------

/**
 * What the node needs done, in this order: persist `hardState` and `entries` (durably),
 * then send `messages`, then apply `committed` (the core applies them itself in advance()),
 * then call advance(ready).
 */
export interface Ready {
  /** Present when it changed since the last Ready. */
  hardState?: HardState;
  /**
   * A snapshot to make durable with this batch, in the same atomic write as `entries` and
   * `hardState`. From the leader, the host's state machine is rebuilt from it (in advance()).
   */
  snapshot?: SnapshotWrite;
  /** Entries to append; storage truncates its log from entries[0].index before appending. */
  entries: Entry[];
  messages: Message[];
  /**
   * Messages that promise nothing (a leader's appends: it counts itself only once its own write is
   * durable), so the host may send them before persisting this batch, in parallel with the write,
   * as etcd's leader does. Optional; Raft does not use it yet.
   */
  unpromised?: Message[];
  /** Committed entries not yet applied, in index order. */
  committed: Entry[];
}
