import { describe, expect, it } from 'vitest';
import { runCheckCommand, type CommandIo } from './check-command.ts';
import { get, history, set } from '../check/testing/history-builder.ts';

interface Run {
  code: number;
  out: string[];
  err: string[];
}

function run(args: string[], files: Record<string, string>): Run {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  return { code: runCheckCommand(args, io), out, err };
}

const good = JSON.stringify(history(set('a', 'x', '1', [0, 1]), get('b', 'x', '1', [2, 3])));
const stale = JSON.stringify(history(set('a', 'x', '1', [0, 1]), get('b', 'x', null, [2, 3])));

describe('the check command', () => {
  it('prints linearizable, the time taken and a summary, and exits 0', () => {
    const { code, out } = run(['h.json'], { 'h.json': good });
    expect(code).toBe(0);
    expect(out[0]).toBe('linearizable');
    expect(out.at(-1)).toMatch(/^check: linearizable: h\.json: 2 operations \(json, kv model\) on 1 key; parsed in [\d.]+ ms, checked in [\d.]+ ms$/);
  });

  it('prints not linearizable with the explanation, and exits 1', () => {
    const { code, out } = run(['h.json', '--format', 'json'], { 'h.json': stale });
    expect(code).toBe(1);
    expect(out[0]).toBe('not linearizable');
    expect(out.join('\n')).toContain('it read absent, but the value was "1"');
    expect(out.at(-1)).toMatch(/^check: not linearizable \(key "x"\): h\.json/);
  });

  it('exits 3 with the reason when the time budget runs out', () => {
    const appends = Array.from({ length: 14 }, (_, i) => ({
      id: i, client: `c${i}`, op: 'append', key: 'x', value: String.fromCharCode(97 + i), call: i, return: 100 + i, result: { ok: true },
    }));
    const read = { id: 14, client: 'r', op: 'get', key: 'x', call: 200, return: 201, result: { ok: true, value: 'never' } };
    const { code, out } = run(['h.json', '--time-budget-ms', '50'], { 'h.json': JSON.stringify({ ops: [...appends, read] }) });
    expect(code).toBe(3);
    expect(out[0]).toMatch(/^unknown: the time budget of 50 ms ran out/);
    expect(out.at(-1)).toMatch(/^check: unknown: /);
  });

  it('exits 2 for a missing file, naming it', () => {
    const { code, out, err } = run(['nope.json'], {});
    expect(code).toBe(2);
    expect(err[0]).toMatch(/^cannot read nope\.json: ENOENT/);
    expect(out).toEqual([expect.stringMatching(/^check: bad input: cannot read nope\.json/)]);
  });

  it('exits 2 for an unparseable line, with its number and what was expected', () => {
    const text = '{:process 0, :type :invoke, :f :get, :key "k", :value nil}\n{:process 0, :type :ok}\n';
    const { code, err, out } = run(['h.edn', '--format', 'porcupine-kv'], { 'h.edn': text });
    expect(code).toBe(2);
    expect(err[0]).toMatch(/^h\.edn:2: expected \{:process N, :type/);
    expect(out.at(-1)).toMatch(/^check: bad input: h\.edn:2: /);
  });

  it('exits 2 for bad arguments, with the usage', () => {
    for (const args of [[], ['a', 'b'], ['h.json', '--format', 'xml'], ['h.json', '--time-budget-ms', '0'], ['h.json', '--frob']]) {
      const { code, err, out } = run(args, { 'h.json': good });
      expect(code).toBe(2);
      expect(err.join('\n')).toContain('usage: npm run check -- FILE');
      expect(out).toHaveLength(1);
    }
  });

  it('reads Jepsen EDN histories, with --initial for the register\'s starting value', () => {
    const edn = '{:type :invoke, :f :read, :value nil, :process 0}\n{:type :ok, :f :read, :value 0, :process 0}\n';
    const absent = run(['h.edn', '--format', 'jepsen-edn'], { 'h.edn': edn });
    expect(absent.code).toBe(1);
    const zero = run(['h.edn', '--format', 'jepsen-edn', '--initial', '0'], { 'h.edn': edn });
    expect(zero.code).toBe(0);
    expect(zero.out.at(-1)).toMatch(/^check: linearizable: h\.edn: 2 operations \(jepsen-edn, cas-register model\) on 1 key;/);
    const bad = run(['h.edn', '--format', 'jepsen-edn'], { 'h.edn': '{:type :invoke' });
    expect(bad.code).toBe(2);
    expect(bad.out.at(-1)).toBe('check: bad input: h.edn:1: not EDN: a "{" opened here is never closed (reading it as jepsen-edn)');
    const misplaced = run(['h.json', '--initial', '0'], { 'h.json': good });
    expect(misplaced.code).toBe(2);
    expect(misplaced.out.at(-1)).toBe('check: bad input: --initial applies to --format jepsen-edn only (found --format json)');
  });
});
