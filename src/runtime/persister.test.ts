import { describe, expect, it } from 'vitest';
import type { StorageBatch } from '../core/storage.ts';
import type { Entry, HardState } from '../core/types.ts';
import { COMMIT_FLUSH_MS, Persister, type BatchStorage, type PersisterTimers } from './persister.ts';

class ManualStorage implements BatchStorage {
  writes: StorageBatch[] = [];
  private waiting: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  save(batch: StorageBatch): Promise<void> {
    this.writes.push(batch);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
  /** Completes the oldest write in progress. */
  complete(): void {
    this.waiting.shift()!.resolve();
  }
  fail(e: unknown): void {
    this.waiting.shift()!.reject(e);
  }
  inProgress(): number {
    return this.waiting.length;
  }
}

class ManualTimers implements PersisterTimers {
  private next = 1;
  timers = new Map<number, () => void>();
  setTimeout(run: () => void, _ms: number): unknown {
    const handle = this.next++;
    this.timers.set(handle, run);
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  fireAll(): void {
    const runs = [...this.timers.values()];
    this.timers.clear();
    for (const run of runs) run();
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const hs = (term: number, vote: number, commit: number): HardState => ({ term, vote, commit });
const noop = (index: number, term: number): Entry => ({ index, term, data: { type: 'noop' } });

function setup() {
  const storage = new ManualStorage();
  const timers = new ManualTimers();
  const errors: unknown[] = [];
  const persister = new Persister(storage, hs(1, 1, 0), timers, (e) => errors.push(e));
  return { storage, timers, errors, persister };
}

describe('Persister', () => {
  it('reports a batch with entries done only once its write completed', async () => {
    const { storage, persister } = setup();
    let done = false;
    persister.persist({ hardState: hs(1, 1, 0), entries: [noop(1, 1)] }, () => (done = true));
    await flush();
    expect(storage.writes).toHaveLength(1);
    expect(done).toBe(false);
    storage.complete();
    await flush();
    expect(done).toBe(true);
  });

  it('waits for a new vote or term, which a message may promise', async () => {
    const { storage, persister } = setup();
    let done = false;
    persister.persist({ hardState: hs(2, 3, 0), entries: [] }, () => (done = true));
    await flush();
    expect(done).toBe(false);
    storage.complete();
    await flush();
    expect(done).toBe(true);
    expect(storage.writes).toEqual([{ hardState: hs(2, 3, 0), entries: [] }]);
  });

  it('does not wait for a commit-only change; it rides on the next batch', async () => {
    const { storage, timers, persister } = setup();
    let done = false;
    persister.persist({ hardState: hs(1, 1, 5), entries: [] }, () => (done = true));
    expect(done).toBe(true);
    expect(persister.hasPending()).toBe(true);
    persister.persist({ entries: [noop(6, 1)] }, () => {});
    await flush();
    expect(storage.writes).toEqual([{ hardState: hs(1, 1, 5), entries: [noop(6, 1)] }]);
    expect(persister.hasPending()).toBe(false);
    expect(timers.timers.size).toBe(0);
  });

  it('writes a commit-only change alone when no batch comes within the flush delay', async () => {
    const { storage, timers, persister } = setup();
    persister.persist({ hardState: hs(1, 1, 4), entries: [] }, () => {});
    persister.persist({ hardState: hs(1, 1, 7), entries: [] }, () => {});
    expect(timers.timers.size).toBe(1);
    expect(COMMIT_FLUSH_MS).toBeGreaterThan(0);
    timers.fireAll();
    await flush();
    expect(storage.writes).toEqual([{ hardState: hs(1, 1, 7), entries: [] }]);
  });

  it('serialises the idle flush behind a write in progress', async () => {
    const { storage, timers, persister } = setup();
    persister.persist({ hardState: hs(1, 1, 3), entries: [] }, () => {});
    timers.fireAll(); // the flush starts its write
    await flush();
    persister.persist({ entries: [noop(1, 1)] }, () => {});
    await flush();
    expect(storage.inProgress()).toBe(1); // the batch waits for the flush
    storage.complete();
    await flush();
    expect(storage.inProgress()).toBe(1);
    expect(storage.writes.map((w) => w.entries.length)).toEqual([0, 1]);
  });

  it('a term change supersedes a pending commit-only change', async () => {
    const { storage, persister } = setup();
    persister.persist({ hardState: hs(1, 1, 2), entries: [] }, () => {});
    persister.persist({ hardState: hs(2, 0, 2), entries: [] }, () => {});
    await flush();
    expect(storage.writes).toEqual([{ hardState: hs(2, 0, 2), entries: [] }]);
  });

  it('after stop(), completions are ignored and pending changes dropped', async () => {
    const { storage, timers, persister } = setup();
    let done = false;
    persister.persist({ entries: [noop(1, 1)] }, () => (done = true));
    await flush();
    persister.stop();
    storage.complete();
    await flush();
    expect(done).toBe(false);
    persister.persist({ hardState: hs(1, 1, 1), entries: [] }, () => {});
    timers.fireAll();
    await flush();
    expect(storage.writes).toHaveLength(1);
  });

  it('a failed write is reported and never reports done', async () => {
    const { storage, errors, persister } = setup();
    let done = false;
    persister.persist({ entries: [noop(1, 1)] }, () => (done = true));
    await flush();
    storage.fail(new Error('disk gone'));
    await flush();
    expect(done).toBe(false);
    expect(errors).toHaveLength(1);
  });
});
