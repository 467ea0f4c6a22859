import { describe, expect, it } from 'vitest';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES } from '../../core/kv-types.ts';
import { helpText, parseLine } from './parse.ts';

function command(line: string) {
  const parsed = parseLine(line);
  if (parsed.kind !== 'command') throw new Error(`expected a command from ${line}, got ${JSON.stringify(parsed)}`);
  return parsed.command;
}

function error(line: string): string {
  const parsed = parseLine(line);
  if (parsed.kind !== 'error') throw new Error(`expected an error from ${line}, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

describe('parseLine: the commands', () => {
  it('parses SET, GET, DEL case-insensitively', () => {
    expect(command('SET a 1')).toEqual({ op: 'set', key: 'a', value: '1' });
    expect(command('set a 1')).toEqual({ op: 'set', key: 'a', value: '1' });
    expect(command('Get a')).toEqual({ op: 'get', key: 'a' });
    expect(command('del a')).toEqual({ op: 'del', key: 'a' });
  });

  it('keeps the case of keys and values', () => {
    expect(command('SET Key VaLuE')).toEqual({ op: 'set', key: 'Key', value: 'VaLuE' });
  });

  it('ignores extra spaces and tabs between words', () => {
    expect(command('  SET\t a    b  ')).toEqual({ op: 'set', key: 'a', value: 'b' });
  });

  it('KEYS with and without a prefix', () => {
    expect(command('KEYS')).toEqual({ op: 'keys', prefix: '' });
    expect(command('keys user:')).toEqual({ op: 'keys', prefix: 'user:' });
  });

  it('empty and blank lines are empty, not errors', () => {
    expect(parseLine('')).toEqual({ kind: 'empty' });
    expect(parseLine('   ')).toEqual({ kind: 'empty' });
  });

  it('HELP with and without a topic, and CLEAR', () => {
    expect(parseLine('help')).toEqual({ kind: 'help', topic: undefined });
    expect(parseLine('HELP cas')).toEqual({ kind: 'help', topic: 'CAS' });
    expect(parseLine('clear')).toEqual({ kind: 'clear' });
  });
});

describe('parseLine: quoting', () => {
  it('a double-quoted value holds spaces', () => {
    expect(command('SET greeting "hello world"')).toEqual({ op: 'set', key: 'greeting', value: 'hello world' });
  });

  it('a single-quoted value holds spaces and double quotes', () => {
    expect(command(`SET q 'say "hi" now'`)).toEqual({ op: 'set', key: 'q', value: 'say "hi" now' });
  });

  it('quoted keys, empty quoted values, escapes', () => {
    expect(command('SET "my key" ""')).toEqual({ op: 'set', key: 'my key', value: '' });
    expect(command('SET k "a\\"b\\\\c\\nd"')).toEqual({ op: 'set', key: 'k', value: 'a"b\\c\nd' });
  });

  it('HTML-like text is just text', () => {
    expect(command(`SET x '<img src=x onerror="alert(1)">'`)).toEqual({ op: 'set', key: 'x', value: '<img src=x onerror="alert(1)">' });
  });

  it('an unterminated quote is an error that says where', () => {
    expect(error('SET k "oops')).toMatch(/Unterminated double quote starting at column 7/);
    expect(error("SET k 'oops")).toMatch(/Unterminated single quote/);
  });

  it('a quote in the middle of a word, or glued after a closing quote, is an error', () => {
    expect(error('SET k ab"c d"')).toMatch(/quote must start a word/);
    expect(error('SET k "ab"c')).toMatch(/space after the closing quote/);
  });

  it('an unknown escape is an error naming the valid ones', () => {
    expect(error('SET k "a\\qb"')).toMatch(/Unknown escape \\q/);
  });
});

describe('parseLine: CAS', () => {
  it('CAS with an expected value', () => {
    expect(command('CAS k old new')).toEqual({ op: 'cas', key: 'k', expected: 'old', value: 'new' });
  });

  it('unquoted nil (any case) means the key must be absent', () => {
    expect(command('CAS k nil first')).toEqual({ op: 'cas', key: 'k', expected: null, value: 'first' });
    expect(command('cas k NIL first')).toEqual({ op: 'cas', key: 'k', expected: null, value: 'first' });
  });

  it('quoted "nil" is the literal three-letter string', () => {
    expect(command('CAS k "nil" x')).toEqual({ op: 'cas', key: 'k', expected: 'nil', value: 'x' });
  });

  it('CAS with quoted values holding spaces', () => {
    expect(command('CAS k "a b" "c d"')).toEqual({ op: 'cas', key: 'k', expected: 'a b', value: 'c d' });
  });

  it('HELP documents nil', () => {
    expect(helpText('CAS').join('\n')).toMatch(/nil/);
  });
});

describe('parseLine: errors give the right form', () => {
  it('wrong arity names the command form', () => {
    expect(error('SET a')).toBe('SET takes 2 arguments, got 1 argument. Usage: SET key value');
    expect(error('GET')).toBe('GET takes 1 argument, got no arguments. Usage: GET key');
    expect(error('GET a b')).toMatch(/Usage: GET key$/);
    expect(error('DEL')).toMatch(/Usage: DEL key$/);
    expect(error('KEYS a b')).toMatch(/KEYS takes 0 to 1 arguments.*Usage: KEYS \[prefix\]/);
    expect(error('CAS k v')).toMatch(/CAS takes 3 arguments, got 2 arguments\. Usage: CAS key expected new/);
    expect(error('CLEAR now')).toMatch(/Usage: CLEAR/);
  });

  it('an unquoted value with spaces suggests quoting', () => {
    expect(error('SET k hello world')).toMatch(/quote a value with spaces: SET key "two words"/);
  });

  it('unknown commands list the real ones', () => {
    expect(error('PUT a 1')).toMatch(/Unknown command "PUT"\. Commands: SET, GET, DEL, KEYS, CAS, HELP, CLEAR/);
    expect(error('"SET" a 1')).toMatch(/Unknown command/);
    expect(helpText('NOPE')[0]).toMatch(/Unknown command "NOPE"/);
  });

  it('an empty key is refused', () => {
    expect(error('SET "" v')).toMatch(/key must not be empty/);
    expect(error('GET ""')).toMatch(/key must not be empty/);
  });

  it('a value over 64 KiB is refused with its size; exactly 64 KiB is fine', () => {
    const limit = 'x'.repeat(MAX_VALUE_BYTES);
    expect(command(`SET k ${limit}`)).toEqual({ op: 'set', key: 'k', value: limit });
    expect(error(`SET k ${limit}y`)).toBe(`The value is ${MAX_VALUE_BYTES + 1} bytes; the limit is ${MAX_VALUE_BYTES} bytes (64 KiB).`);
  });

  it('value size counts UTF-8 bytes, not characters', () => {
    const euros = '€'.repeat(Math.floor(MAX_VALUE_BYTES / 3) + 1); // 3 bytes each
    expect(error(`SET k ${euros}`)).toMatch(/The value is \d+ bytes; the limit is 65536 bytes/);
  });

  it('CAS checks both values against the limit', () => {
    const big = 'y'.repeat(MAX_VALUE_BYTES + 1);
    expect(error(`CAS k ${big} small`)).toMatch(/limit is 65536/);
    expect(error(`CAS k small ${big}`)).toMatch(/limit is 65536/);
  });

  it('an oversized key is refused', () => {
    expect(error(`GET ${'k'.repeat(MAX_KEY_BYTES + 1)}`)).toMatch(/key is 1025 bytes; the limit is 1024/);
  });

  it('very long unknown words are shortened in the message', () => {
    expect(error('x'.repeat(500)).length).toBeLessThan(200);
  });
});

describe('helpText', () => {
  it('lists every command with its form', () => {
    const text = helpText().join('\n');
    for (const form of ['SET key value', 'GET key', 'DEL key', 'KEYS [prefix]', 'CAS key expected new', 'HELP [command]']) {
      expect(text).toContain(form);
    }
  });
});

describe('@N: one node only', () => {
  it('parses a target node before any command', () => {
    expect(parseLine('@2 SET k v')).toEqual({ kind: 'command', command: { op: 'set', key: 'k', value: 'v' }, target: 2 });
    expect(parseLine('@3 get k')).toEqual({ kind: 'command', command: { op: 'get', key: 'k' }, target: 3 });
  });

  it('says the right form for a bad target or a command that cannot be targeted', () => {
    expect(parseLine('@x SET k v')).toMatchObject({ kind: 'error', message: expect.stringContaining('Usage: @N COMMAND') });
    expect(parseLine('@0 GET k')).toMatchObject({ kind: 'error' });
    expect(parseLine('@2 HELP')).toMatchObject({ kind: 'error', message: expect.stringContaining('Only SET, GET, DEL, KEYS and CAS') });
    expect(parseLine('@2 SET k')).toMatchObject({ kind: 'error', message: expect.stringContaining('Usage: SET key value') });
    expect(parseLine('"@2" SET k v')).toMatchObject({ kind: 'error', message: expect.stringContaining('Unknown command') });
  });

  it('names the node numbers of the cluster it runs in (#17 item 6)', () => {
    expect(parseLine('@x GET k', 3)).toMatchObject({ kind: 'error', message: expect.stringContaining('(node numbers 1 to 3)') });
    expect(parseLine('@4 GET k', 3)).toMatchObject({ kind: 'error', message: expect.stringContaining('(node numbers 1 to 3)') });
    expect(parseLine('@5 GET k', 5)).toMatchObject({ kind: 'command', target: 5 });
    expect(parseLine('@12 GET k', 7)).toMatchObject({ kind: 'error', message: expect.stringContaining('1 to 7') });
  });
});

describe('escapes inside double quotes', () => {
  it('reads \\u{HEX} (how the page shows hidden characters) and \\r', () => {
    expect(parseLine('SET "a\\u{202E}b" "\\r\\u{1F600}"')).toEqual({ kind: 'command', command: { op: 'set', key: 'a\u202Eb', value: '\r😀' } });
    expect(parseLine('GET "\\u{110000}"')).toMatchObject({ kind: 'error', message: expect.stringContaining('\\u{HEX}') });
    expect(parseLine('GET "\\u202E"')).toMatchObject({ kind: 'error' });
  });
});
