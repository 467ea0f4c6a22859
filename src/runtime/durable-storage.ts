/**
 * A node's storage as the node loop sees it: every batch durable before done(), or the node stops.
 *
 * A Raft node must never promise what it cannot keep: a vote or an append acknowledgement is a
 * promise that the state behind it survives a crash. So there is no fallback to memory once a
 * node runs on IndexedDB: a refused write (quota exceeded, database deleted or broken) throws,
 * the persister reports it, and the node stops with the reason (as etcd stops on a failed sync).
 * Restarting it reopens its database. Memory is only ever chosen up front, for the whole cluster
 * (no IndexedDB in this browser, or another tab owns the databases), and the page says so.
 *
 * A corrupted or unavailable database at load is reported by load(): the node refuses to start.
 */
import type { StorageBatch } from '../core/storage.ts';
import type { StorageMode } from './cluster-api.ts';
import type { DurableSummary, LoadResult, NodeStorage } from './idb-storage.ts';

export class DurableStorage {
  constructor(private readonly storage: NodeStorage) {}

  get mode(): StorageMode {
    return this.storage.mode;
  }

  load(): Promise<LoadResult> {
    return this.storage.load();
  }

  /** Resolves once the batch is durable; rejects (the node must stop) when it cannot be. */
  async save(batch: StorageBatch): Promise<void> {
    const result = await this.storage.save(batch);
    if (result.ok) return;
    const e = result.error;
    throw new StorageFailure(e.kind === 'quota' ? `the storage quota is exceeded (${e.message})` : `a write to its database failed (${e.message})`);
  }

  durable(): DurableSummary {
    return this.storage.durable();
  }
}

/** Why a node's storage cannot keep its promises any more; the node stops with this reason. */
export class StorageFailure extends Error {
  override readonly name = 'StorageFailure';
}

/** The sentence a stopped node shows for a storage failure while it ran. */
export function storageStopText(label: string, reason: string): string {
  return `${label} stopped: ${reason}. It acknowledged nothing it could not keep; Restart reopens its database.`;
}
