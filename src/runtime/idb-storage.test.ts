import 'fake-indexeddb/auto';
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import type { StorageBatch } from '../core/storage.ts';
import type { Entry, Snapshot } from '../core/types.ts';
import { checksum } from '../core/checksum.ts';
import { IdbStorage, MemoryNodeStorage, STORE_NAME, createNodeStore, deleteNodeDatabase, type LoadResult } from './idb-storage.ts';

let dbCounter = 0;
function freshDbName(): string {
  dbCounter++;
  return `test-node-${dbCounter}-${Math.random().toString(36).slice(2)}`;
}

function set(index: number, term: number, key = `k${index}`, value = `v${index}`): Entry {
  return { index, term, data: { type: 'command', clientId: 'c1', seq: index, command: { op: 'set', key, value } } };
}

function noop(index: number, term: number): Entry {
  return { index, term, data: { type: 'noop' } };
}

async function loaded(store: UseStore): Promise<LoadResult> {
  return new IdbStorage(store).load();
}

/** A store whose readwrite transactions are aborted after the batch is written: a crash mid-commit. */
function crashingStore(inner: UseStore): UseStore {
  return (mode, callback) =>
    inner(mode, (s) => {
      const result = callback(s);
      if (mode === 'readwrite') s.transaction.abort();
      return result;
    });
}

/** A store whose writes fail the way a full disk does. */
function quotaStore(inner: UseStore): UseStore {
  return (mode, callback) => {
    if (mode === 'readwrite') return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    return inner(mode, callback);
  };
}

/** Writes raw records, bypassing IdbStorage, to corrupt a database on purpose. */
async function putRaw(store: UseStore, records: [IDBValidKey, unknown][]): Promise<void> {
  await store('readwrite', (s) => {
    for (const [key, value] of records) s.put(value, key);
    return promisifyRequest(s.transaction);
  });
}

describe('IdbStorage round trip', () => {
  it('an empty database loads as the empty state', async () => {
    const result = await loaded(createNodeStore(freshDbName()));
    expect(result).toEqual({ ok: true, state: { hardState: { term: 0, vote: 0, commit: 0 }, entries: [] }, empty: true });
  });

  it('reloads exactly what was saved, across new connections', async () => {
    const name = freshDbName();
    const storage = new IdbStorage(createNodeStore(name));
    expect((await storage.load()).ok).toBe(true);
    expect(await storage.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: [noop(1, 1)] })).toEqual({ ok: true });
    expect(await storage.save({ entries: [set(2, 1), set(3, 1)] })).toEqual({ ok: true });
    expect(await storage.save({ hardState: { term: 1, vote: 1, commit: 3 }, entries: [] })).toEqual({ ok: true });
    expect(storage.durable()).toEqual({ hardState: { term: 1, vote: 1, commit: 3 }, lastIndex: 3, snapshotIndex: 0 });
    const result = await loaded(createNodeStore(name));
    expect(result).toEqual({ ok: true, state: { hardState: { term: 1, vote: 1, commit: 3 }, entries: [noop(1, 1), set(2, 1), set(3, 1)] }, empty: false });
  });

  it('truncates a conflicting suffix in the same transaction as the new entries', async () => {
    const name = freshDbName();
    const storage = new IdbStorage(createNodeStore(name));
    await storage.load();
    await storage.save({ hardState: { term: 1, vote: 0, commit: 1 }, entries: [noop(1, 1), set(2, 1), set(3, 1), set(4, 1), set(5, 1)] });
    await storage.save({ hardState: { term: 2, vote: 0, commit: 1 }, entries: [noop(3, 2), set(4, 2, 'x', 'y')] });
    const result = await loaded(createNodeStore(name));
    expect(result.ok && result.state.entries).toEqual([noop(1, 1), set(2, 1), noop(3, 2), set(4, 2, 'x', 'y')]);
    expect(storage.durable().lastIndex).toBe(4);
  });

  it('writes a whole batch (truncation, entries, hard state) in exactly one transaction', async () => {
    const inner = createNodeStore(freshDbName());
    const modes: IDBTransactionMode[] = [];
    const counting: UseStore = (mode, callback) => {
      modes.push(mode);
      return inner(mode, callback);
    };
    const storage = new IdbStorage(counting);
    await storage.load();
    await storage.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: [noop(1, 1), set(2, 1), set(3, 1)] });
    await storage.save({ hardState: { term: 2, vote: 2, commit: 1 }, entries: [noop(2, 2), set(3, 2)] });
    expect(modes).toEqual(['readonly', 'readwrite', 'readwrite']);
  });

  it('refuses a batch that would leave a gap in the log', async () => {
    const storage = new IdbStorage(createNodeStore(freshDbName()));
    await storage.load();
    await expect(storage.save({ entries: [noop(2, 1)] })).rejects.toThrow(/batch starts at 2/);
  });

  it('deleteNodeDatabase leaves an empty database behind', async () => {
    const name = freshDbName();
    const storage = new IdbStorage(createNodeStore(name));
    await storage.load();
    await storage.save({ hardState: { term: 3, vote: 2, commit: 0 }, entries: [noop(1, 3)] });
    await deleteNodeDatabase(name);
    const result = await loaded(createNodeStore(name));
    expect(result.ok && result.state).toEqual({ hardState: { term: 0, vote: 0, commit: 0 }, entries: [] });
  });
});

describe('IdbStorage crashes', () => {
  it('a crash before a batch commits loses that batch only', async () => {
    const name = freshDbName();
    const store = createNodeStore(name);
    const storage = new IdbStorage(store);
    await storage.load();
    const first: StorageBatch = { hardState: { term: 1, vote: 1, commit: 1 }, entries: [noop(1, 1), set(2, 1)] };
    expect(await storage.save(first)).toEqual({ ok: true });

    const crashing = new IdbStorage(crashingStore(store));
    await crashing.load();
    const second = await crashing.save({ hardState: { term: 2, vote: 3, commit: 2 }, entries: [set(3, 2), set(4, 2)] });
    expect(second.ok).toBe(false);

    const result = await loaded(createNodeStore(name));
    expect(result).toEqual({ ok: true, state: { hardState: first.hardState, entries: first.entries }, empty: false });
  });

  it('a crash in a truncating batch leaves the old suffix whole (all or nothing)', async () => {
    const name = freshDbName();
    const store = createNodeStore(name);
    const storage = new IdbStorage(store);
    await storage.load();
    await storage.save({ hardState: { term: 1, vote: 0, commit: 1 }, entries: [noop(1, 1), set(2, 1), set(3, 1)] });
    const crashing = new IdbStorage(crashingStore(store));
    await crashing.load();
    expect((await crashing.save({ hardState: { term: 2, vote: 0, commit: 1 }, entries: [noop(2, 2)] })).ok).toBe(false);
    const result = await loaded(createNodeStore(name));
    expect(result.ok && result.state.entries).toEqual([noop(1, 1), set(2, 1), set(3, 1)]);
    expect(result.ok && result.state.hardState.term).toBe(1);
  });

  it('reports a full disk as a quota error, a typed result', async () => {
    const storage = new IdbStorage(quotaStore(createNodeStore(freshDbName())));
    await storage.load();
    const result = await storage.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: [noop(1, 1)] });
    expect(result).toEqual({ ok: false, error: { kind: 'quota', message: expect.stringMatching(/QuotaExceededError/) } });
    expect(storage.durable().lastIndex).toBe(0);
  });

  it('reports a database that cannot be opened as unavailable', async () => {
    const broken: UseStore = () => Promise.reject(new DOMException('blocked by the browser', 'InvalidStateError'));
    const result = await new IdbStorage(broken).load();
    expect(result).toEqual({ ok: false, error: { kind: 'unavailable', message: expect.stringMatching(/blocked by the browser/) } });
  });
});

function snapshotAt(index: number, term: number, data = `{"state":${index}}`): Snapshot {
  return { index, term, data, checksum: checksum(data) };
}

describe('IdbStorage with snapshots', () => {
  it('a compaction writes the snapshot and drops the entries it covers in the same transaction', async () => {
    const name = freshDbName();
    const inner = createNodeStore(name);
    const modes: IDBTransactionMode[] = [];
    const storage = new IdbStorage((mode, callback) => {
      modes.push(mode);
      return inner(mode, callback);
    });
    await storage.load();
    await storage.save({ hardState: { term: 1, vote: 1, commit: 3 }, entries: [noop(1, 1), set(2, 1), set(3, 1), set(4, 1)] });
    await storage.save({ snapshot: { snapshot: snapshotAt(3, 1), from: 'compaction' }, entries: [set(5, 1)], hardState: { term: 1, vote: 1, commit: 4 } });
    expect(modes).toEqual(['readonly', 'readwrite', 'readwrite']);
    expect(storage.durable()).toEqual({ hardState: { term: 1, vote: 1, commit: 4 }, lastIndex: 5, snapshotIndex: 3 });
    const again = await loaded(createNodeStore(name));
    expect(again).toEqual({ ok: true, empty: false, state: { hardState: { term: 1, vote: 1, commit: 4 }, snapshot: snapshotAt(3, 1), entries: [set(4, 1), set(5, 1)] } });
  });

  it('a snapshot from the leader replaces the whole log', async () => {
    const name = freshDbName();
    const storage = new IdbStorage(createNodeStore(name));
    await storage.load();
    await storage.save({ hardState: { term: 1, vote: 1, commit: 1 }, entries: [noop(1, 1), set(2, 1), set(3, 1)] });
    await storage.save({ snapshot: { snapshot: snapshotAt(40, 3), from: 'leader' }, entries: [], hardState: { term: 3, vote: 0, commit: 40 } });
    await storage.save({ entries: [set(41, 3)] });
    const again = await loaded(createNodeStore(name));
    expect(again.ok && again.state).toEqual({ hardState: { term: 3, vote: 0, commit: 40 }, snapshot: snapshotAt(40, 3), entries: [set(41, 3)] });
    await expect(storage.save({ entries: [set(40, 3)] })).rejects.toThrow(/batch starts at 40, log holds 41\.\.41/);
  });

  it('a crash before the compaction commits keeps the old log whole', async () => {
    const name = freshDbName();
    const store = createNodeStore(name);
    const storage = new IdbStorage(store);
    await storage.load();
    await storage.save({ hardState: { term: 1, vote: 1, commit: 3 }, entries: [noop(1, 1), set(2, 1), set(3, 1)] });
    const crashing = new IdbStorage(crashingStore(store));
    await crashing.load();
    const result = await crashing.save({ snapshot: { snapshot: snapshotAt(3, 1), from: 'compaction' }, entries: [] });
    expect(result.ok).toBe(false);
    const again = await loaded(createNodeStore(name));
    expect(again.ok && again.state).toEqual({ hardState: { term: 1, vote: 1, commit: 3 }, entries: [noop(1, 1), set(2, 1), set(3, 1)] });
  });

  it.each([
    ['a truncated snapshot', (s: Snapshot) => ({ ...s, data: s.data.slice(0, -3) }), /snapshot at index 3 is truncated or corrupted: its data \(\d+ characters\) has checksum/],
    ['a changed character', (s: Snapshot) => ({ ...s, data: s.data.replace('3', '4') }), /truncated or corrupted/],
    ['no data', (s: Snapshot) => ({ ...s, data: undefined }), /has no data/],
    ['no checksum', (s: Snapshot) => ({ ...s, checksum: 'x' }), /no checksum/],
    ['a bad index', (s: Snapshot) => ({ ...s, index: -1 }), /bad index or term/],
    ['not an object', () => 'garbage', /not an object/],
  ])('refuses %s with a clear reason', async (_name, damage, message) => {
    const store = createNodeStore(freshDbName());
    const storage = new IdbStorage(store);
    await storage.load();
    await storage.save({ hardState: { term: 1, vote: 1, commit: 3 }, entries: [noop(1, 1), set(2, 1), set(3, 1), set(4, 1)] });
    const snapshot = snapshotAt(3, 1);
    await storage.save({ snapshot: { snapshot, from: 'compaction' }, entries: [] });
    await putRaw(store, [['snapshot', damage(snapshot)]]);
    const result = await loaded(store);
    expect(result).toEqual({ ok: false, error: { kind: 'corrupt', record: 'snapshot', message: expect.stringMatching(message) } });
  });

  it('refuses a log that does not start right after its snapshot', async () => {
    const store = createNodeStore(freshDbName());
    const storage = new IdbStorage(store);
    await storage.load();
    await storage.save({ hardState: { term: 1, vote: 1, commit: 3 }, entries: [noop(1, 1), set(2, 1), set(3, 1), set(4, 1)] });
    await storage.save({ snapshot: { snapshot: snapshotAt(2, 1), from: 'compaction' }, entries: [] });
    await putRaw(store, [[2, set(2, 1)]]);
    const result = await loaded(store);
    expect(result).toMatchObject({ ok: false, error: { kind: 'corrupt', record: 'entry 2', message: expect.stringMatching(/expected entry 3, found 2/) } });
  });
});

describe('IdbStorage detects corrupted records', () => {
  async function corruptedWith(records: [IDBValidKey, unknown][], base: Entry[] = [noop(1, 1), set(2, 1), set(3, 1)]): Promise<LoadResult> {
    const store = createNodeStore(freshDbName());
    const storage = new IdbStorage(store);
    await storage.load();
    await storage.save({ hardState: { term: 1, vote: 1, commit: 2 }, entries: base });
    await putRaw(store, records);
    return loaded(store);
  }

  it.each([
    ['a record that is not an object', [[2, 'garbage']], 'entry 2', /not an object/],
    ['an entry stored under the wrong key', [[2, set(7, 1)]], 'entry 2', /says index 7/],
    ['a term that is not a number', [[3, { ...set(3, 1), term: 'one' }]], 'entry 3', /bad term/],
    ['terms that go down', [[3, set(3, 1)], [2, set(2, 5)]], 'entry 3', /below the previous/],
    ['a gap in the log', [[5, set(5, 1)]], 'entry 5', /gap/],
    ['an unknown entry type', [[2, { index: 2, term: 1, data: { type: 'snapshot' } }]], 'entry 2', /unknown entry type/],
    ['a command that fails validation', [[2, { index: 2, term: 1, data: { type: 'command', clientId: 'c', seq: 1, command: { op: 'set', key: '', value: 'v' } } }]], 'entry 2', /invalid command/],
    ['a hard state commit beyond the log', [['hard', { term: 1, vote: 1, commit: 9 }]], 'hard', /beyond the last log entry/],
    ['a hard state term below the log', [['hard', { term: 0, vote: 0, commit: 0 }]], 'hard', /below the last log entry's term/],
    ['a hard state of the wrong shape', [['hard', [1, 2, 3]]], 'hard', /not an object/],
    ['an unknown format version', [['format', { version: 99 }]], 'format', /unknown storage format/],
    ['an unexpected key', [['mystery', 1]], 'mystery', /unexpected record/],
  ] as const)('%s', async (_name, records, record, message) => {
    const result = await corruptedWith(records as unknown as [IDBValidKey, unknown][]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('corrupt');
    expect(result.error.kind === 'corrupt' && result.error.record).toBe(record);
    expect(result.error.message).toMatch(message);
  });

  it('an intact database passes the same checks', async () => {
    const result = await corruptedWith([]);
    expect(result.ok).toBe(true);
  });
});

describe('MemoryNodeStorage', () => {
  it('tracks what a disk would hold (truncate, append) and starts empty', async () => {
    const memory = new MemoryNodeStorage();
    await memory.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: [noop(1, 1), set(2, 1), set(3, 1)] });
    await memory.save({ hardState: { term: 2, vote: 0, commit: 1 }, entries: [noop(2, 2)] });
    expect(memory.durable()).toEqual({ hardState: { term: 2, vote: 0, commit: 1 }, lastIndex: 2, snapshotIndex: 0 });
    await expect(memory.save({ entries: [noop(4, 2)] })).rejects.toThrow(/batch starts at 4/);
    const result = await memory.load();
    expect(result.ok && result.state).toEqual({ hardState: { term: 0, vote: 0, commit: 0 }, entries: [] });
  });
});

it('uses one database per node and one store named raft', async () => {
  const name = freshDbName();
  const storage = new IdbStorage(createNodeStore(name));
  await storage.load();
  await storage.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: [] });
  const db = await promisifyRequest(indexedDB.open(name));
  expect([...db.objectStoreNames]).toEqual([STORE_NAME]);
  db.close();
});
