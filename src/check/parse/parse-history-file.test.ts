import { describe, expect, it } from 'vitest';
import type { History } from '../history.ts';
import { parseHistoryFile } from './parse-history-file.ts';
import type { ParseResult } from './parse-result.ts';

function historyOf(result: ParseResult): History {
  if (!result.ok) throw new Error(`line ${result.line}: ${result.message}`);
  return result.history;
}

const setOp = { id: 0, client: 'c1', op: 'set', key: 'x', value: '1', call: 0, return: 5, result: { ok: true } };
const getOp = { id: 1, client: 'c2', op: 'get', key: 'x', call: 6 };

describe('parseHistoryFile: json', () => {
  it('reads the document Simulation.history() returns', () => {
    const text = JSON.stringify({ ops: [setOp, getOp] }, null, 2);
    expect(historyOf(parseHistoryFile(text, 'json'))).toEqual({ ops: [setOp, getOp] });
  });

  it('reads one operation per line', () => {
    const text = `${JSON.stringify(setOp)}\n\n${JSON.stringify(getOp)}\n`;
    expect(historyOf(parseHistoryFile(text, 'json')).ops).toEqual([setOp, getOp]);
  });

  it('points at the line of an invalid operation in a document', () => {
    const text = `{\n  "ops": [\n    ${JSON.stringify(setOp)},\n    ${JSON.stringify({ ...getOp, op: 'put' })}\n  ]\n}`;
    expect(parseHistoryFile(text, 'json')).toEqual({
      ok: false,
      line: 4,
      message: 'operation 1: expected "op" to be one of get, set, del, cas, append, found "put"',
    });
  });

  it('points at the line of a JSON syntax error in a document', () => {
    const text = `{\n  "ops": [\n    ${JSON.stringify(setOp)},\n    {"id": 1,, }\n  ]\n}`;
    const result = parseHistoryFile(text, 'json');
    expect(result).toMatchObject({ ok: false, line: 4 });
    expect(!result.ok && result.message).toMatch(/invalid JSON/);
  });

  it('points at the bad line in JSON Lines, and says what was expected', () => {
    const text = `${JSON.stringify(setOp)}\n${JSON.stringify({ ...getOp, return: 7 })}\n`;
    expect(parseHistoryFile(text, 'json')).toEqual({
      ok: false,
      line: 2,
      message: 'operation 1: expected "result" with "ok" when "return" is present, found nothing',
    });
    const broken = `${JSON.stringify(setOp)}\nnot json\n`;
    expect(parseHistoryFile(broken, 'json')).toMatchObject({ ok: false, line: 2 });
  });

  it('rejects duplicate ids at the second one, return before call, and an empty file', () => {
    expect(parseHistoryFile(`${JSON.stringify(setOp)}\n${JSON.stringify(setOp)}`, 'json')).toMatchObject({ ok: false, line: 2 });
    const backwards = JSON.stringify({ ...setOp, call: 9 });
    expect(parseHistoryFile(backwards, 'json')).toMatchObject({ ok: false, line: 1, message: 'operation 0: "return" (5) is before "call" (9)' });
    expect(parseHistoryFile('  \n', 'json')).toMatchObject({ ok: false, line: 1 });
  });

  it('accepts an explicit empty history', () => {
    expect(historyOf(parseHistoryFile('{"ops": []}', 'json'))).toEqual({ ops: [] });
  });
});

describe('parseHistoryFile: jepsen-etcd', () => {
  const log = [
    'INFO  jepsen.util - 0\t:invoke\t:write\t3',
    'INFO  jepsen.core - some other line, ignored',
    'INFO  jepsen.util - 1\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 0\t:ok\t:write\t3',
    'INFO  jepsen.util - 1\t:ok\t:read\t3',
    'INFO  jepsen.util - 2   :invoke :cas    [3 4]',
    'INFO  jepsen.util - 2   :fail   :cas    [3 4]',
    'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 3\t:fail\t:read\t:timed-out',
    'INFO  jepsen.util - 4\t:invoke\t:write\t1',
    'INFO  jepsen.util - 4\t:info\t:write\t:timed-out',
    'INFO  jepsen.util - 5\t:invoke\t:cas\t[1 2]',
  ].join('\n');

  it('pairs calls with completions, with line numbers as times', () => {
    const key = 'register';
    expect(historyOf(parseHistoryFile(log, 'jepsen-etcd')).ops).toEqual([
      { id: 0, client: '0', op: 'set', key, value: '3', call: 1, return: 4, result: { ok: true } },
      { id: 1, client: '1', op: 'get', key, call: 3, return: 5, result: { ok: true, value: '3' } },
      { id: 2, client: '2', op: 'cas', key, expected: '3', value: '4', call: 6, return: 7, result: { ok: false } },
      { id: 3, client: '3', op: 'get', key, call: 8, return: 9, result: { ok: false } },
      { id: 4, client: '4', op: 'set', key, value: '1', call: 10 },
      { id: 5, client: '5', op: 'cas', key, expected: '1', value: '2', call: 12 },
    ]);
  });

  it('reports a malformed event line and what it expected', () => {
    const result = parseHistoryFile(`${log}\nINFO  jepsen.util - 6\t:invoke\t:frobnicate\t1`, 'jepsen-etcd');
    expect(result).toMatchObject({ ok: false, line: 13 });
    expect(!result.ok && result.message).toMatch(/^expected "INFO jepsen.util - P :invoke\|:ok/);
    expect(parseHistoryFile('INFO  jepsen.util - 0\t:invoke\t:write\tx', 'jepsen-etcd')).toMatchObject({ ok: false, line: 1 });
  });

  it('reports completions without a matching call', () => {
    expect(parseHistoryFile('INFO  jepsen.util - 0\t:ok\t:write\t3', 'jepsen-etcd')).toEqual({
      ok: false,
      line: 1,
      message: 'process 0 completes :write but has no open call',
    });
    const mismatch = 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:write\t3';
    expect(parseHistoryFile(mismatch, 'jepsen-etcd')).toMatchObject({ ok: false, line: 2 });
  });

  it('rejects a file without client events', () => {
    expect(parseHistoryFile('', 'jepsen-etcd')).toMatchObject({ ok: false, line: 1 });
  });
});

describe('parseHistoryFile: porcupine-kv', () => {
  const log = [
    '{:process 0, :type :invoke, :f :put, :key "k", :value "a"}',
    '{:process 1, :type :invoke, :f :get, :key "k", :value nil}',
    '{:process 0, :type :ok, :f :put, :key "k", :value "a"}',
    '{:process 1, :type :ok, :f :get, :key "k", :value ""}',
    '{:process 2, :type :invoke, :f :append, :key "k \\"q\\"", :value "b"}',
    '{:process 3, :type :invoke, :f :put, :key "k", :value ""}',
    '{:process 3, :type :ok, :f :put, :key "k", :value ""}',
  ].join('\n');

  it('maps get/put/append, reads "" as absent and a put of "" as a del', () => {
    expect(historyOf(parseHistoryFile(log, 'porcupine-kv')).ops).toEqual([
      { id: 0, client: '0', op: 'set', key: 'k', value: 'a', call: 1, return: 3, result: { ok: true } },
      { id: 1, client: '1', op: 'get', key: 'k', call: 2, return: 4, result: { ok: true, value: null } },
      { id: 2, client: '2', op: 'append', key: 'k "q"', value: 'b', call: 5 },
      { id: 3, client: '3', op: 'del', key: 'k', call: 6, return: 7, result: { ok: true } },
    ]);
  });

  it('reports an unparseable line with its number and the expected shape', () => {
    const result = parseHistoryFile(`${log}\n{:process 4, :type :invoke, :f :put}`, 'porcupine-kv');
    expect(result).toMatchObject({ ok: false, line: 8 });
    expect(!result.ok && result.message).toMatch(/^expected \{:process N, :type :invoke\|:ok\|:fail\|:info/);
  });
});
