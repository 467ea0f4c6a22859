/**
 * The node loop, written once and shared by the browser worker and the simulator:
 * persist the snapshot, new entries and hard state (one atomic batch), then send messages, then apply committed entries
 * (KvNode.advance applies them), then advance. A message that promises something (a vote, an
 * append acknowledgement) never leaves before the state that backs it is durable.
 *
 * Persistence may complete synchronously (done() called inside persist) or later (the worker's
 * IndexedDB transaction, the simulator's virtual disk latency). While a batch is being persisted
 * the node keeps accepting input; the next Ready waits for this one.
 */
import type { BugName } from './bugs.ts';
import type { ProtocolNode } from './protocol-node.ts';
import { isEmptyBatch, type StorageBatch } from './storage.ts';
import type { Message, Ready } from './types.ts';

export interface NodeIo {
  /** Make the batch durable, then call done(). May call done() before returning. */
  persist(batch: StorageBatch, done: () => void): void;
  send(messages: Message[]): void;
  /** Called after each batch is applied (for observers: UI, invariants). */
  applied?(rd: Ready): void;
}

export class NodeLoop {
  private persisting = false;
  private stopped = false;

  constructor(
    private readonly node: ProtocolNode,
    private readonly io: NodeIo,
    private readonly bug?: BugName,
  ) {}

  /** Call after every input (tick, message, proposal). Drains Ready batches until it must wait. */
  run(): void {
    while (!this.persisting && !this.stopped) {
      const rd = this.node.ready();
      if (rd === undefined) return;
      const batch: StorageBatch = { entries: rd.entries };
      if (rd.hardState !== undefined) batch.hardState = rd.hardState;
      if (rd.snapshot !== undefined) batch.snapshot = rd.snapshot;
      if (rd.unpromised !== undefined && rd.unpromised.length > 0) this.io.send(rd.unpromised);
      // TEST-ONLY bug: acknowledgements leave before the state they promise is durable.
      const sendEarly = this.bug === 'ack-before-persist';
      if (sendEarly) this.io.send(rd.messages);
      if (isEmptyBatch(batch)) {
        this.finish(rd, sendEarly);
        continue;
      }
      this.persisting = true;
      let returned = false;
      let doneSynchronously = false;
      this.io.persist(batch, () => {
        if (this.stopped) return;
        if (!returned) {
          doneSynchronously = true;
          return;
        }
        this.persisting = false;
        this.finish(rd, sendEarly);
        this.run();
      });
      returned = true;
      if (!doneSynchronously) return;
      this.persisting = false;
      this.finish(rd, sendEarly);
    }
  }

  /** The node crashed: ignore completions of persistence that was under way. */
  stop(): void {
    this.stopped = true;
  }

  isPersisting(): boolean {
    return this.persisting;
  }

  private finish(rd: Ready, alreadySent: boolean): void {
    if (!alreadySent) this.io.send(rd.messages);
    this.node.advance(rd);
    this.io.applied?.(rd);
  }
}
