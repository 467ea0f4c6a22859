/**
 * A node's durable storage in its own IndexedDB database (one database per node, so wiping a node
 * is deleting one database), through idb-keyval.
 *
 * Record layout, in one object store 'raft' of database `raft-node-<id>`:
 *   'format'  -> { version: 1 }                       written with the first batch
 *   'hard'    -> HardState { term, vote, commit }
 *   <n>       -> Entry { index: n, term, data }       one record per log entry, numeric key n >= 1
 * Numbers sort before strings in IndexedDB's key order, so IDBKeyRange.bound(n, Infinity) is
 * exactly "the log from n on": truncating a conflicting suffix is one range delete.
 *
 * Group commit: save(batch) writes the whole Ready batch (suffix truncation, new entries, hard
 * state) in ONE readwrite transaction and resolves only when that transaction has completed, with
 * durability 'strict' by default (Chromium's default became 'relaxed' in Chrome 121: the
 * complete event would fire before the data reached the disk). A transaction is atomic: a crash
 * (the worker terminated) before it completes loses that batch entirely and nothing else.
 *
 * load() validates every record and reports the first bad one as a typed error; the node then
 * refuses to start and says why. Expected operating errors (IndexedDB unavailable, quota exceeded)
 * are typed results too: the node stops with a clear reason (see durable-storage.ts).
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { assert } from '../core/assert.ts';
import { validateCommand } from '../core/kv.ts';
import type { StorageBatch } from '../core/storage.ts';
import { EMPTY_HARD_STATE, type DurableState, type Entry, type HardState } from '../core/types.ts';
import type { StorageMode } from './cluster-api.ts';
import type { Durability } from './protocol.ts';

export const STORE_NAME = 'raft';
export const FORMAT_VERSION = 1;
const FORMAT_KEY = 'format';
const HARD_KEY = 'hard';

export type StorageLoadError =
  /** IndexedDB cannot be opened or read at all (absent, blocked by the browser, broken). */
  | { kind: 'unavailable'; message: string }
  /** A record is unreadable or inconsistent: the node must not start on it. */
  | { kind: 'corrupt'; record: string; message: string };

/** empty: the database held no record at all (new, or deleted and recreated). */
export type LoadResult = { ok: true; state: DurableState; empty: boolean } | { ok: false; error: StorageLoadError };

export type StorageSaveError = { kind: 'quota' | 'failed'; message: string };
export type SaveResult = { ok: true } | { ok: false; error: StorageSaveError };

/** What the node's storage has made durable so far (for NodeView.durable). */
export interface DurableSummary {
  hardState: HardState;
  lastIndex: number;
}

/** The storage a node runs on: IndexedDB, or memory when the whole cluster runs in memory. */
export interface NodeStorage {
  readonly mode: StorageMode;
  load(): Promise<LoadResult>;
  /** One batch at a time: the node loop never starts a second before the first completes. */
  save(batch: StorageBatch): Promise<SaveResult>;
  durable(): DurableSummary;
}

/**
 * idb-keyval's createStore, plus the transaction durability (idb-keyval's own opens transactions
 * with the browser default, which is 'relaxed' in current Chromium).
 */
export function createNodeStore(dbName: string, durability: Durability = 'strict', lost?: (reason: string) => void): UseStore {
  let dbp: Promise<IDBDatabase> | undefined;
  const getDb = (): Promise<IDBDatabase> => {
    if (dbp !== undefined) return dbp;
    const request = indexedDB.open(dbName);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE_NAME);
    const opened = promisifyRequest(request);
    dbp = opened;
    opened.then(
      (db) => {
        db.onclose = () => {
          dbp = undefined;
          lost?.('the browser closed its database connection');
        };
        // Someone deletes this database (from the developer tools, another page): let them, and
        // stop, since nothing written from now on would be kept. (A wipe terminates the node first.)
        db.onversionchange = () => {
          db.close();
          lost?.(`its database ${dbName} was deleted while it ran`);
        };
      },
      () => (dbp = undefined),
    );
    return opened;
  };
  return (txMode, callback) =>
    getDb().then((db) => callback(db.transaction(STORE_NAME, txMode, { durability: txMode === 'readwrite' ? durability : 'default' }).objectStore(STORE_NAME)));
}

export class IdbStorage implements NodeStorage {
  readonly mode = 'indexeddb' as const;
  private hardState: HardState = { ...EMPTY_HARD_STATE };
  /** Invariant: the database holds entries 1..lastIndex and nothing beyond. */
  private lastIndex = 0;
  private formatWritten = false;
  private saving = false;

  constructor(private readonly store: UseStore) {}

  async load(): Promise<LoadResult> {
    let records: { format: unknown; hard: unknown; keys: IDBValidKey[]; entryKeys: IDBValidKey[]; entries: unknown[] };
    try {
      records = await this.store('readonly', (s) => readAll(s));
    } catch (e) {
      return { ok: false, error: { kind: 'unavailable', message: `IndexedDB is unavailable: ${errorText(e)}` } };
    }
    const result = validateRecords(records);
    if (!result.ok) return result;
    this.hardState = { ...result.state.hardState };
    this.lastIndex = result.state.entries.length;
    this.formatWritten = records.format !== undefined;
    return result;
  }

  async save(batch: StorageBatch): Promise<SaveResult> {
    assert(!this.saving, 'IdbStorage.save: a batch is already being written');
    const first = batch.entries[0];
    assert(first === undefined || (first.index >= 1 && first.index <= this.lastIndex + 1), `batch starts at ${first?.index}, log ends at ${this.lastIndex}`);
    this.saving = true;
    try {
      await this.store('readwrite', (s) => {
        if (!this.formatWritten) s.put({ version: FORMAT_VERSION }, FORMAT_KEY);
        if (first !== undefined && first.index <= this.lastIndex) s.delete(IDBKeyRange.bound(first.index, Infinity));
        for (const entry of batch.entries) s.put(entry, entry.index);
        if (batch.hardState) s.put(batch.hardState, HARD_KEY);
        return promisifyRequest(s.transaction);
      });
    } catch (e) {
      return { ok: false, error: { kind: isQuotaError(e) ? 'quota' : 'failed', message: errorText(e) } };
    } finally {
      this.saving = false;
    }
    this.formatWritten = true;
    if (batch.hardState) this.hardState = { ...batch.hardState };
    const last = batch.entries[batch.entries.length - 1];
    if (last !== undefined) this.lastIndex = last.index;
    return { ok: true };
  }

  durable(): DurableSummary {
    return { hardState: { ...this.hardState }, lastIndex: this.lastIndex };
  }
}

/**
 * In-memory "storage" with the same interface, for a cluster that runs in memory from the start
 * (no IndexedDB, or another tab owns the databases). Nothing here outlives the worker, so it keeps
 * no entries (the Raft log already holds them in memory); it only tracks what a disk would hold,
 * for NodeView.durable. load() starts empty: a node without a disk restarts with nothing.
 */
export class MemoryNodeStorage implements NodeStorage {
  readonly mode = 'memory' as const;
  private summary: DurableSummary;

  constructor(summary: DurableSummary = { hardState: { ...EMPTY_HARD_STATE }, lastIndex: 0 }) {
    this.summary = { hardState: { ...summary.hardState }, lastIndex: summary.lastIndex };
  }

  load(): Promise<LoadResult> {
    return Promise.resolve({ ok: true, state: { hardState: { ...EMPTY_HARD_STATE }, entries: [] }, empty: true });
  }

  async save(batch: StorageBatch): Promise<SaveResult> {
    const first = batch.entries[0];
    assert(first === undefined || (first.index >= 1 && first.index <= this.summary.lastIndex + 1), `batch starts at ${first?.index}, log ends at ${this.summary.lastIndex}`);
    if (batch.hardState) this.summary.hardState = { ...batch.hardState };
    const last = batch.entries[batch.entries.length - 1];
    if (last !== undefined) this.summary.lastIndex = last.index;
    return { ok: true };
  }

  durable(): DurableSummary {
    return { hardState: { ...this.summary.hardState }, lastIndex: this.summary.lastIndex };
  }
}

/** Deletes a node's database. Resolves once deleted (waits while a closing connection lingers). */
export function deleteNodeDatabase(dbName: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(dbName);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`could not delete ${dbName}`));
  });
}

// ---- Loading and validation ---------------------------------------------------------------------

function readAll(s: IDBObjectStore) {
  const entryRange = IDBKeyRange.bound(1, Infinity);
  return Promise.all([
    promisifyRequest(s.get(FORMAT_KEY)),
    promisifyRequest(s.get(HARD_KEY)),
    promisifyRequest(s.getAllKeys()),
    promisifyRequest(s.getAllKeys(entryRange)),
    promisifyRequest(s.getAll(entryRange)),
  ]).then(([format, hard, keys, entryKeys, entries]) => ({ format, hard, keys, entryKeys, entries: entries as unknown[] }));
}

function corrupt(record: string, message: string): LoadResult {
  return { ok: false, error: { kind: 'corrupt', record, message } };
}

/** Checks every record; the first problem found is the answer. */
export function validateRecords(r: { format: unknown; hard: unknown; keys: IDBValidKey[]; entryKeys: IDBValidKey[]; entries: unknown[] }): LoadResult {
  if (r.format !== undefined && !(isRecord(r.format) && r.format['version'] === FORMAT_VERSION)) {
    return corrupt(FORMAT_KEY, `unknown storage format ${JSON.stringify(r.format)}, expected version ${FORMAT_VERSION}`);
  }
  for (const key of r.keys) {
    if (key === FORMAT_KEY || key === HARD_KEY) continue;
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 1) return corrupt(String(key), 'unexpected record: not a log index');
  }
  const entries: Entry[] = [];
  for (let k = 0; k < r.entries.length; k++) {
    const key = r.entryKeys[k];
    const problem = entryProblem(r.entries[k], key, k + 1, entries[k - 1]);
    if (problem !== undefined) return corrupt(`entry ${String(key)}`, problem);
    entries.push(r.entries[k] as Entry);
  }
  const hardState = r.hard === undefined ? { ...EMPTY_HARD_STATE } : r.hard;
  const hardProblem = hardStateProblem(hardState, entries);
  if (hardProblem !== undefined) return corrupt(HARD_KEY, hardProblem);
  return { ok: true, state: { hardState: hardState as HardState, entries }, empty: r.keys.length === 0 };
}

function entryProblem(value: unknown, key: IDBValidKey | undefined, expectedIndex: number, previous: Entry | undefined): string | undefined {
  if (key !== expectedIndex) return `the log has a gap: expected entry ${expectedIndex}, found ${String(key)}`;
  if (!isRecord(value)) return `not an object: ${typeof value}`;
  if (value['index'] !== key) return `stored under key ${key} but says index ${String(value['index'])}`;
  const term = value['term'];
  if (!isCount(term) || term < 1) return `bad term ${JSON.stringify(term)}`;
  if (previous !== undefined && term < previous.term) return `term ${term} is below the previous entry's term ${previous.term}`;
  return entryDataProblem(value['data']);
}

function entryDataProblem(data: unknown): string | undefined {
  if (!isRecord(data)) return 'entry data is missing';
  if (data['type'] === 'noop') return undefined;
  if (data['type'] !== 'command') return `unknown entry type ${JSON.stringify(data['type'])}`;
  if (typeof data['clientId'] !== 'string' || data['clientId'].length === 0) return 'command without a client id';
  if (!isCount(data['seq']) || data['seq'] < 1) return `bad client seq ${JSON.stringify(data['seq'])}`;
  if (!isRecord(data['command'])) return 'command is missing';
  const error = validateCommand(data['command'] as never);
  return error === undefined ? undefined : `invalid command: ${error.message}`;
}

function hardStateProblem(hard: unknown, entries: Entry[]): string | undefined {
  if (!isRecord(hard)) return `not an object: ${typeof hard}`;
  const { term, vote, commit } = hard;
  if (!isCount(term) || !isCount(vote) || !isCount(commit)) return `term, vote and commit must be whole numbers >= 0, got ${JSON.stringify(hard)}`;
  if (commit > entries.length) return `commit index ${commit} is beyond the last log entry ${entries.length}`;
  const lastTerm = entries[entries.length - 1]?.term ?? 0;
  if (lastTerm > term) return `term ${term} is below the last log entry's term ${lastTerm}`;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function isQuotaError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'name' in e && (e as { name: unknown }).name === 'QuotaExceededError';
}

export function errorText(e: unknown): string {
  if (e === null || e === undefined) return 'the transaction was aborted';
  if (e instanceof Error || (typeof e === 'object' && 'message' in e)) {
    const { name, message } = e as { name?: string; message: string };
    return name && name !== 'Error' ? `${name}: ${message}` : message;
  }
  return String(e);
}
