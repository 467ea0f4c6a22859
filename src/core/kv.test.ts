import { describe, expect, it } from 'vitest';
import { KvStore, validateCommand } from './kv.ts';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES, type KvCommand } from './kv-types.ts';
import type { Entry } from './types.ts';

let index = 0;
function cmd(clientId: string, seq: number, command: KvCommand): Entry {
  index++;
  return { index, term: 1, data: { type: 'command', clientId, seq, command } };
}

describe('KvStore', () => {
  it('applies a request once even when it is in the log twice, with another write in between', () => {
    index = 0;
    const kv = new KvStore();
    expect(kv.apply(cmd('a', 1, { op: 'set', key: 'x', value: 'from-a' }))).toEqual({ op: 'set', ok: true });
    kv.apply(cmd('b', 1, { op: 'set', key: 'x', value: 'from-b' }));
    // A retried copy of a's request, committed later by a new leader: not applied again,
    // answered with the original result.
    expect(kv.apply(cmd('a', 1, { op: 'set', key: 'x', value: 'from-a' }))).toEqual({ op: 'set', ok: true });
    expect(kv.data.get('x')).toBe('from-b');
    expect(kv.cachedResult('a', 1)).toEqual({ op: 'set', ok: true });
  });

  it('the no-dedup bug applies the retry again (the negative control)', () => {
    index = 0;
    const kv = new KvStore(undefined, 'no-dedup');
    kv.apply(cmd('a', 1, { op: 'set', key: 'x', value: 'from-a' }));
    kv.apply(cmd('b', 1, { op: 'set', key: 'x', value: 'from-b' }));
    kv.apply(cmd('a', 1, { op: 'set', key: 'x', value: 'from-a' }));
    expect(kv.data.get('x')).toBe('from-a');
  });

  it('evicts the least recently used session beyond the bound, deterministically', () => {
    index = 0;
    const kv = new KvStore(2);
    kv.apply(cmd('a', 1, { op: 'set', key: 'k', value: '1' }));
    kv.apply(cmd('b', 1, { op: 'set', key: 'k', value: '2' }));
    kv.apply(cmd('a', 2, { op: 'set', key: 'k', value: '3' }));
    kv.apply(cmd('c', 1, { op: 'set', key: 'k', value: '4' }));
    expect([...kv.sessions.keys()]).toEqual(['a', 'c']);
  });

  it('rejects applying out of order', () => {
    const kv = new KvStore();
    expect(() => kv.apply({ index: 2, term: 1, data: { type: 'noop' } })).toThrow(/out of order/);
  });
});

describe('validateCommand', () => {
  it('accepts good commands and names the problem with bad ones', () => {
    expect(validateCommand({ op: 'set', key: 'k', value: '' })).toBeUndefined();
    expect(validateCommand({ op: 'cas', key: 'k', expected: null, value: 'v' })).toBeUndefined();
    expect(validateCommand({ op: 'get', key: '' })?.code).toBe('empty-key');
    expect(validateCommand({ op: 'set', key: 'k'.repeat(MAX_KEY_BYTES + 1), value: 'v' })?.code).toBe('key-too-large');
    expect(validateCommand({ op: 'set', key: 'k', value: 'é'.repeat(MAX_VALUE_BYTES / 2 + 1) })?.message).toMatch(/65538 bytes/);
    expect(validateCommand({ op: 'cas', key: 'k', expected: 'x'.repeat(MAX_VALUE_BYTES + 1), value: 'v' })?.code).toBe('value-too-large');
    expect(validateCommand({ op: 'frobnicate' } as unknown as KvCommand)?.code).toBe('unknown-command');
  });
});

describe('KvStore snapshots', () => {
  it('encode and restore carry the data and the session table, so a retry is still answered once', () => {
    const kv = new KvStore();
    kv.apply({ index: 1, term: 1, data: { type: 'command', clientId: 'c1', seq: 1, command: { op: 'set', key: 'a', value: '1' } } });
    kv.apply({ index: 2, term: 1, data: { type: 'command', clientId: 'c2', seq: 7, command: { op: 'set', key: 'b', value: '2' } } });
    const copy = new KvStore();
    copy.restore(kv.encode());
    expect([...copy.data]).toEqual([['a', '1'], ['b', '2']]);
    expect(copy.appliedIndex).toBe(2);
    expect(copy.cachedResult('c2', 7)).toEqual({ op: 'set', ok: true });
    const retry = copy.apply({ index: 3, term: 1, data: { type: 'command', clientId: 'c1', seq: 1, command: { op: 'set', key: 'a', value: 'again' } } });
    expect(retry).toEqual({ op: 'set', ok: true });
    expect(copy.data.get('a')).toBe('1');
  });

  it.each([
    ['not JSON', '{"version":1,', /not valid JSON/],
    ['another version', '{"version":2}', /unknown version 2/],
    ['bad data', '{"version":1,"appliedIndex":3,"data":[[1,2]],"sessions":[]}', /list of \[key, value\] strings/],
    ['bad sessions', '{"version":1,"appliedIndex":3,"data":[],"sessions":[["c",null]]}', /session table/],
  ])('restore refuses %s and changes nothing', (_name, text, message) => {
    const kv = new KvStore();
    kv.apply({ index: 1, term: 1, data: { type: 'command', clientId: 'c1', seq: 1, command: { op: 'set', key: 'a', value: '1' } } });
    expect(() => kv.restore(text)).toThrow(message);
    expect([...kv.data]).toEqual([['a', '1']]);
    expect(kv.appliedIndex).toBe(1);
  });
});
