import { describe, expect, it } from 'vitest';
import { RaftLog } from './log.ts';
import type { Entry } from '../core/types.ts';

const noop = { type: 'noop' } as const;
const entries = (...terms: number[]): Entry[] => terms.map((term, k) => ({ index: k + 1, term, data: noop }));

describe('RaftLog', () => {
  it('rejects a durable log that is not contiguous or whose terms decrease', () => {
    expect(() => new RaftLog([{ index: 2, term: 1, data: noop }])).toThrow(/not contiguous/);
    expect(() => new RaftLog(entries(2, 1))).toThrow(/term decreases/);
  });

  it('appends from a leader: skips what matches, truncates only from the first conflict', () => {
    const log = new RaftLog(entries(1, 1, 2, 2));
    log.takeUnstable();
    // A stale, reordered append covering only entries we have must not erase the suffix.
    expect(log.appendFromLeader(entries(1, 1, 2).slice(1), true)).toBe(3);
    expect(log.lastIndex()).toBe(4);
    expect(log.hasUnstable()).toBe(false);
    // A conflict at index 3 replaces 3.. with the leader's entries.
    log.appendFromLeader([{ index: 3, term: 3, data: noop }], true);
    expect(log.all().map((e) => e.term)).toEqual([1, 1, 3]);
    expect(log.firstUnstable()).toBe(3);
    expect(log.takeUnstable().map((e) => e.index)).toEqual([3]);
  });

  it('the no-truncate bug keeps a conflicting suffix (the negative control)', () => {
    const log = new RaftLog(entries(1, 1, 2, 2));
    log.appendFromLeader([{ index: 3, term: 3, data: noop }], false);
    expect(log.all().map((e) => e.term)).toEqual([1, 1, 3, 2]);
  });

  it('answers the election restriction and the term lookups used for fast back-tracking', () => {
    const log = new RaftLog(entries(1, 1, 2, 2, 2, 4));
    expect(log.isUpToDate(6, 4)).toBe(true);
    expect(log.isUpToDate(5, 4)).toBe(false);
    expect(log.isUpToDate(99, 3)).toBe(false);
    expect(log.isUpToDate(1, 5)).toBe(true);
    expect(log.firstIndexOfTerm(2, 5, 1)).toBe(3);
    expect(log.firstIndexOfTerm(2, 5, 4)).toBe(4); // never below the floor
    expect(log.lastIndexOfTerm(2)).toBe(5);
    expect(log.lastIndexOfTerm(3)).toBe(0);
  });

  it('slices with count and byte limits, always at least one entry', () => {
    const log = new RaftLog(entries(1, 1, 1, 1));
    expect(log.slice(1, 4, 2).map((e) => e.index)).toEqual([1, 2]);
    expect(log.slice(2, 4, Infinity, 1).map((e) => e.index)).toEqual([2]);
    expect(() => log.slice(2, 5)).toThrow(/outside log/);
  });
});

describe('RaftLog after a snapshot', () => {
  const e = (index: number, term: number) => ({ index, term, data: { type: 'noop' as const } });

  it('compact drops the prefix but keeps the snapshot point term for the next append check', () => {
    const log = new RaftLog([e(1, 1), e(2, 1), e(3, 2), e(4, 2)]);
    log.compact(2);
    expect([log.firstIndex(), log.snapshotIndex(), log.lastIndex()]).toEqual([3, 2, 4]);
    expect(log.term(2)).toBe(1);
    expect(log.termOrUndefined(1)).toBeUndefined();
    expect(log.matchTerm(2, 1)).toBe(true);
    expect(() => log.entry(2)).toThrow(/outside the log 3\.\.4/);
    expect(log.slice(3, 4).map((x) => x.index)).toEqual([3, 4]);
    expect(() => log.slice(2, 4)).toThrow(/outside log 3\.\.4/);
  });

  it('an append from the leader skips entries the snapshot covers and truncates only after it', () => {
    const log = new RaftLog([e(3, 2), e(4, 2)], 2, 1);
    log.takeUnstable();
    log.appendFromLeader([e(2, 1), e(3, 2), e(4, 3), e(5, 3)], true);
    expect(log.all().map((x) => `${x.index}@${x.term}`)).toEqual(['3@2', '4@3', '5@3']);
    expect(log.firstUnstable()).toBe(4);
  });

  it('restore replaces the whole log with the snapshot point; new entries follow it', () => {
    const log = new RaftLog([e(1, 1), e(2, 1)]);
    log.restore(10, 3);
    expect([log.firstIndex(), log.lastIndex(), log.lastTerm()]).toEqual([11, 10, 3]);
    expect(log.isUpToDate(10, 3)).toBe(true);
    log.appendFromLeader([e(11, 3)], true);
    expect(log.takeUnstable().map((x) => x.index)).toEqual([11]);
  });

  it('refuses to compact entries not yet handed to storage', () => {
    const log = new RaftLog([e(1, 1)]);
    log.appendNew(1, { type: 'noop' });
    expect(() => log.compact(2)).toThrow(/not yet handed to storage/);
  });
});
