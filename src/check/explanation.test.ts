import { describe, expect, it } from 'vitest';
import { checkHistory } from './check-history.ts';
import type { Explanation } from './explanation.ts';
import { formatExplanation } from './explanation-text.ts';
import type { History } from './history.ts';
import { cas, get, history, set } from './testing/history-builder.ts';

function explain(h: History): Explanation {
  const result = checkHistory(h);
  if (result.verdict !== 'not-linearizable') throw new Error(`expected a violation, got ${result.verdict}`);
  return result.explanation;
}

describe('the explanation of a violation', () => {
  it('gives the longest linearizable prefix and the operation that cannot follow it (stale read)', () => {
    const h = history(set('a', 'x', '1', [0, 1]), set('b', 'x', '2', [2, 3]), get('c', 'x', '1', [4, 5]), set('d', 'y', '9', [0, 9]));
    const explanation = explain(h);
    expect(explanation).toEqual({
      key: 'x',
      model: 'kv',
      keyOpCount: 3,
      prefix: [
        { op: h.ops[0], valueAfter: '1' },
        { op: h.ops[1], valueAfter: '2' },
      ],
      valueAfterPrefix: '2',
      deadline: h.ops[2],
      blocked: [{ op: h.ops[2], reason: 'it read "1", but the value was "2"' }],
    });
  });

  it('lists every operation that could come next, each with its reason', () => {
    const h = history(
      set('a', 'x', '1', [0, 1]),
      cas('b', 'x', '5', '6', true, [2, 6]),
      get('c', 'x', '7', [3, 5]),
      cas('d', 'x', '1', '3', false, [4, 8]),
    );
    const { prefix, blocked, deadline } = explain(h);
    expect(prefix.map((p) => p.op.id)).toEqual([0]);
    expect(deadline.id).toBe(2);
    expect(blocked).toEqual([
      { op: h.ops[1], reason: 'it swapped, but the value was "1", not the expected "5"' },
      { op: h.ops[2], reason: 'it read "7", but the value was "1"' },
      { op: h.ops[3], reason: 'it refused to swap, but the value was "1", equal to the expected "1"' },
    ]);
  });

  it('prints as text with times and results', () => {
    const h = history(set('a', 'x', '1', [0, 1]), get('c', 'x', null, [4, 5]));
    const text = formatExplanation(explain(h));
    expect(text).toContain('key "x" (kv model, 2 operations to order) is not linearizable.');
    expect(text).toContain('1. #0 client a: set "x" "1" -> ok (called 0, returned 1)  => value "1"');
    expect(text).toContain('#1 client c: get "x" -> absent (called 4, returned 5): it read absent, but the value was "1"');
  });

  it('says so when no operation can come first, and shortens a long prefix', () => {
    const first = formatExplanation(explain(history(get('c', 'x', '1', [0, 1]))));
    expect(first).toContain('No operation can come first');
    const writes = Array.from({ length: 30 }, (_, i) => set('a', 'x', String(i), [2 * i, 2 * i + 1]));
    const text = formatExplanation(explain(history(...writes, get('b', 'x', 'zz', [100, 101]))), { maxPrefixOps: 5 });
    expect(text).toContain('... 25 earlier operations ...');
    expect(text).toContain('30. #29 client a: set "x" "29"');
    expect(text).not.toContain('25. #24');
  });
});
