/**
 * What runs inside a node's worker: a protocol node (ProtocolRunner: any ProtocolNode, today the
 * Raft KvNode, driven by the shared NodeLoop exactly as the simulator drives it) or the
 * benchmark's ceiling (LimitNode). The runner knows the node only through the protocol-node
 * contract (core/protocol-node.ts).
 *
 * The node loop persists each Ready batch through Persister and DurableStorage (one IndexedDB
 * transaction) and calls done() only when that transaction has completed: the messages of the
 * batch leave the worker after the state they promise is durable. (A batch that only moves the
 * volatile commit index is not waited for: see persister.ts.)
 */
import type { ProtocolNode } from '../core/protocol-node.ts';
import { NodeLoop } from '../core/node-loop.ts';
import type { Message, NodeId } from '../core/types.ts';
import type { EntryView, NodeView } from './cluster-api.ts';
import type { DurableStorage } from './durable-storage.ts';
import { entryView } from './message-view.ts';
import { KvListing, protocolNodeView } from './node-view.ts';
import { Persister, type PersisterTimers } from './persister.ts';

/** How a runner reaches its host. */
export interface RunnerIo {
  /** Messages leaving this node (one call per Ready batch). */
  send(messages: Message[]): void;
  /** Something the view shows changed (persistence completed, entries applied). */
  changed(): void;
  /** Runs `fn`; an exception crashes the node (shown with its message). */
  guard(fn: () => void): void;
  fatal(error: unknown): void;
}

export interface NodeRunner {
  /** Steps every message, then runs the node loop once (one Ready for the lot: group commit). */
  deliver(messages: Message[]): void;
  tick(): void;
  forceTimeout(): void;
  /** Leader only: hand leadership to `to`; returns why not, or undefined once under way. */
  transferLeadership(to: NodeId): string | undefined;
  /** Snapshot now and drop the entries it covers; returns why not, or undefined when done. */
  compact(): string | undefined;
  view(): NodeView;
  /** Changes of this key are posted to the page at once; everything else is throttled. */
  roleKey(): string;
  readLog(fromIndex: number, toIndex: number): EntryView[];
  stop(): void;
}

/** Bound on entries per read-log answer. */
export const MAX_READ_LOG_ENTRIES = 1000;

/** The answer to readLog in both hosts: entries from..to that the node still holds, bounded. */
export function readLogEntries(node: ProtocolNode, fromIndex: number, toIndex: number): EntryView[] {
  const from = Math.max(1, Math.floor(fromIndex));
  return node.entries(from, Math.min(Math.floor(toIndex), from + MAX_READ_LOG_ENTRIES - 1)).map(entryView);
}

export class ProtocolRunner implements NodeRunner {
  private readonly loop: NodeLoop;
  private readonly persister: Persister;
  private readonly kvListing = new KvListing();

  constructor(
    private readonly node: ProtocolNode,
    private readonly storage: DurableStorage,
    io: RunnerIo,
    timers: PersisterTimers,
  ) {
    this.persister = new Persister(storage, storage.durable().hardState, timers, (e) => io.fatal(e));
    this.loop = new NodeLoop(node, {
      persist: (batch, done) => {
        this.persister.persist(batch, () =>
          io.guard(() => {
            done();
            io.changed();
          }),
        );
      },
      send: (messages) => {
        if (messages.length > 0) io.send(messages);
      },
    });
  }

  deliver(messages: Message[]): void {
    for (const m of messages) this.node.step(m);
    this.loop.run();
  }

  tick(): void {
    this.node.tick();
    this.loop.run();
  }

  forceTimeout(): void {
    this.node.forceTimeout();
    this.loop.run();
  }

  transferLeadership(to: NodeId): string | undefined {
    const refused = this.node.transferLeadership === undefined ? 'this protocol has no leader' : this.node.transferLeadership(to);
    this.loop.run();
    return refused;
  }

  compact(): string | undefined {
    const refused = this.node.compact === undefined ? 'this protocol keeps no log to compact' : this.node.compact();
    this.loop.run(); // the snapshot and the range delete go to storage in the next batch
    return refused;
  }

  view(): NodeView {
    return protocolNodeView(this.node, this.storage.durable(), this.storage.mode, this.kvListing);
  }

  roleKey(): string {
    const r = this.node.status();
    return `${r.role}:${r.term}:${r.leaderId}:${this.storage.mode}`;
  }

  readLog(fromIndex: number, toIndex: number): EntryView[] {
    return readLogEntries(this.node, fromIndex, toIndex);
  }

  stop(): void {
    this.loop.stop();
    this.persister.stop();
  }
}
