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
import type { Entry, Message, NodeId, Ready, Role } from './types.ts';

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
}

/** What the leader knows of one peer's log (etcd's Progress). */
export interface PeerProgress {
  peer: NodeId;
  matchIndex: number;
  nextIndex: number;
  state: 'probe' | 'replicate';
  inflight: number;
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
}
