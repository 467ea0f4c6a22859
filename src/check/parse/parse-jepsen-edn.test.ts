/**
 * Jepsen / Knossos EDN histories, written by hand from Jepsen's documented meaning of each event:
 * :fail did not happen, :info may or may not have happened, a nil read observed nothing.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../check-history.ts';
import { readEdn } from './edn.ts';
import { parseJepsenEdn, type JepsenEdnOptions } from './parse-jepsen-edn.ts';

/** One event per line: `0 invoke write 1` (process, type, f, value as EDN). */
function edn(...events: string[]): string {
  return events
    .map((e) => {
      const [process, type, f, ...value] = e.split(' ');
      return `{:type :${type}, :f :${f}, :value ${value.join(' ')}, :process ${process}}`;
    })
    .join('\n');
}

function verdict(text: string, options: JepsenEdnOptions = {}): string {
  const parsed = parseJepsenEdn(text, options);
  if (!parsed.ok) throw new Error(`line ${parsed.line}: ${parsed.message}`);
  return checkHistory(parsed.history, { model: 'cas-register', timeBudgetMs: 5_000 }).verdict;
}

describe('jepsen-edn histories, with Jepsen\'s meaning', () => {
  it('a read after an acknowledged write sees it; an older value is a violation', () => {
    expect(verdict(edn('0 invoke write 1', '0 ok write 1', '1 invoke read nil', '1 ok read 1'))).toBe('linearizable');
    expect(verdict(edn('0 invoke write 1', '0 ok write 1', '0 invoke write 2', '0 ok write 2', '1 invoke read nil', '1 ok read 1'))).toBe('not-linearizable');
  });

  it(':fail did not happen: reading the failed write\'s value is a violation', () => {
    const base = ['0 invoke write 1', '0 ok write 1', '0 invoke write 2', '0 fail write 2', '1 invoke read nil'];
    expect(verdict(edn(...base, '1 ok read 1'))).toBe('linearizable');
    expect(verdict(edn(...base, '1 ok read 2'))).toBe('not-linearizable');
  });

  it(':info may or may not have happened: either read is fine, but not both orders', () => {
    const base = ['0 invoke write 1', '0 ok write 1', '0 invoke write 2', '0 info write 2'];
    expect(verdict(edn(...base, '1 invoke read nil', '1 ok read 2'))).toBe('linearizable');
    expect(verdict(edn(...base, '1 invoke read nil', '1 ok read 1'))).toBe('linearizable');
    // Once 2 was seen it took effect, and 1 cannot come back.
    expect(verdict(edn(...base, '1 invoke read nil', '1 ok read 2', '2 invoke read nil', '2 ok read 1'))).toBe('not-linearizable');
  });

  it('a read whose value is nil observed nothing definite', () => {
    expect(verdict(edn('0 invoke write 1', '0 ok write 1', '1 invoke read nil', '1 ok read nil'))).toBe('linearizable');
  });

  it('--initial sets the register\'s starting value (default: absent)', () => {
    const read0 = edn('1 invoke read nil', '1 ok read 0');
    expect(verdict(read0)).toBe('not-linearizable');
    expect(verdict(read0, { initial: '0' })).toBe('linearizable');
    const cas = edn('0 invoke cas [0 1]', '0 ok cas [0 1]', '1 invoke read nil', '1 ok read 1');
    expect(verdict(cas, { initial: '0' })).toBe('linearizable');
    expect(verdict(cas)).toBe('not-linearizable'); // nothing was 0 to swap
  });

  it('a failed cas did not happen, so it constrains nothing', () => {
    expect(verdict(edn('0 invoke write 5', '0 ok write 5', '1 invoke cas [5 6]', '1 fail cas [5 6]', '2 invoke read nil', '2 ok read 5'))).toBe('linearizable');
  });

  it('jepsen.independent tuples: each key is its own register', () => {
    const text = edn('0 invoke write [1 3]', '0 ok write [1 3]', '1 invoke write [2 4]', '1 ok write [2 4]', '2 invoke read [1 nil]', '2 ok read [1 3]', '3 invoke cas [2 [4 5]]', '3 ok cas [2 [4 5]]', '2 invoke read [2 nil]');
    expect(verdict(text + '\n' + edn('2 ok read [2 5]'))).toBe('linearizable');
    expect(verdict(text + '\n' + edn('2 ok read [2 3]'))).toBe('not-linearizable');
    const parsed = parseJepsenEdn(text);
    expect(parsed.ok && [...new Set(parsed.history.ops.map((o) => o.key))]).toEqual(['1', '2']);
  });

  it('reads a history.edn vector, tagged Op records and comments; skips nemesis events', () => {
    const text = `; a Jepsen history
[#jepsen.history.Op{:index 0, :type :invoke, :f :write, :value 1, :process 0}
 {:index 1, :type :info, :f :start, :process :nemesis, :value "partition"}
 #jepsen.history.Op{:index 2, :type :ok, :f :write, :value 1, :process 0}
 {:index 3 :type :invoke :f :read :value nil :process 1}
 #_ {:index 9 :type :ok :f :read :value 7 :process 1}
 {:index 4 :type :ok :f :read :value 1 :process 1}]`;
    const parsed = parseJepsenEdn(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.history.ops).toHaveLength(2);
    expect(verdict(text)).toBe('linearizable');
  });

  it('bad input: a clear error and the line where reading stopped', () => {
    expect(parseJepsenEdn('{:type :invoke, :f :write, :value 1, :process 0}\n{:type :ok :f :write')).toEqual({ ok: false, line: 2, message: 'not EDN: a "{" opened here is never closed' });
    expect(parseJepsenEdn('{:type :invoke, :f :add, :value 1, :process 0}')).toMatchObject({ ok: false, line: 1, message: expect.stringContaining('expected :f to be :read, :write or :cas (register operations), found :add') });
    expect(parseJepsenEdn('\n{:f :read, :value nil, :process 0}')).toMatchObject({ ok: false, line: 2, message: expect.stringContaining('expected :type to be :invoke, :ok, :fail or :info') });
    expect(parseJepsenEdn('{:type :ok, :f :read, :value 1, :process 3}')).toMatchObject({ ok: false, message: expect.stringContaining('process 3 completes :read but has no open call') });
    expect(parseJepsenEdn('{:type :invoke, :f :cas, :value 1, :process 0}')).toMatchObject({ ok: false, message: expect.stringContaining('expected a cas to carry [old new], found 1') });
    expect(parseJepsenEdn('[1 2 3]')).toMatchObject({ ok: false, message: expect.stringContaining('expected an operation map') });
    expect(parseJepsenEdn('; nothing here\n')).toMatchObject({ ok: false, message: expect.stringContaining('no client operations found') });
  });
});

describe('the EDN reader', () => {
  it('reads the values Jepsen writes', () => {
    const r = readEdn('"a\\"b\\n" 12345678901234567890 -3 1.5 :k/x sym true nil \\a #{1 2} (1 2) #_ 99 #inst "2024-01-01"');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const values = r.forms.map((f) => f.value);
    expect(values.slice(0, 4)).toEqual(['a"b\n', 12345678901234567890n, -3, 1.5]);
    expect(values.slice(4).map((v) => (v === null ? 'nil' : String(v)))).toEqual([':k/x', 'sym', 'true', 'nil', 'a', '1,2', '1,2', '2024-01-01']);
  });

  it('says where it stopped', () => {
    expect(readEdn('[1\n2\n')).toEqual({ ok: false, line: 1, message: 'a "[" opened here is never closed' });
    expect(readEdn('{:a}')).toEqual({ ok: false, line: 1, message: 'a map needs a value for every key' });
    expect(readEdn('1\n)')).toEqual({ ok: false, line: 2, message: 'unexpected ")"' });
    expect(readEdn('"abc')).toEqual({ ok: false, line: 1, message: 'a string opened here is never closed' });
    expect(readEdn('12x')).toEqual({ ok: false, line: 1, message: '"12x" is not a number' });
  });
});
