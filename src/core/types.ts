/**
 * Everything the core exchanges with the outside world. All plain data: safe to structured-clone
 * into and out of a Web Worker, safe to JSON-serialise into a trace.
 */
import type { KvCommand, KvError, KvResult } from './kv-types.ts';

/** Nodes are numbered from 1. */
export type NodeId = number;
/** Clients are named ("c1", "console"). */
export type ClientId = string;

/** What a log entry carries. A new leader appends a noop to commit entries of earlier terms. */
export type EntryData =
  | { type: 'noop' }
  | { type: 'command'; clientId: ClientId; seq: number; command: KvCommand };

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

/** What a node reads back from its storage when it starts. */
export interface DurableState {
  hardState: HardState;
  /** The whole log, contiguous from index 1. */
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

export type RaftMessage =
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
