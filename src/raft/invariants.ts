/**
 * Raft's safety properties, checked as the simulation runs (after every event in tests):
 *  - Election Safety: at most one leader per term.
 *  - Log Matching: two logs with an entry of the same index and term agree on it and on every
 *    entry before it. Checked incrementally: every (index, term) pair must always carry the
 *    same data and follow the same previous term; by induction the prefixes are identical.
 *  - State Machine Safety: no two nodes apply different commands at the same index.
 *  - Leader Completeness: a committed entry is in the log of every later leader (or in the
 *    snapshot it holds: a snapshot covers committed entries only).
 *  - Snapshot Safety: a snapshot covers committed entries only, and two snapshots that end at
 *    the same index hold the same state.
 * A violation is recorded (the first one wins) rather than thrown, so the simulator can report it
 * with the seed that replays it.
 */
import type { InvariantViolation, ProtocolNode, SafetyChecker } from '../core/protocol-node.ts';
import type { Entry, EntryData, NodeId, Ready } from '../core/types.ts';
import { KvNode } from './node.ts';

type RaftInvariant = 'election-safety' | 'log-matching' | 'state-machine-safety' | 'leader-completeness' | 'snapshot-safety';

/** The hosts hand over protocol nodes; these checks read Raft's own state. */
function raftNode(node: ProtocolNode | undefined): KvNode | undefined {
  return node instanceof KvNode ? node : undefined;
}

export class InvariantChecker implements SafetyChecker {
  violation: InvariantViolation | undefined;
  private readonly leaderOfTerm = new Map<number, NodeId>();
  private readonly entryAt = new Map<string, { data: EntryData; prevTerm: number }>();
  private readonly appliedAt: EntryData[] = [];
  /** Committed entries, by index - 1, as the first node to commit them saw them. */
  private readonly committedAt: EntryData[] = [];
  private readonly wasLeaderInTerm = new Map<NodeId, number>();
  /** Checksum of the state each snapshot index holds, as the first snapshot there saw it. */
  private readonly snapshotAt = new Map<number, number>();

  /** When a node hands entries to storage (its log is consistent with them at that moment). */
  onPersist(nodeId: NodeId, protocolNode: ProtocolNode, entries: readonly Entry[], nowMs: number): void {
    const node = raftNode(protocolNode);
    if (node === undefined) return;
    let prevTerm = entries.length > 0 && entries[0]!.index > 1 ? (node.raft.log.termOrUndefined(entries[0]!.index - 1) ?? -1) : 0;
    for (const entry of entries) {
      this.checkLogMatching(nodeId, entry, prevTerm, nowMs);
      prevTerm = entry.term;
    }
  }

  /** After a node applied a Ready's committed entries. */
  onApplied(nodeId: NodeId, protocolNode: ProtocolNode, rd: Ready, nowMs: number): void {
    const node = raftNode(protocolNode);
    if (node === undefined) return;
    for (const entry of rd.committed) this.checkApplied(nodeId, entry, nowMs);
    this.recordCommitted(node);
    const snapshot = node.raft.latestSnapshot();
    if (rd.snapshot !== undefined || (snapshot !== undefined && !this.snapshotAt.has(snapshot.index))) {
      if (snapshot !== undefined) this.checkSnapshot(nodeId, snapshot.index, snapshot.checksum, nowMs);
    }
  }

  private checkSnapshot(nodeId: NodeId, index: number, sum: number, nowMs: number): void {
    if (index > this.committedAt.length) {
      this.fail('snapshot-safety', nowMs, `node ${nodeId} holds a snapshot up to index ${index}, but only ${this.committedAt.length} entries are committed`);
    }
    const seen = this.snapshotAt.get(index);
    if (seen === undefined) this.snapshotAt.set(index, sum);
    else if (seen !== sum) this.fail('snapshot-safety', nowMs, `node ${nodeId}'s snapshot at index ${index} holds a different state than another node's`);
  }

  /** After every simulator event: roles and terms of the running nodes. */
  afterEvent(nodes: readonly { id: NodeId; node: ProtocolNode | undefined }[], nowMs: number): void {
    for (const entry of nodes) {
      const id = entry.id;
      const node = raftNode(entry.node);
      if (node === undefined || node.raft.role !== 'leader') continue;
      const term = node.raft.term;
      const known = this.leaderOfTerm.get(term);
      if (known !== undefined && known !== id) {
        this.fail('election-safety', nowMs, `term ${term} has two leaders: ${known} and ${id}`);
      }
      this.leaderOfTerm.set(term, id);
      if (this.wasLeaderInTerm.get(id) !== term) {
        this.wasLeaderInTerm.set(id, term);
        this.checkLeaderCompleteness(id, node, nowMs);
      }
    }
  }

  private checkLogMatching(nodeId: NodeId, entry: Entry, prevTerm: number, nowMs: number): void {
    const key = `${entry.index}:${entry.term}`;
    const seen = this.entryAt.get(key);
    if (seen === undefined) {
      this.entryAt.set(key, { data: entry.data, prevTerm });
      return;
    }
    if (seen.data !== entry.data && !sameData(seen.data, entry.data)) {
      this.fail('log-matching', nowMs, `node ${nodeId}: entry ${key} carries different data on different nodes`);
    } else if (seen.prevTerm !== prevTerm) {
      this.fail('log-matching', nowMs, `node ${nodeId}: entry ${key} follows term ${prevTerm}, elsewhere term ${seen.prevTerm}`);
    }
  }

  private checkApplied(nodeId: NodeId, entry: Entry, nowMs: number): void {
    const seen = this.appliedAt[entry.index - 1];
    if (seen === undefined) this.appliedAt[entry.index - 1] = entry.data;
    else if (seen !== entry.data && !sameData(seen, entry.data)) {
      this.fail('state-machine-safety', nowMs, `node ${nodeId} applied a different command at index ${entry.index}`);
    }
  }

  private recordCommitted(node: KvNode): void {
    const log = node.raft.log;
    for (let index = this.committedAt.length + 1; index <= node.raft.commitIndex; index++) {
      // Compacted away here: what was applied at that index stands for it (it was committed).
      const data = index >= log.firstIndex() ? log.entry(index).data : this.appliedAt[index - 1];
      if (data === undefined) return; // another node will fill it in
      this.committedAt.push(data);
    }
  }

  private checkLeaderCompleteness(id: NodeId, node: KvNode, nowMs: number): void {
    const log = node.raft.log;
    for (let index = log.firstIndex(); index <= this.committedAt.length; index++) {
      const committed = this.committedAt[index - 1]!;
      const ours = index <= log.lastIndex() ? log.entry(index).data : undefined;
      if (ours === undefined || (ours !== committed && !sameData(ours, committed))) {
        this.fail('leader-completeness', nowMs, `leader ${id} (term ${node.raft.term}) lacks committed entry ${index}`);
        return;
      }
    }
  }

  private fail(invariant: RaftInvariant, timeMs: number, message: string): void {
    this.violation ??= { invariant, timeMs, message };
  }
}

/** Entries are shared by reference inside the simulator; compare by value only when they differ. */
function sameData(a: EntryData, b: EntryData): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
