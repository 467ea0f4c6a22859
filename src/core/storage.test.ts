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
