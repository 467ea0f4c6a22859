/**
 * Durable storage of one node: its hard state (term, vote, commit) and its log.
 *
 * The contract: save(batch) makes the batch durable (truncating the log from the batch's first
 * entry, then appending) before it reports completion. Only then may the node send the messages
 * that depend on it. A restarted node calls load() and rebuilds from that alone.
 */
import { assert } from './assert.ts';
import { EMPTY_HARD_STATE, type DurableState, type Entry, type HardState } from './types.ts';

export interface StorageBatch {
  hardState?: HardState;
  entries: Entry[];
}

export function isEmptyBatch(batch: StorageBatch): boolean {
  return batch.hardState === undefined && batch.entries.length === 0;
}

/** Applies a batch to a durable image in place: truncate from the first new entry, append. */
export function applyBatch(state: DurableState, batch: StorageBatch): void {
  if (batch.hardState) state.hardState = { ...batch.hardState };
  const first = batch.entries[0];
  if (first === undefined) return;
  assert(first.index >= 1 && first.index <= state.entries.length + 1, `batch starts at ${first.index}, log ends at ${state.entries.length}`);
  state.entries.length = first.index - 1;
  for (const entry of batch.entries) state.entries.push(entry);
}

/**
 * In-memory storage with crash semantics: write() stages a batch, sync() makes everything staged
 * durable, crash() loses whatever was staged but not synced. The simulator places sync() some
 * virtual time after write(), so a crash in between loses the batch, as a real crash would.
 */
export class MemoryStorage {
  private durable: DurableState = { hardState: { ...EMPTY_HARD_STATE }, entries: [] };
  private staged: StorageBatch[] = [];

  load(): DurableState {
    assert(this.staged.length === 0, 'load() with staged writes: crash() or sync() first');
    return { hardState: { ...this.durable.hardState }, entries: this.durable.entries.slice() };
  }

  write(batch: StorageBatch): void {
    this.staged.push(batch);
  }

  sync(): void {
    for (const batch of this.staged) applyBatch(this.durable, batch);
    this.staged = [];
  }

  crash(): void {
    this.staged = [];
  }

  wipe(): void {
    this.staged = [];
    this.durable = { hardState: { ...EMPTY_HARD_STATE }, entries: [] };
  }

  /** Read-only view of what is durable right now (for inspection and invariants). */
  durableState(): Readonly<DurableState> {
    return this.durable;
  }
}
