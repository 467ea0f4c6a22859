/**
 * The benchmark's ceiling: a protocol node (the same contract as Raft's KvNode, so the same
 * worker, node loop, bus and storage, and the same Simulation, run it) doing only what any
 * replicated log must do on this design, with no consensus logic at all.
 *
 * Node `leaderId` (the lowest id) is the leader for ever. It appends each client write to the
 * next batch; the node loop group-commits the batch (one transaction, the same record shape as
 * Raft: entries plus the hard state) while the leader's copy of the batch goes to every follower
 * at once (Ready.unpromised: an append promises nothing, so it may leave before the leader's own
 * write is durable). A follower group-commits what it received, then acknowledges (after its
 * write: an acknowledgement promises durability). The leader answers a client once a majority
 * (itself included) has the write durable. No terms, votes, log matching, heartbeats, read
 * confirmation or retransmission: the messages relay, the disks write.
 */
import { assert } from './assert.ts';
import type { KvResult } from './kv-types.ts';
import type { NodeInspection, NodeStatus, Protocol, ProtocolNode } from './protocol-node.ts';
import type { AppendEntries, AppendEntriesResp, ClientReply, ClientRequest, Entry, Message, NodeId, Ready } from './types.ts';

const TERM = 1;
/** Bound on writes waiting for a majority; beyond it the leader asks clients to retry. */
const MAX_WAITING = 4096;
/** Entries kept for views and readLog. */
const TAIL = 50;
const NO_DATA: ReadonlyMap<string, string> = new Map();

export class LimitNode implements ProtocolNode {
  private readonly leaderId: NodeId;
  private readonly peers: NodeId[];
  private lastIndex = 0;
  private durableIndex = 0;
  private commitIndex = 0;
  /** Entries received since the last Ready (the next group commit). */
  private unpersisted: Entry[] = [];
  /** Messages for the next Ready (replies, acknowledgements). */
  private outbox: Message[] = [];
  private readonly match = new Map<NodeId, number>();
  /** Leader: writes waiting for a majority, in index order. */
  private waiting: { index: number; clientId: string; seq: number; result: KvResult }[] = [];
  private tail: Entry[] = [];

  constructor(
    private readonly id: NodeId,
    voters: readonly NodeId[],
  ) {
    assert(voters.includes(id), `node ${id} is not among the voters`);
    this.leaderId = Math.min(...voters);
    this.peers = voters.filter((v) => v !== id);
  }

  tick(): void {}

  forceTimeout(): void {}

  step(m: Message): void {
    if (m.type === 'ClientRequest') this.onClientRequest(m);
    else if (m.type === 'AppendEntries') this.onAppend(m);
    else if (m.type === 'AppendEntriesResp') this.onAck(m);
  }

  ready(): Ready | undefined {
    if (this.unpersisted.length === 0 && this.outbox.length === 0) return undefined;
    const entries = this.unpersisted;
    const messages = this.outbox;
    this.unpersisted = [];
    this.outbox = [];
    if (entries.length === 0) return { entries, messages, committed: [] };
    const unpromised = this.isLeader()
      ? this.peers.map((to): AppendEntries => ({
        type: 'AppendEntries', from: this.id, to, term: TERM, prevLogIndex: entries[0]!.index - 1, prevLogTerm: TERM, entries, commit: this.commitIndex,
      }))
      : [];
    return { hardState: { term: TERM, vote: this.leaderId, commit: this.commitIndex }, entries, messages, unpromised, committed: [] };
  }

  /** The batch is durable: the leader may now count itself; a follower acknowledges. */
  advance(rd: Ready): void {
    const last = rd.entries[rd.entries.length - 1];
    if (last === undefined) return;
    this.durableIndex = last.index;
    this.tail = [...this.tail, ...rd.entries].slice(-TAIL);
    if (this.isLeader()) return this.maybeCommit();
    const ack: AppendEntriesResp = {
      type: 'AppendEntriesResp', from: this.id, to: this.leaderId, term: TERM, success: true, matchIndex: this.durableIndex,
      rejectedIndex: 0, conflictTerm: 0, conflictIndex: 0,
    };
    this.outbox.push(ack);
  }

  status(): NodeStatus {
    return {
      id: this.id, role: this.isLeader() ? 'leader' : 'follower', term: TERM, vote: this.leaderId, leaderId: this.leaderId,
      commitIndex: this.commitIndex, appliedIndex: this.commitIndex, lastIndex: this.lastIndex,
    };
  }

  inspect(): NodeInspection {
    return { ...this.status(), electionTimer: { elapsed: 0, timeout: 0 }, votes: [], progress: [], data: NO_DATA };
  }

  /** Only the last TAIL entries are kept: the ceiling keeps no log in memory. */
  entries(fromIndex: number, toIndex: number): Entry[] {
    return this.tail.filter((e) => e.index >= fromIndex && e.index <= toIndex);
  }

  private isLeader(): boolean {
    return this.id === this.leaderId;
  }

  private onClientRequest(m: ClientRequest): void {
    const reply = (body: ClientReply['body']): void => void this.outbox.push({ type: 'ClientReply', from: this.id, to: m.from, seq: m.seq, body });
    if (!this.isLeader()) return reply({ kind: 'redirect', leaderHint: this.leaderId });
    const c = m.command;
    if (c.op === 'get' || c.op === 'keys') return reply({ kind: 'retry', reason: 'the limit benchmark serves writes only' });
    if (this.waiting.length >= MAX_WAITING) return reply({ kind: 'retry', reason: 'leader overloaded' });
    const entry: Entry = { index: ++this.lastIndex, term: TERM, data: { type: 'command', clientId: m.from, seq: m.seq, command: c } };
    this.unpersisted.push(entry);
    const result: KvResult = c.op === 'set' ? { op: 'set', ok: true } : c.op === 'del' ? { op: 'del', ok: true, value: null } : { op: 'cas', ok: true, value: null };
    this.waiting.push({ index: entry.index, clientId: m.from, seq: m.seq, result });
  }

  private onAppend(m: AppendEntries): void {
    for (const entry of m.entries) {
      if (entry.index !== this.lastIndex + 1) continue; // a duplicate (the bus may duplicate)
      this.unpersisted.push(entry);
      this.lastIndex = entry.index;
    }
    this.commitIndex = Math.max(this.commitIndex, Math.min(m.commit, this.durableIndex));
  }

  private onAck(m: AppendEntriesResp): void {
    if (!this.isLeader()) return;
    this.match.set(m.from, Math.max(this.match.get(m.from) ?? 0, m.matchIndex));
    this.maybeCommit();
  }

  private maybeCommit(): void {
    const acks = [this.durableIndex, ...this.peers.map((p) => this.match.get(p) ?? 0)].sort((a, b) => b - a);
    const majority = acks[Math.floor(acks.length / 2)]!;
    if (majority <= this.commitIndex) return;
    this.commitIndex = majority;
    let answered = 0;
    for (const w of this.waiting) {
      if (w.index > majority) break;
      this.outbox.push({ type: 'ClientReply', from: this.id, to: w.clientId, seq: w.seq, body: { kind: 'result', result: w.result, index: w.index } });
      answered++;
    }
    this.waiting.splice(0, answered);
  }
}

/** The relay as a Protocol: no state survives a restart, and Raft's safety checks do not apply. */
export const limitProtocol: Protocol = {
  system: 'limit',
  start: ({ id, nodeIds }) => new LimitNode(id, nodeIds),
};
