import { describe, expect, it } from 'vitest';
import { AssertionError } from '../core/assert.ts';
import { checkHistory, type CheckResult } from './check-history.ts';
import type { History } from './history.ts';
import { append, cas, del, get, history, set } from './testing/history-builder.ts';

function verdictOf(h: History, model: 'kv' | 'cas-register' = 'kv'): CheckResult['verdict'] {
  return checkHistory(h, { model, timeBudgetMs: 5_000 }).verdict;
}

describe('checkHistory: real-time order and concurrency', () => {
  it('accepts either order for two overlapping writes', () => {
    const writes = [set('a', 'x', '1', [0, 10]), set('b', 'x', '2', [5, 15])];
    expect(verdictOf(history(...writes, get('c', 'x', '1', [20, 21])))).toBe('linearizable');
    expect(verdictOf(history(...writes, get('c', 'x', '2', [20, 21])))).toBe('linearizable');
  });

  it('rejects the older value once two writes are ordered in real time', () => {
    const h = history(set('a', 'x', '1', [0, 4]), set('b', 'x', '2', [5, 9]), get('c', 'x', '1', [10, 11]));
    expect(verdictOf(h)).toBe('not-linearizable');
  });

  it('lets a read overlapping a write see the old or the new value', () => {
    const before = [set('a', 'x', '1', [0, 1]), set('b', 'x', '2', [2, 10])];
    expect(verdictOf(history(...before, get('c', 'x', '1', [3, 4])))).toBe('linearizable');
    expect(verdictOf(history(...before, get('c', 'x', '2', [3, 4])))).toBe('linearizable');
  });

  it('rejects two sequential reads that see the new value and then the old one', () => {
    const h = history(
      set('a', 'x', '1', [0, 1]),
      set('b', 'x', '2', [2, 20]),
      get('c', 'x', '2', [3, 4]),
      get('c', 'x', '1', [5, 6]),
    );
    expect(verdictOf(h)).toBe('not-linearizable');
  });

  it('treats a return and a call at the same instant as concurrent', () => {
    const h = history(set('a', 'x', '1', [0, 5]), get('b', 'x', null, [5, 6]));
    expect(verdictOf(h)).toBe('linearizable');
  });
});

describe('checkHistory: the classic violations', () => {
  it('rejects a read that saw a value before it was written', () => {
    const h = history(get('a', 'x', '1', [0, 2]), set('b', 'x', '1', [3, 4]));
    expect(verdictOf(h)).toBe('not-linearizable');
  });

  it('rejects a lost write: a completed set that a later read does not see', () => {
    const h = history(set('a', 'x', '1', [0, 2]), get('b', 'x', null, [3, 4]));
    expect(verdictOf(h)).toBe('not-linearizable');
  });

  it('rejects a lost append', () => {
    const h = history(append('a', 'x', 'p', [0, 2]), append('b', 'x', 'q', [1, 3]), get('c', 'x', 'q', [4, 5]));
    expect(verdictOf(h)).toBe('not-linearizable');
  });

  it('accepts both append orders when the appends overlap', () => {
    const appends = [append('a', 'x', 'p', [0, 2]), append('b', 'x', 'q', [1, 3])];
    expect(verdictOf(history(...appends, get('c', 'x', 'pq', [4, 5])))).toBe('linearizable');
    expect(verdictOf(history(...appends, get('c', 'x', 'qp', [4, 5])))).toBe('linearizable');
  });
});

describe('checkHistory: unknown outcomes', () => {
  it('accepts a later read that sees a write whose outcome is unknown', () => {
    expect(verdictOf(history(set('a', 'x', '1', [0]), get('b', 'x', '1', [10, 11])))).toBe('linearizable');
  });

  it('accepts a later read that does not see a write whose outcome is unknown', () => {
    expect(verdictOf(history(set('a', 'x', '1', [0]), get('b', 'x', null, [10, 11])))).toBe('linearizable');
  });

  it('accepts an unknown write that takes effect long after its call, between two reads', () => {
    const h = history(set('a', 'x', '1', [0]), get('b', 'x', null, [10, 11]), get('b', 'x', '1', [20, 21]));
    expect(verdictOf(h)).toBe('linearizable');
  });

  it('rejects a read of an unknown write that happened before the write was called', () => {
    expect(verdictOf(history(get('b', 'x', '1', [0, 1]), set('a', 'x', '1', [5])))).toBe('not-linearizable');
  });

  it('rejects reads that need an unknown write to take effect twice', () => {
    const h = history(
      set('a', 'x', '1', [0]),
      set('b', 'x', '2', [1, 2]),
      get('c', 'x', '1', [3, 4]),
      get('c', 'x', '2', [5, 6]),
      get('c', 'x', '1', [7, 8]),
    );
    expect(verdictOf(h)).toBe('not-linearizable');
  });

  it('lets two identical unknown writes take effect at different times', () => {
    const h = history(
      set('a', 'x', '1', [0]),
      set('b', 'x', '1', [1]),
      get('c', 'x', '1', [10, 11]),
      set('c', 'x', '2', [12, 13]),
      get('c', 'x', '1', [14, 15]),
    );
    expect(verdictOf(h)).toBe('linearizable');
    expect(verdictOf(history(...h.ops.slice(1).map(({ id: _, ...op }) => op)))).toBe('not-linearizable');
  });

  it('lets an unknown cas swap or not', () => {
    const start = [set('a', 'x', '1', [0, 1]), cas('b', 'x', '1', '2', true, [2])];
    expect(verdictOf(history(...start, get('c', 'x', '2', [10, 11])))).toBe('linearizable');
    expect(verdictOf(history(...start, get('c', 'x', '1', [10, 11])))).toBe('linearizable');
    expect(verdictOf(history(...start, get('c', 'x', '3', [10, 11])))).toBe('not-linearizable');
  });
});

describe('checkHistory: del and cas results', () => {
  it('checks the value a del reports, and ignores it when not reported', () => {
    const start = set('a', 'x', '1', [0, 1]);
    expect(verdictOf(history(start, del('b', 'x', [2, 3], '1'), get('c', 'x', null, [4, 5])))).toBe('linearizable');
    expect(verdictOf(history(start, del('b', 'x', [2, 3], '9')))).toBe('not-linearizable');
    expect(verdictOf(history(start, del('b', 'x', [2, 3])))).toBe('linearizable');
  });

  it('requires a cas to swap exactly when the value equals expected', () => {
    const start = set('a', 'x', '1', [0, 1]);
    expect(verdictOf(history(start, cas('b', 'x', '1', '2', true, [2, 3]), get('c', 'x', '2', [4, 5])))).toBe('linearizable');
    expect(verdictOf(history(start, cas('b', 'x', '7', '2', true, [2, 3])))).toBe('not-linearizable');
    expect(verdictOf(history(start, cas('b', 'x', '1', '2', false, [2, 3])))).toBe('not-linearizable');
    expect(verdictOf(history(start, cas('b', 'x', '7', '2', false, [2, 3])))).toBe('linearizable');
  });

  it('treats cas on an absent key with expected null', () => {
    expect(verdictOf(history(cas('b', 'x', null, '2', true, [0, 1]), get('c', 'x', '2', [2, 3])))).toBe('linearizable');
  });

  it('checks the value a cas reports seeing', () => {
    const start = set('a', 'x', '1', [0, 1]);
    const refused = { ...cas('b', 'x', '7', '2', false, [2, 3]), result: { ok: false, value: '5' } };
    expect(verdictOf(history(start, refused))).toBe('not-linearizable');
    expect(verdictOf(history(start, { ...refused, result: { ok: false, value: '1' } }))).toBe('linearizable');
  });

  it('ignores operations that definitely failed', () => {
    const failed = { ...set('a', 'x', '1', [0, 1]), result: { ok: false } };
    expect(verdictOf(history(failed, get('b', 'x', null, [2, 3])))).toBe('linearizable');
  });
});

describe('checkHistory: keys, models and budgets', () => {
  it('checks keys independently and reports how many', () => {
    const h = history(set('a', 'x', '1', [0, 1]), set('a', 'y', '2', [2, 3]), get('b', 'x', '1', [4, 5]), get('b', 'y', '2', [4, 5]));
    expect(checkHistory(h)).toMatchObject({ verdict: 'linearizable', keys: 2 });
  });

  it('names the failing key', () => {
    const h = history(set('a', 'x', '1', [0, 1]), set('a', 'y', '2', [2, 3]), get('b', 'y', '1', [4, 5]));
    const result = checkHistory(h);
    expect(result.verdict === 'not-linearizable' && result.explanation.key).toBe('y');
  });

  it('accepts an empty history', () => {
    expect(checkHistory({ ops: [] })).toMatchObject({ verdict: 'linearizable', keys: 0 });
  });

  it('runs the cas-register model and refuses operations it does not have', () => {
    const h = history(set('a', 'r', '1', [0, 1]), cas('b', 'r', '1', '2', true, [2, 3]), get('c', 'r', '2', [4, 5]));
    expect(verdictOf(h, 'cas-register')).toBe('linearizable');
    expect(() => verdictOf(history(del('a', 'r', [0, 1])), 'cas-register')).toThrow(AssertionError);
  });

  it('asserts on a malformed history', () => {
    const h = history(set('a', 'x', '1', [0, 1]));
    expect(() => checkHistory({ ops: [...h.ops, ...h.ops] })).toThrow(/two operations with id 0/);
    expect(() => checkHistory({ ops: [{ ...h.ops[0]!, return: -1 }] })).toThrow(AssertionError);
  });

  it('answers unknown, not a guess, when the time budget runs out', () => {
    const result = checkHistory(manyConcurrentAppends(14), { timeBudgetMs: 100 });
    expect(result.verdict).toBe('unknown');
    expect(result.verdict === 'unknown' && result.reason).toMatch(/time budget of 100 ms ran out/);
    expect(result.elapsedMs).toBeLessThan(2_000);
  });

  it('still reports a definite violation on another key when one key is unknown', () => {
    const writes = Array.from({ length: 20 }, (_, i) => set('w', 'b', String(i), [300 + 2 * i, 301 + 2 * i]));
    const violation = [...writes, get('r', 'b', '3', [400, 401])];
    const hard = manyConcurrentAppends(14).ops.map(({ id: _, ...op }) => op);
    const result = checkHistory(history(...hard, ...violation), { timeBudgetMs: 60_000, maxCacheBytes: 1 << 20 });
    expect(result.verdict === 'not-linearizable' && result.explanation.key).toBe('b');
  });

  it('answers unknown when the search cache passes its memory bound', () => {
    const result = checkHistory(manyConcurrentAppends(14), { timeBudgetMs: 60_000, maxCacheBytes: 1 << 20 });
    expect(result.verdict === 'unknown' && result.reason).toMatch(/search cache .* passed/);
  });
});

/**
 * n overlapping appends, all returned before a read of a value no order produces: every
 * order of the appends gives a different string, so the search must try all n! of them.
 */
function manyConcurrentAppends(n: number): History {
  const appends = Array.from({ length: n }, (_, i) => append(`c${i}`, 'x', String.fromCharCode(97 + i), [i, 100 + i]));
  return history(...appends, get('reader', 'x', 'never written', [200, 201]));
}
