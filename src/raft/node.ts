/**
 * A KV server node: the Raft protocol, the KV state machine and the client-facing rules.
 *
 * Client rules:
 *  - a follower answers every request with a redirect carrying its leader hint;
 *  - a write is validated, deduplicated by session (client id + seq) and proposed; the reply
 *    goes out when this node applies the entry;
 *  - a read (GET, KEYS) goes through ReadIndex and is answered once applied >= read index;
 *  - when leadership is lost, every waiting client is told "retry" (outcome unknown); its retry
 *    carries the same seq, so the write still takes effect exactly once.
 *
 * Follows the same Ready/advance contract as Raft (see raft.ts); advance() also applies the
 * committed entries to the KV store and queues client replies for the next Ready.
 *
 * Snapshots: once `snapshotThresholdEntries` entries were applied since the last snapshot (or on
 * compact()), the KV store and its session table are encoded at the applied index and handed to
 * Raft, which drops the entries they cover. A snapshot installed from the leader replaces the
 * KV store in advance(), before any entry after it is applied.
 */
import { assert } from '../core/assert.ts';
import type { NodeInspection, NodeStatus, ProtocolNode } from '../core/protocol-node.ts';
import type { KvCommand } from '../core/kv-types.ts';
import { KvStore, validateCommand } from '../core/kv.ts';
import { checksum } from '../core/checksum.ts';
import { DEFAULT_RAFT_TUNING, Raft, type RaftConfig } from './raft.ts';
import type { Rng } from '../core/rng.ts';
import type { ClientId, ClientReply, ClientReplyBody, ClientRequest, ConfigChange, DurableState, Entry, Message, NodeId, Ready, Snapshot } from '../core/types.ts';

export type NodeConfig = Pick<RaftConfig, 'id' | 'voters'> &
  Partial<Omit<RaftConfig, 'id' | 'voters'>> & {
    /** Bound on writes proposed by this leader and not yet applied. */
    maxPendingWrites?: number;
  };

export type { NodeStatus };

interface PendingWrite {
  seq: number;
  index: number;
  term: number;
}

interface PendingRead {
  clientId: ClientId;
  seq: number;
  command: KvCommand & { op: 'get' | 'keys' };
}

/** A Raft KV server: a ProtocolNode (see core/protocol-node.ts). */
export class KvNode implements ProtocolNode {
  readonly raft: Raft;
  readonly kv: KvStore;
  private readonly maxPendingWrites: number;
  private readonly pendingWrites = new Map<ClientId, PendingWrite>();
  private readonly pendingReads = new Map<number, PendingRead>();
  /** Reads whose leadership check passed, waiting for the state machine to reach `index`. */
  private confirmedReads: { readId: number; index: number }[] = [];
  private nextReadId = 1;
  private replies: ClientReply[] = [];
  private readonly snapshotThresholdEntries: number;

  constructor(config: NodeConfig, durable: DurableState, rng: Rng) {
    const raftConfig: RaftConfig = { ...DEFAULT_RAFT_TUNING, ...config };
    this.kv = new KvStore(undefined, config.bug);
    if (durable.snapshot !== undefined) restoreKv(this.kv, durable.snapshot);
    this.raft = new Raft(raftConfig, durable, rng);
    this.maxPendingWrites = config.maxPendingWrites ?? 1024;
    this.snapshotThresholdEntries = raftConfig.snapshotThresholdEntries;
  }

  get id(): NodeId {
    return this.raft.id;
  }

  tick(): void {
    this.raft.tick();
  }

  step(m: Message): void {
    if (m.type === 'ClientRequest') this.handleClientRequest(m);
    else if (m.type === 'ClientReply') assert(false, `node ${this.id} received a client reply`);
    else this.raft.step(m);
  }

  ready(): Ready | undefined {
    this.collectReadOutcomes();
    if (this.raft.role !== 'leader' && this.pendingWrites.size > 0) this.abandonPendingWrites();
    const rd = this.raft.ready();
    if (this.replies.length === 0) return rd;
    const replies = this.replies;
    this.replies = [];
    if (rd === undefined) return { entries: [], messages: replies, committed: [] };
    rd.messages.push(...replies);
    return rd;
  }

  advance(rd: Ready): void {
    if (rd.snapshot?.from === 'leader') restoreKv(this.kv, rd.snapshot.snapshot);
    for (const entry of rd.committed) this.applyEntry(entry);
    this.raft.advance(rd);
    const threshold = this.snapshotThresholdEntries;
    if (threshold > 0 && this.kv.appliedIndex - this.raft.log.snapshotIndex() >= threshold) this.compact();
    this.collectReadOutcomes();
  }

  /** Snapshots the KV store at the applied index; the log keeps only what follows. */
  compact(): string | undefined {
    const index = this.kv.appliedIndex;
    if (index <= this.raft.log.snapshotIndex()) return `nothing to compact: no entry was applied since the snapshot at ${this.raft.log.snapshotIndex()}`;
    if (this.raft.bug === 'snapshot-uncommitted' && this.compactUncommitted()) return undefined;
    const data = this.kv.encode();
    this.raft.compactTo({ index, term: this.raft.log.term(index), data, checksum: checksum(data) });
    return undefined;
  }

  /**
   * TEST-ONLY bug snapshot-uncommitted: the snapshot ends at the end of the log (as far as it was
   * handed to storage) instead of the applied index: the entries after the applied index, not
   * committed yet, are applied to a copy of the store and the copy is snapshotted. The node then
   * runs on the state its snapshot claims. Returns false (the correct path runs) when there is
   * nothing uncommitted to include, or committed entries are still on their way to the store
   * (in a Ready not yet advanced, or the next one): they would be applied twice.
   */
  private compactUncommitted(): boolean {
    const index = this.raft.log.firstUnstable() - 1;
    const settled = this.kv.appliedIndex === this.raft.appliedIndex && this.raft.appliedIndex === this.raft.commitIndex;
    if (index <= this.kv.appliedIndex || !settled) return false;
    const copy = new KvStore(undefined, this.raft.bug);
    copy.restore(this.kv.encode());
    for (const entry of this.raft.log.slice(this.kv.appliedIndex + 1, index)) copy.apply(entry);
    const data = copy.encode();
    this.kv.restore(data);
    this.raft.compactTo({ index, term: this.raft.log.term(index), data, checksum: checksum(data) });
    return true;
  }

  status(): NodeStatus {
    const r = this.raft;
    return {
      id: r.id, role: r.role, term: r.term, vote: r.vote, leaderId: r.leaderId,
      commitIndex: r.commitIndex, appliedIndex: this.kv.appliedIndex, lastIndex: r.log.lastIndex(),
      firstIndex: r.log.firstIndex(), snapshotIndex: r.log.snapshotIndex(),
      voter: r.isVoter(), learner: r.configuration().learners.includes(r.id),
    };
  }

  /** A membership change, through the leader (see Raft.proposeConfigChange); returns why not. */
  proposeConfigChange(change: ConfigChange): string | undefined {
    return this.raft.proposeConfigChange(change);
  }

  /** Hands leadership to `to` (see Raft.transferLeadership); returns why not, or undefined. */
  transferLeadership(to: NodeId): string | undefined {
    return this.raft.transferLeadership(to);
  }

  inspect(): NodeInspection {
    const r = this.raft;
    const snapshot = r.latestSnapshot();
    const sendingSize = snapshot?.data.length ?? 0;
    const inspection: NodeInspection = {
      ...this.status(),
      transferringTo: r.transferTarget(),
      electionTimer: r.electionTimerTicks(),
      votes: r.votesReceived(),
      progress: [...r.progress].map(([peer, pr]) => pr.state === 'snapshot'
        ? { peer, matchIndex: pr.matchIndex, nextIndex: pr.nextIndex, state: pr.state, inflight: pr.snapshotChunkInFlight >= 0 ? 1 : 0,
          snapshot: { index: pr.pendingSnapshot, received: pr.snapshotOffset, total: sendingSize } }
        : { peer, matchIndex: pr.matchIndex, nextIndex: pr.nextIndex, state: pr.state, inflight: pr.inflightCount() }),
      data: this.kv.data,
      configuration: r.configuration(),
      committedConfiguration: r.committedConfiguration(),
    };
    if (snapshot !== undefined) inspection.snapshot = { index: snapshot.index, term: snapshot.term, bytes: snapshot.data.length };
    const receipt = r.snapshotReceipt();
    if (receipt !== undefined) inspection.snapshotReceipt = receipt;
    return inspection;
  }

  entries(fromIndex: number, toIndex: number): Entry[] {
    const from = Math.max(this.raft.log.firstIndex(), Math.floor(fromIndex));
    const to = Math.min(this.raft.log.lastIndex(), Math.floor(toIndex));
    return from > to ? [] : this.raft.log.slice(from, to);
  }

  forceTimeout(): void {
    this.raft.forceElectionTimeout();
  }

  private handleClientRequest(m: ClientRequest): void {
    const error = validateCommand(m.command);
    if (error !== undefined) return this.reply(m, { kind: 'error', error });
    if (this.raft.role !== 'leader') return this.reply(m, { kind: 'redirect', leaderHint: this.raft.leaderId });
    const command = m.command;
    if (command.op === 'get' || command.op === 'keys') return this.handleRead(m, command);
    const heir = this.raft.transferTarget();
    if (heir !== 0) {
      // etcd drops proposals during a transfer; we say so, and the client retries the same seq.
      return this.reply(m, { kind: 'retry', reason: `leadership is moving to n${heir}; writes wait for the new leader` });
    }
    const cached = this.kv.cachedResult(m.from, m.seq);
    if (cached !== undefined) return this.reply(m, { kind: 'result', result: cached, index: this.kv.appliedIndex });
    if (this.kv.isStale(m.from, m.seq)) {
      return this.reply(m, { kind: 'error', error: { code: 'stale-request', message: `request ${m.seq} was superseded by a later one` } });
    }
    const pending = this.pendingWrites.get(m.from);
    if (pending !== undefined && pending.seq === m.seq && pending.term === this.raft.term) return; // already in our log
    if (this.pendingWrites.size >= this.maxPendingWrites) return this.reply(m, { kind: 'retry', reason: 'leader overloaded' });
    const index = this.raft.propose({ type: 'command', clientId: m.from, seq: m.seq, command });
    this.pendingWrites.set(m.from, { seq: m.seq, index, term: this.raft.term });
  }

  private handleRead(m: ClientRequest, command: KvCommand & { op: 'get' | 'keys' }): void {
    if (this.raft.bug === 'stale-read') {
      // TEST-ONLY bug: answer from local state without checking we are still the leader.
      return this.reply(m, { kind: 'result', result: this.kv.read(command), index: this.kv.appliedIndex });
    }
    if (this.raft.reads.isFull()) return this.reply(m, { kind: 'retry', reason: 'too many reads in flight' });
    const readId = this.nextReadId++;
    this.pendingReads.set(readId, { clientId: m.from, seq: m.seq, command });
    this.raft.requestRead(readId);
  }

  private applyEntry(entry: Entry): void {
    const result = this.kv.apply(entry);
    if (entry.data.type !== 'command') return;
    const { clientId, seq } = entry.data;
    const pending = this.pendingWrites.get(clientId);
    if (pending === undefined) return;
    if (pending.seq === seq && result !== undefined) {
      this.pendingWrites.delete(clientId);
      this.replies.push({ type: 'ClientReply', from: this.id, to: clientId, seq, body: { kind: 'result', result, index: entry.index } });
    } else if (pending.index === entry.index) {
      // Our proposal at this index was overwritten by another leader's entry.
      this.pendingWrites.delete(clientId);
      this.replies.push({ type: 'ClientReply', from: this.id, to: clientId, seq: pending.seq, body: { kind: 'retry', reason: 'entry overwritten' } });
    }
  }

  /** Moves ReadIndex outcomes from Raft into replies, serving reads the state machine has reached. */
  private collectReadOutcomes(): void {
    const reads = this.raft.reads;
    if (reads.failed.length > 0) {
      for (const readId of reads.failed) this.answerRead(readId, { kind: 'retry', reason: 'leadership lost during read' });
      reads.failed = [];
    }
    if (reads.confirmed.length > 0) {
      this.confirmedReads.push(...reads.confirmed);
      reads.confirmed = [];
    }
    if (this.confirmedReads.length === 0) return;
    const applied = this.kv.appliedIndex;
    const waiting: { readId: number; index: number }[] = [];
    for (const read of this.confirmedReads) {
      if (read.index > applied) {
        waiting.push(read);
        continue;
      }
      const pending = this.pendingReads.get(read.readId);
      if (pending !== undefined) this.answerRead(read.readId, { kind: 'result', result: this.kv.read(pending.command), index: read.index });
    }
    this.confirmedReads = waiting;
  }

  private answerRead(readId: number, body: ClientReplyBody): void {
    const read = this.pendingReads.get(readId);
    assert(read !== undefined, `unknown read ${readId}`);
    this.pendingReads.delete(readId);
    this.replies.push({ type: 'ClientReply', from: this.id, to: read.clientId, seq: read.seq, body });
  }

  private abandonPendingWrites(): void {
    for (const [clientId, pending] of this.pendingWrites) {
      this.replies.push({ type: 'ClientReply', from: this.id, to: clientId, seq: pending.seq, body: { kind: 'retry', reason: 'leadership lost' } });
    }
    this.pendingWrites.clear();
  }

  private reply(m: ClientRequest, body: ClientReplyBody): void {
    this.replies.push({ type: 'ClientReply', from: this.id, to: m.from, seq: m.seq, body });
  }
}

/** Rebuilds the KV store from a snapshot, or stops the node with why the snapshot is unusable. */
function restoreKv(kv: KvStore, snapshot: Snapshot): void {
  const sum = checksum(snapshot.data);
  assert(sum === snapshot.checksum, `the snapshot at index ${snapshot.index} is damaged (checksum ${hex(sum)}, expected ${hex(snapshot.checksum)}): it was truncated or corrupted on disk`);
  try {
    kv.restore(snapshot.data);
  } catch (e) {
    assert(false, `the snapshot at index ${snapshot.index} cannot be read: ${(e as Error).message}`);
  }
  assert(kv.appliedIndex === snapshot.index, `the snapshot at index ${snapshot.index} holds the state at index ${kv.appliedIndex}`);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
