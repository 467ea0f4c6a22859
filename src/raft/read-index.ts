import { assert } from '../core/assert.ts';

/**
 * ReadIndex bookkeeping on the leader. A read is answered only after the leader has proved it
 * is still leader (a majority acknowledged a heartbeat sent after the read arrived) and its
 * state machine has applied up to the commit index recorded when the read arrived.
 *
 * Invariant: pending contexts are strictly increasing.
 */
export class ReadIndexQueue {
  private lastContext = 0;
  private pending: { context: number; index: number; readId: number }[] = [];
  /** Reads that arrived before the leader committed an entry of its own term. */
  private awaitingTermCommit: number[] = [];
  /** Confirmed reads: answer once applied >= index. Drained by the server. */
  confirmed: { readId: number; index: number }[] = [];
  /** Reads that can no longer be confirmed (leadership lost). Drained by the server. */
  failed: number[] = [];

  constructor(private readonly maxPending: number) {}

  size(): number {
    return this.pending.length + this.awaitingTermCommit.length;
  }

  isFull(): boolean {
    return this.size() >= this.maxPending;
  }

  /** Highest context handed out; heartbeats carry it. */
  currentContext(): number {
    return this.lastContext;
  }

  hasUnconfirmed(): boolean {
    return this.pending.length > 0;
  }

  deferUntilTermCommit(readId: number): void {
    this.awaitingTermCommit.push(readId);
  }

  /** Moves reads waiting for the term's first commit into a new round. Returns true if any. */
  releaseDeferred(commitIndex: number): boolean {
    if (this.awaitingTermCommit.length === 0) return false;
    const readIds = this.awaitingTermCommit;
    this.awaitingTermCommit = [];
    for (const readId of readIds) this.add(readId, commitIndex);
    return true;
  }

  /** Starts a confirmation round for a read at `commitIndex`. */
  add(readId: number, commitIndex: number): number {
    this.lastContext++;
    this.pending.push({ context: this.lastContext, index: commitIndex, readId });
    return this.lastContext;
  }

  /** A majority acknowledged heartbeats carrying `context`: those reads are confirmed. */
  confirmUpTo(context: number): void {
    let released = 0;
    for (const read of this.pending) {
      if (read.context > context) break;
      this.confirmed.push({ readId: read.readId, index: read.index });
      released++;
    }
    if (released > 0) this.pending.splice(0, released);
    assert(this.pending.every((r, k) => k === 0 || r.context > this.pending[k - 1]!.context), 'contexts ascend');
  }

  /** Leadership lost: nothing pending can be confirmed by this node any more. */
  failAll(): void {
    for (const read of this.pending) this.failed.push(read.readId);
    this.failed.push(...this.awaitingTermCommit);
    this.pending = [];
    this.awaitingTermCommit = [];
  }
}
