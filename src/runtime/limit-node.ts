/**
 * The benchmark's ceiling: the same worker, bus and storage as a Raft node, doing only what any
 * replicated log must do on this design, with no consensus logic at all.
 *
 * Node `leaderId` (the lowest id) is the leader for ever. It appends each client write to a batch;
 * when no write is in progress it group-commits the batch to IndexedDB (one transaction, the same
 * record shape as Raft: entries plus the hard state) and, at the same time, sends the batch to
 * every follower through the bus. A follower group-commits what it received, then acknowledges.
 * The leader answers a client once a majority (itself included) has the write durable. No terms, votes, log
 * matching, heartbeats, read confirmation or retransmission: the messages relay, the disks write.
 */
import { assert } from '../core/assert.ts';
import type { KvResult } from '../core/kv-types.ts';
import type { StorageBatch } from '../core/storage.ts';
import type { AppendEntries, AppendEntriesResp, ClientReply, ClientRequest, Entry, Message, NodeId } from '../core/types.ts';
import type { EntryView, NodeView } from './cluster-api.ts';
import type { DurableStorage } from './durable-storage.ts';
import { entryView } from './message-view.ts';
import type { NodeRunner, RunnerIo } from './node-runner.ts';
import { emptyView } from './node-view.ts';

const TERM = 1;
/** Bound on writes waiting for a majority; beyond it the leader asks clients to retry. */
const MAX_WAITING = 4096;
/** Entries kept for the view's log tail. */
const TAIL = 50;

export class LimitNode implements NodeRunner {
  private readonly leaderId: NodeId;
  private readonly peers: NodeId[];
  private lastIndex = 0;
  private durableIndex = 0;
  private commitIndex = 0;
  private unpersisted: Entry[] = [];
  private persisting = false;
  private readonly match = new Map<NodeId, number>();
  /** Leader: writes waiting for a majority, in index order. */
  private waiting: { index: number; clientId: string; seq: number; result: KvResult }[] = [];
  private tail: Entry[] = [];
  private stopped = false;

  constructor(
    private readonly id: NodeId,
    voters: NodeId[],
    private readonly storage: DurableStorage,
    private readonly io: RunnerIo,
  ) {
    this.leaderId = Math.min(...voters);
    this.peers = voters.filter((v) => v !== id);
  }

  deliver(messages: Message[]): void {
    const replies: ClientReply[] = [];
    for (const m of messages) {
      if (m.type === 'ClientRequest') this.onClientRequest(m, replies);
      else if (m.type === 'AppendEntries') this.onAppend(m);
      else if (m.type === 'AppendEntriesResp') this.onAck(m, replies);
    }
    if (replies.length > 0) this.io.send(replies);
    this.flush();
  }

  tick(): void {}
  forceTimeout(): void {}

  roleKey(): string {
    return `${this.isLeader() ? 'leader' : 'follower'}:${this.storage.mode}`;
  }

  readLog(fromIndex: number, toIndex: number): EntryView[] {
    return this.tail.filter((e) => e.index >= fromIndex && e.index <= toIndex).map(entryView);
  }

  stop(): void {
    this.stopped = true;
  }

  view(): NodeView {
    const durable = this.storage.durable();
    return {
      ...emptyView(this.id, 0),
      role: this.isLeader() ? 'leader' : 'follower', alive: true, term: TERM, vote: this.leaderId, leaderId: this.leaderId,
      commitIndex: this.commitIndex, appliedIndex: this.commitIndex, lastIndex: this.lastIndex,
      logTail: this.tail.map(entryView),
      durable: { term: durable.hardState.term, vote: durable.hardState.vote, commit: durable.hardState.commit, lastIndex: durable.lastIndex },
      storage: this.storage.mode,
    };
  }

  private isLeader(): boolean {
    return this.id === this.leaderId;
  }

  private onClientRequest(m: ClientRequest, replies: ClientReply[]): void {
    const reply = (body: ClientReply['body']): void => void replies.push({ type: 'ClientReply', from: this.id, to: m.from, seq: m.seq, body });
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

  private onAck(m: AppendEntriesResp, replies: ClientReply[]): void {
    if (!this.isLeader()) return;
    this.match.set(m.from, Math.max(this.match.get(m.from) ?? 0, m.matchIndex));
    this.maybeCommit(replies);
  }

  private maybeCommit(replies: ClientReply[]): void {
    const acks = [this.durableIndex, ...this.peers.map((p) => this.match.get(p) ?? 0)].sort((a, b) => b - a);
    const majority = acks[Math.floor(acks.length / 2)]!;
    if (majority <= this.commitIndex) return;
    this.commitIndex = majority;
    let answered = 0;
    for (const w of this.waiting) {
      if (w.index > majority) break;
      replies.push({ type: 'ClientReply', from: this.id, to: w.clientId, seq: w.seq, body: { kind: 'result', result: w.result, index: w.index } });
      answered++;
    }
    this.waiting.splice(0, answered);
  }

  /**
   * Group commit: everything received since the last write, in one transaction. The leader sends
   * the batch to its followers at once, in parallel with its own write (the fastest arrangement
   * of these parts: Raft's node loop writes first, then sends), so this is a ceiling, not a twin.
   */
  private flush(): void {
    if (this.persisting || this.unpersisted.length === 0 || this.stopped) return;
    const entries = this.unpersisted;
    this.unpersisted = [];
    const batch: StorageBatch = { hardState: { term: TERM, vote: this.leaderId, commit: this.commitIndex }, entries };
    this.persisting = true;
    if (this.isLeader()) {
      this.io.send(this.peers.map((to): AppendEntries => ({
        type: 'AppendEntries', from: this.id, to, term: TERM, prevLogIndex: entries[0]!.index - 1, prevLogTerm: TERM, entries, commit: this.commitIndex,
      })));
    }
    this.storage.save(batch).then(
      () => this.io.guard(() => this.persisted(entries)),
      (e: unknown) => this.io.fatal(e),
    );
  }

  private persisted(entries: Entry[]): void {
    if (this.stopped) return;
    this.persisting = false;
    const last = entries[entries.length - 1];
    assert(last !== undefined, 'empty batch persisted');
    this.durableIndex = last.index;
    this.tail = [...this.tail, ...entries].slice(-TAIL);
    if (this.isLeader()) {
      const replies: ClientReply[] = [];
      this.maybeCommit(replies);
      if (replies.length > 0) this.io.send(replies);
    } else {
      const ack: AppendEntriesResp = {
        type: 'AppendEntriesResp', from: this.id, to: this.leaderId, term: TERM, success: true, matchIndex: this.durableIndex,
        rejectedIndex: 0, conflictTerm: 0, conflictIndex: 0,
      };
      this.io.send([ack]);
    }
    this.io.changed();
    this.flush();
  }
}
