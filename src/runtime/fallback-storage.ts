/**
 * A node's storage with the fallback the page promises: IndexedDB while it works, memory once it
 * does not (unavailable at start, or a write refused: quota exceeded, database broken). Each switch
 * is reported through `warn`, once, so the page shows that this node's state no longer survives a
 * crash or reload. A corrupted record is not a reason to fall back: load() reports it and the node
 * refuses to start.
 */
import { assert } from '../core/assert.ts';
import type { StorageBatch } from '../core/storage.ts';
import type { StorageMode } from './cluster-api.ts';
import { MemoryNodeStorage, type DurableSummary, type LoadResult, type NodeStorage } from './idb-storage.ts';

export class FallbackStorage {
  private current: NodeStorage;

  constructor(
    primary: NodeStorage,
    private readonly label: string,
    private readonly warn: (message: string) => void,
  ) {
    this.current = primary;
  }

  get mode(): StorageMode {
    return this.current.mode;
  }

  async load(): Promise<LoadResult> {
    const result = await this.current.load();
    if (result.ok || result.error.kind !== 'unavailable') return result;
    this.current = new MemoryNodeStorage();
    this.warn(`${this.label}: ${result.error.message}. It runs on in-memory storage and starts empty; a crash or a page reload loses its state.`);
    return this.current.load();
  }

  /** Resolves once the batch is durable (or, after a fallback, held in memory). */
  async save(batch: StorageBatch): Promise<void> {
    const result = await this.current.save(batch);
    if (result.ok) return;
    const reason = result.error.kind === 'quota' ? `the storage quota is exceeded (${result.error.message})` : `a write to IndexedDB failed (${result.error.message})`;
    this.current = new MemoryNodeStorage(this.current.durable());
    this.warn(`${this.label}: ${reason}. It now runs on in-memory storage; a crash or a page reload loses its state, and a restart starts it empty.`);
    const retry = await this.current.save(batch);
    assert(retry.ok, 'in-memory storage refused a batch');
  }

  durable(): DurableSummary {
    return this.current.durable();
  }
}
