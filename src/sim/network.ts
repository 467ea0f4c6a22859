/**
 * The simulated network between nodes: per-message delay drawn from a range (which also reorders),
 * drop and duplicate rates, and the link model (links.ts) for partitions (one-way cuts allowed).
 * The Simulation isolates nodes without cutting clients: they can always reach a running node, so
 * a client stuck on a minority node times out and tries another, as a real client would.
 */
import { messageSizeBytes } from '../raft/index.ts';
import type { Message, MessageType, NodeId } from '../core/types.ts';
import type { SeededRng } from '../core/rng.ts';
import { Links, validateNetwork } from './links.ts';

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
  private readonly linkModel: Links;

  constructor(
    private readonly rng: SeededRng,
    nodeIds: readonly NodeId[],
    options: Partial<NetworkOptions> = {},
  ) {
    this.options = { ...DEFAULT_NETWORK, ...options };
    validateNetwork(this.options, true);
    this.linkModel = new Links(nodeIds, true);
  }

  setOptions(options: Partial<NetworkOptions>): void {
    const next = { ...this.options, ...options };
    validateNetwork(next, true);
    this.options = next;
  }

  /** Who reaches whom: the one link model, shared with the page's bus (links.ts). */
  get links(): Links {
    return this.linkModel;
  }

  canReach(from: NodeId | string, to: NodeId | string): boolean {
    return this.linkModel.canReach(from, to);
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
    const [min, max] = this.linkModel.linkDelay(m.from, m.to) ?? this.options.delayMs;
    const delays = [this.rng.int(min, max)];
    if (this.rng.chance(this.options.duplicateRate)) {
      this.stats.messagesDuplicated++;
      delays.push(this.rng.int(min, max));
    }
    return delays;
  }
}
