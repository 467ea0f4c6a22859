import { describe, expect, it } from 'vitest';
import type { ConsoleReply } from '../../runtime/cluster-api.ts';
import { parseLine } from './parse.ts';
import { formatCommand, formatResult, formatRoute, quoteValue, replyText } from './format.ts';

function reply(partial: Partial<ConsoleReply>): ConsoleReply {
  return { ok: true, text: '', path: [], latencyMs: 0, ...partial };
}

describe('formatResult', () => {
  it('reads like redis-cli', () => {
    expect(formatResult({ op: 'set', ok: true })).toBe('OK');
    expect(formatResult({ op: 'get', ok: true, value: 'v' })).toBe('"v"');
    expect(formatResult({ op: 'get', ok: true, value: null })).toBe('(nil)');
    expect(formatResult({ op: 'del', ok: true, value: null })).toMatch(/did not exist/);
    expect(formatResult({ op: 'del', ok: true, value: 'old' })).toBe('deleted, was "old"');
    expect(formatResult({ op: 'cas', ok: true, value: null })).toBe('OK: swapped (was (nil))');
    expect(formatResult({ op: 'cas', ok: false, value: 'x' })).toBe('NOT SWAPPED: the value is "x"');
    expect(formatResult({ op: 'keys', ok: true, keys: [] })).toBe('(empty list)');
    expect(formatResult({ op: 'keys', ok: true, keys: ['a', 'b'] })).toBe('1) "a"\n2) "b"');
  });

  it('keeps a right-to-left override and control characters inside the quotes (#17 item 7)', () => {
    expect(formatResult({ op: 'keys', ok: true, keys: ['evil\u202Etxt.exe', 'a\nb'] })).toBe('1) "evil\\u{202E}txt.exe"\n2) "a\\nb"');
    expect(formatResult({ op: 'get', ok: true, value: '\u2067x\u0007' })).toBe('"\\u{2067}x\\u{0007}"');
  });

  it('cuts very long values and says how long they were', () => {
    const shown = quoteValue('z'.repeat(5000));
    expect(shown.length).toBeLessThan(2100);
    expect(shown).toContain('(5000 characters)');
  });
});

describe('formatRoute', () => {
  it('names the node that answered, the path and the time', () => {
    expect(formatRoute(reply({ answeredBy: 3, path: [3], latencyMs: 12.4 }))).toBe('answered by n3, 12 ms');
    expect(formatRoute(reply({ answeredBy: 3, path: [1, 3], latencyMs: 40 }))).toBe('answered by n3 via n1 → n3, 40 ms');
    expect(formatRoute(reply({ path: [1, 2], latencyMs: 5 }))).toBe('no node answered (tried n1 → n2), 5 ms');
    expect(formatRoute(reply({ path: [], latencyMs: 0 }))).toBe('no node answered, 0 ms');
  });
});

describe('replyText', () => {
  it('shows errors as errors, results as results', () => {
    expect(replyText(reply({ ok: false, error: 'key too large', text: 'x' }))).toBe('(error) key too large');
    expect(replyText(reply({ ok: true, result: { op: 'get', ok: true, value: 'v' } }))).toBe('"v"');
    expect(replyText(reply({ ok: false, result: { op: 'cas', ok: false, value: 'v' } }))).toMatch(/NOT SWAPPED/);
    expect(replyText(reply({ ok: true, text: 'fallback' }))).toBe('fallback');
  });
});

describe('formatCommand', () => {
  it('round-trips through the parser', () => {
    const lines = ['SET "a\\u{202E}b" "\\u{7}"', 'GET "\\u{1F600}"', 'SET a 1', 'SET "a b" "c d"', 'GET k', 'DEL k', 'KEYS', 'KEYS p', 'CAS k nil v', 'CAS k "nil" v', 'SET k "say \\"hi\\""'];
    for (const line of lines) {
      const parsed = parseLine(line);
      if (parsed.kind !== 'command') throw new Error(line);
      const again = parseLine(formatCommand(parsed.command));
      expect(again).toEqual(parsed);
    }
  });

  it('echoes hidden characters escaped, never raw', () => {
    expect(formatCommand({ op: 'set', key: 'k\u202E', value: 'v' })).toBe('SET "k\\u{202E}" v');
  });
});
