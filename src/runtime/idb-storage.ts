/**
 * A node's durable storage in its own IndexedDB database (one database per node, so wiping a node
 * is deleting one database), through idb-keyval.
 *
 * Record layout, in one object store 'raft' of database `raft-node-<id>`:
 *   'format'  -> { version: 1 }                       written with the first batch
 *   'hard'    -> HardState { term, vote, commit }
 *   'snapshot'-> Snapshot { index, term, data, checksum }   the latest snapshot, once there is one
 *   <n>       -> Entry { index: n, term, data }       one record per log entry after the snapshot
 * Numbers sort before strings in IndexedDB's key order, so IDBKeyRange.bound(n, Infinity) is
 * exactly "the log from n on": truncating a conflicting suffix is one range delete.
 *
 * Group commit: save(batch) writes the whole Ready batch (snapshot and the range delete of the
 * entries it covers, suffix truncation, new entries, hard state) in ONE readwrite transaction and resolves only when that transaction has completed, with
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
import { checksum } from '../core/checksum.ts';
import type { StorageBatch } from '../core/storage.ts';
import { EMPTY_HARD_STATE, type DurableState, type Entry, type HardState, type Snapshot } from '../core/types.ts';
import type { StorageMode } from './cluster-api.ts';
import type { Durability } from './protocol.ts';

export const STORE_NAME = 'raft';
export const FORMAT_VERSION = 1;
const FORMAT_KEY = 'format';
const HARD_KEY = 'hard';
const SNAPSHOT_KEY = 'snapshot';

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
  /** The stored snapshot's last index (0 = none). */
  snapshotIndex: number;
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
  /** Invariant: the database holds entries snapshotIndex+1..lastIndex and nothing else. */
  private lastIndex = 0;
  private snapshotIndex = 0;
  private formatWritten = false;
  private saving = false;

  constructor(private readonly store: UseStore) {}

  async load(): Promise<LoadResult> {
    let records: StoredRecords;
    try {
      records = await this.store('readonly', (s) => readAll(s));
    } catch (e) {
      return { ok: false, error: { kind: 'unavailable', message: `IndexedDB is unavailable: ${errorText(e)}` } };
    }
    const result = validateRecords(records);
    if (!result.ok) return result;
    this.hardState = { ...result.state.hardState };
    this.snapshotIndex = result.state.snapshot?.index ?? 0;
    this.lastIndex = this.snapshotIndex + result.state.entries.length;
    this.formatWritten = records.format !== undefined;
    return result;
  }

  async save(batch: StorageBatch): Promise<SaveResult> {
    assert(!this.saving, 'IdbStorage.save: a batch is already being written');
    const snap = batch.snapshot;
    const fromLeader = snap?.from === 'leader';
    const offsetAfter = snap?.snapshot.index ?? this.snapshotIndex;
    const lastAfter = fromLeader ? offsetAfter : this.lastIndex;
    assert(snap === undefined || snap.snapshot.index > this.snapshotIndex, `snapshot at ${snap?.snapshot.index} is not past the stored one at ${this.snapshotIndex}`);
    assert(snap === undefined || fromLeader || snap.snapshot.index <= this.lastIndex, `compaction to ${snap?.snapshot.index} beyond the stored log ${this.lastIndex}`);
    const first = batch.entries[0];
    assert(first === undefined || (first.index > offsetAfter && first.index <= lastAfter + 1), `batch starts at ${first?.index}, log holds ${offsetAfter + 1}..${lastAfter}`);
    this.saving = true;
    try {
      await this.store('readwrite', (s) => {
        if (!this.formatWritten) s.put({ version: FORMAT_VERSION }, FORMAT_KEY);
        if (snap !== undefined) {
          s.put(snap.snapshot, SNAPSHOT_KEY);
          s.delete(IDBKeyRange.bound(1, fromLeader ? Infinity : snap.snapshot.index));
        }
        if (first !== undefined && first.index <= lastAfter) s.delete(IDBKeyRange.bound(first.index, Infinity));
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
    this.snapshotIndex = offsetAfter;
    this.lastIndex = lastAfter;
    const last = batch.entries[batch.entries.length - 1];
    if (last !== undefined) this.lastIndex = last.index;
    return { ok: true };
  }

  durable(): DurableSummary {
    return { hardState: { ...this.hardState }, lastIndex: this.lastIndex, snapshotIndex: this.snapshotIndex };
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

  constructor(summary: DurableSummary = { hardState: { ...EMPTY_HARD_STATE }, lastIndex: 0, snapshotIndex: 0 }) {
    this.summary = { ...summary, hardState: { ...summary.hardState } };
  }

  load(): Promise<LoadResult> {
    return Promise.resolve({ ok: true, state: { hardState: { ...EMPTY_HARD_STATE }, entries: [] }, empty: true });
  }

  async save(batch: StorageBatch): Promise<SaveResult> {
    const snap = batch.snapshot;
    if (snap !== undefined) {
      this.summary.snapshotIndex = snap.snapshot.index;
      if (snap.from === 'leader') this.summary.lastIndex = snap.snapshot.index;
    }
    const first = batch.entries[0];
    const offset = this.summary.snapshotIndex;
    assert(first === undefined || (first.index > offset && first.index <= this.summary.lastIndex + 1), `batch starts at ${first?.index}, log holds ${offset + 1}..${this.summary.lastIndex}`);
    if (batch.hardState) this.summary.hardState = { ...batch.hardState };
    const last = batch.entries[batch.entries.length - 1];
    if (last !== undefined) this.summary.lastIndex = last.index;
    return { ok: true };
  }

  durable(): DurableSummary {
    return { ...this.summary, hardState: { ...this.summary.hardState } };
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

/** Every record as read, before validation. */
export interface StoredRecords {
  format: unknown;
  hard: unknown;
  /** undefined: no snapshot record. */
  snapshot?: unknown;
  keys: IDBValidKey[];
  entryKeys: IDBValidKey[];
  entries: unknown[];
}

function readAll(s: IDBObjectStore): Promise<StoredRecords> {
  const entryRange = IDBKeyRange.bound(1, Infinity);
  return Promise.all([
    promisifyRequest(s.get(FORMAT_KEY)),
    promisifyRequest(s.get(HARD_KEY)),
    promisifyRequest(s.get(SNAPSHOT_KEY)),
    promisifyRequest(s.getAllKeys()),
    promisifyRequest(s.getAllKeys(entryRange)),
    promisifyRequest(s.getAll(entryRange)),
  ]).then(([format, hard, snapshot, keys, entryKeys, entries]) => ({ format, hard, snapshot, keys, entryKeys, entries: entries as unknown[] }));
}

function corrupt(record: string, message: string): LoadResult {
  return { ok: false, error: { kind: 'corrupt', record, message } };
}

/** Checks every record; the first problem found is the answer. */
export function validateRecords(r: StoredRecords): LoadResult {
  if (r.format !== undefined && !(isRecord(r.format) && r.format['version'] === FORMAT_VERSION)) {
    return corrupt(FORMAT_KEY, `unknown storage format ${JSON.stringify(r.format)}, expected version ${FORMAT_VERSION}`);
  }
  for (const key of r.keys) {
    if (key === FORMAT_KEY || key === HARD_KEY || key === SNAPSHOT_KEY) continue;
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 1) return corrupt(String(key), 'unexpected record: not a log index');
  }
  let snapshot: Snapshot | undefined;
  if (r.snapshot !== undefined) {
    const problem = snapshotProblem(r.snapshot);
    if (problem !== undefined) return corrupt(SNAPSHOT_KEY, problem);
    snapshot = r.snapshot as Snapshot;
  }
  const offset = snapshot?.index ?? 0;
  const entries: Entry[] = [];
  for (let k = 0; k < r.entries.length; k++) {
    const key = r.entryKeys[k];
    const problem = entryProblem(r.entries[k], key, offset + k + 1, entries[k - 1] ?? snapshot);
    if (problem !== undefined) return corrupt(`entry ${String(key)}`, problem);
    entries.push(r.entries[k] as Entry);
  }
  const hardState = r.hard === undefined ? { ...EMPTY_HARD_STATE } : r.hard;
  const hardProblem = hardStateProblem(hardState, offset, entries, snapshot?.term ?? 0);
  if (hardProblem !== undefined) return corrupt(HARD_KEY, hardProblem);
  const state: DurableState = { hardState: hardState as HardState, entries };
  if (snapshot !== undefined) state.snapshot = snapshot;
  return { ok: true, state, empty: r.keys.length === 0 };
}

/** A snapshot record that is not whole (cut short, overwritten, from another program) is refused. */
function snapshotProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return `not an object: ${typeof value}`;
  const { index, term, data, checksum: stored } = value;
  if (!isCount(index) || index < 1 || !isCount(term) || term < 1) return `bad index or term ${JSON.stringify({ index, term })}`;
  if (typeof data !== 'string') return 'the snapshot has no data';
  if (!isCount(stored)) return 'the snapshot has no checksum';
  if (value['config'] !== undefined) {
    const problem = configurationProblem(value['config']);
    if (problem !== undefined) return problem;
  }
  const actual = checksum(data);
  if (actual !== stored) return `the snapshot at index ${index} is truncated or corrupted: its data (${data.length} characters) has checksum ${actual}, the record says ${stored}`;
  return undefined;
}

function entryProblem(value: unknown, key: IDBValidKey | undefined, expectedIndex: number, previous: { term: number } | undefined): string | undefined {
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
  if (data['type'] === 'config') return configurationProblem(data['config']) ?? configChangeProblem(data['change']);
  if (data['type'] !== 'command') return `unknown entry type ${JSON.stringify(data['type'])}`;
  if (typeof data['clientId'] !== 'string' || data['clientId'].length === 0) return 'command without a client id';
  if (!isCount(data['seq']) || data['seq'] < 1) return `bad client seq ${JSON.stringify(data['seq'])}`;
  if (!isRecord(data['command'])) return 'command is missing';
  const error = validateCommand(data['command'] as never);
  return error === undefined ? undefined : `invalid command: ${error.message}`;
}

function hardStateProblem(hard: unknown, offset: number, entries: Entry[], snapshotTerm: number): string | undefined {
  if (!isRecord(hard)) return `not an object: ${typeof hard}`;
  const { term, vote, commit } = hard;
  if (!isCount(term) || !isCount(vote) || !isCount(commit)) return `term, vote and commit must be whole numbers >= 0, got ${JSON.stringify(hard)}`;
  if (commit > offset + entries.length) return `commit index ${commit} is beyond the last log entry ${offset + entries.length}`;
  const lastTerm = entries[entries.length - 1]?.term ?? snapshotTerm;
  if (lastTerm > term) return `term ${term} is below the last log entry's term ${lastTerm}`;
  return undefined;
}

function configurationProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'config entry without a configuration';
  const ids = (v: unknown) => Array.isArray(v) && v.every((id) => isCount(id) && id >= 1);
  if (!ids(value['voters']) || !ids(value['learners'])) return `bad configuration ${JSON.stringify(value)}`;
  if ((value['voters'] as number[]).length === 0) return 'a configuration without voters';
  return undefined;
}

function configChangeProblem(value: unknown): string | undefined {
  if (!isRecord(value) || !['add-learner', 'promote', 'remove'].includes(value['op'] as string) || !isCount(value['node'])) {
    return `bad membership change ${JSON.stringify(value)}`;
  }
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
