import { describe, expect, it } from 'vitest';
import { MemoryStorage } from './storage.ts';
import type { Entry } from './types.ts';

const e = (index: number, term: number): Entry => ({ index, term, data: { type: 'noop' } });

describe('MemoryStorage', () => {
  it('a crash loses only what was written but not synced', () => {
    const s = new MemoryStorage();
    s.write({ hardState: { term: 1, vote: 2, commit: 0 }, entries: [e(1, 1), e(2, 1)] });
    s.sync();
    s.write({ hardState: { term: 2, vote: 3, commit: 1 }, entries: [e(3, 2)] });
    s.crash();
    expect(s.load()).toEqual({ hardState: { term: 1, vote: 2, commit: 0 }, entries: [e(1, 1), e(2, 1)] });
  });

  it('a batch truncates the log from its first entry', () => {
    const s = new MemoryStorage();
    s.write({ entries: [e(1, 1), e(2, 1), e(3, 1)] });
    s.write({ entries: [e(2, 2)] });
    s.sync();
    expect(s.load().entries).toEqual([e(1, 1), e(2, 2)]);
    s.write({ entries: [e(5, 2)] });
    expect(() => s.sync()).toThrow(/batch starts at 5/);
  });
});

describe('MemoryStorage with snapshots', () => {
  const snap = (index: number, term: number) => ({ index, term, data: `state@${index}`, checksum: 0 });

  it('a compaction keeps the entries after the snapshot, in the same atomic write', () => {
    const s = new MemoryStorage();
    s.write({ entries: [e(1, 1), e(2, 1), e(3, 1), e(4, 2)] });
    s.sync();
    s.write({ snapshot: { snapshot: snap(2, 1), from: 'compaction' }, entries: [e(5, 2)], hardState: { term: 2, vote: 1, commit: 4 } });
    s.crash(); // the whole batch is lost: the old log is intact
    expect(s.load()).toEqual({ hardState: { term: 0, vote: 0, commit: 0 }, entries: [e(1, 1), e(2, 1), e(3, 1), e(4, 2)] });
    s.write({ snapshot: { snapshot: snap(2, 1), from: 'compaction' }, entries: [e(5, 2)] });
    s.sync();
    expect(s.load()).toEqual({ hardState: { term: 0, vote: 0, commit: 0 }, snapshot: snap(2, 1), entries: [e(3, 1), e(4, 2), e(5, 2)] });
  });

  it('a snapshot from the leader replaces the whole log, and later batches append after it', () => {
    const s = new MemoryStorage();
    s.write({ entries: [e(1, 1), e(2, 1), e(3, 1)] });
    s.write({ snapshot: { snapshot: snap(10, 3), from: 'leader' }, entries: [] });
    s.write({ entries: [e(11, 3)] });
    s.sync();
    expect(s.load()).toMatchObject({ snapshot: snap(10, 3), entries: [e(11, 3)] });
    s.write({ entries: [e(10, 3)] });
    expect(() => s.sync()).toThrow(/batch starts at 10, log holds 11\.\.11/);
  });

  it('refuses a compaction beyond what is durable or behind the stored snapshot', () => {
    const s = new MemoryStorage();
    s.write({ entries: [e(1, 1), e(2, 1)] });
    s.write({ snapshot: { snapshot: snap(3, 1), from: 'compaction' }, entries: [] });
    expect(() => s.sync()).toThrow(/compaction to 3 beyond the durable log 2/);
    const t = new MemoryStorage();
    t.write({ entries: [e(1, 1), e(2, 1)] });
    t.write({ snapshot: { snapshot: snap(2, 1), from: 'compaction' }, entries: [] });
    t.write({ snapshot: { snapshot: snap(1, 1), from: 'compaction' }, entries: [] });
    expect(() => t.sync()).toThrow(/does not move past the stored one at 2/);
  });
});
