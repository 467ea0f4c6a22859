/**
 * The simulated network between nodes: per-message delay drawn from a range (which also reorders),
 * drop and duplicate rates, and a link matrix for partitions (one-way cuts allowed). Clients sit
 * outside the partitions: they can always reach a running node, so a client stuck on a minority
 * node times out and tries another, as a real client would.
 */
import { messageSizeBytes } from '../raft/message-size.ts';
import type { Message, MessageType, NodeId } from '../core/types.ts';
import type { SeededRng } from '../core/rng.ts';

export interface NetworkOptions {
  dropRate: number;
  duplicateRate: number;
  /** [min, max] one-way delay in ms, uniform. */
  delayMs: [number, number];
}

export const DEFAULT_NETWORK: NetworkOptions = { dropRate: 0, duplicateRate: 0, delayMs: [1, 5] };

export interface NetworkStats {
  messagesSent: number;
  messagesDelivered: number;
  messagesDropped: number;
  messagesDuplicated: number;
  bytesSent: number;
  /** Messages sent, by type. */
  sentByType: Partial<Record<MessageType, number>>;
  /** AppendEntries refused by a follower (each costs a round trip): gaps from reordering included. */
  appendRejections: number;
  /** Of those, refusals because the follower held a conflicting entry (not just a gap). */
  appendConflicts: number;
}

export class Network {
  options: NetworkOptions;
  readonly stats: NetworkStats = { messagesSent: 0, messagesDelivered: 0, messagesDropped: 0, messagesDuplicated: 0, bytesSent: 0, sentByType: {}, appendRejections: 0, appendConflicts: 0 };
  /** Cut links, as from * 1000 + to. */
  private readonly cut = new Set<number>();

  constructor(
    private readonly rng: SeededRng,
    options: Partial<NetworkOptions> = {},
  ) {
    this.options = { ...DEFAULT_NETWORK, ...options };
    validateNetwork(this.options);
  }

  setOptions(options: Partial<NetworkOptions>): void {
    const next = { ...this.options, ...options };
    validateNetwork(next);
    this.options = next;
  }

  /** Nodes in different groups cannot talk; a node in no group is alone. */
  partition(groups: NodeId[][], allNodes: readonly NodeId[]): void {
    const groupOf = new Map<NodeId, number>();
    groups.forEach((group, g) => group.forEach((id) => groupOf.set(id, g)));
    this.cut.clear();
    for (const a of allNodes) {
      for (const b of allNodes) {
        if (a === b) continue;
        const ga = groupOf.get(a);
        if (ga === undefined || ga !== groupOf.get(b)) this.cut.add(linkKey(a, b));
      }
    }
  }

  isolate(id: NodeId, allNodes: readonly NodeId[]): void {
    for (const other of allNodes) {
      if (other === id) continue;
      this.cut.add(linkKey(id, other));
      this.cut.add(linkKey(other, id));
    }
  }

  /** One-way cut: `from` can no longer reach `to` (the reverse direction is unchanged). */
  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(linkKey(from, to));
  }

  heal(): void {
    this.cut.clear();
  }

  canReach(from: NodeId | string, to: NodeId | string): boolean {
    if (typeof from !== 'number' || typeof to !== 'number') return true;
    return !this.cut.has(linkKey(from, to));
  }

  isPartitioned(): boolean {
    return this.cut.size > 0;
  }

  /**
   * Decides a message's fate: the delays at which copies arrive (none when dropped, two when
   * duplicated). Counts it in the statistics.
   */
  plan(m: Message): number[] {
    this.stats.messagesSent++;
    this.stats.bytesSent += messageSizeBytes(m);
    this.stats.sentByType[m.type] = (this.stats.sentByType[m.type] ?? 0) + 1;
    if (m.type === 'AppendEntriesResp' && !m.success && m.rejectedIndex > 0) {
      this.stats.appendRejections++;
      if (m.conflictTerm > 0) this.stats.appendConflicts++;
    }
    if (!this.canReach(m.from, m.to) || this.rng.chance(this.options.dropRate)) {
      this.stats.messagesDropped++;
      return [];
    }
    const [min, max] = this.options.delayMs;
    const delays = [this.rng.int(min, max)];
    if (this.rng.chance(this.options.duplicateRate)) {
      this.stats.messagesDuplicated++;
      delays.push(this.rng.int(min, max));
    }
    return delays;
  }
}

function linkKey(from: NodeId, to: NodeId): number {
  return from * 1000 + to;
}

function validateNetwork(o: NetworkOptions): void {
  const [min, max] = o.delayMs;
  if (!(o.dropRate >= 0 && o.dropRate <= 1)) throw new RangeError(`dropRate must be in [0, 1], got ${o.dropRate}`);
  if (!(o.duplicateRate >= 0 && o.duplicateRate <= 1)) throw new RangeError(`duplicateRate must be in [0, 1], got ${o.duplicateRate}`);
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0 && max >= min)) {
    throw new RangeError(`delayMs must be whole milliseconds [min, max] with 0 <= min <= max, got [${min}, ${max}]`);
  }
}
