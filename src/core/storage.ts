/**
 * Durable storage of one node: its hard state (term, vote, commit), its latest snapshot and the
 * log after it.
 *
 * The contract: save(batch) makes the whole batch durable at once, or none of it (one IndexedDB
 * transaction in the browser; one sync in the simulator's disk model), before it reports
 * completion. Only then may the node send the messages that depend on it. In order: a snapshot
 * replaces the stored one and drops the entries it covers (all entries, when it came from the
 * leader); then the log is truncated from the batch's first entry and the entries appended;
 * then the hard state. So a crash can never leave a snapshot without its suffix or a suffix
 * without its snapshot. A restarted node calls load() and rebuilds from that alone.
 */
import { assert } from './assert.ts';
import { EMPTY_HARD_STATE, type DurableState, type Entry, type HardState, type SnapshotWrite } from './types.ts';

export interface StorageBatch {
  hardState?: HardState;
  snapshot?: SnapshotWrite;
  entries: Entry[];
}

export function isEmptyBatch(batch: StorageBatch): boolean {
  return batch.hardState === undefined && batch.snapshot === undefined && batch.entries.length === 0;
}

/** The index just before a durable image's first entry: its snapshot's, or 0. */
export function logOffset(state: Readonly<DurableState>): number {
  return state.snapshot?.index ?? 0;
}

/** The last index a durable image holds (in its log, or its snapshot when the log is empty). */
export function durableLastIndex(state: Readonly<DurableState>): number {
  return logOffset(state) + state.entries.length;
}

/** Applies a batch to a durable image in place: snapshot, then truncate and append, then hard state. */
export function applyBatch(state: DurableState, batch: StorageBatch): void {
  if (batch.snapshot !== undefined) applySnapshot(state, batch.snapshot);
  const first = batch.entries[0];
  if (first !== undefined) {
    const offset = logOffset(state);
    assert(first.index > offset && first.index <= durableLastIndex(state) + 1, `batch starts at ${first.index}, log holds ${offset + 1}..${durableLastIndex(state)}`);
    state.entries.length = first.index - offset - 1;
    for (const entry of batch.entries) state.entries.push(entry);
  }
  if (batch.hardState) state.hardState = { ...batch.hardState };
}

function applySnapshot(state: DurableState, write: SnapshotWrite): void {
  const { snapshot } = write;
  const offset = logOffset(state);
  assert(snapshot.index > offset, `snapshot at ${snapshot.index} does not move past the stored one at ${offset}`);
  if (write.from === 'leader') {
    state.entries = [];
  } else {
    assert(snapshot.index <= durableLastIndex(state), `compaction to ${snapshot.index} beyond the durable log ${durableLastIndex(state)}`);
    state.entries = state.entries.slice(snapshot.index - offset);
  }
  state.snapshot = snapshot;
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
    const { hardState, snapshot, entries } = this.durable;
    return snapshot === undefined
      ? { hardState: { ...hardState }, entries: entries.slice() }
      : { hardState: { ...hardState }, snapshot, entries: entries.slice() };
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
