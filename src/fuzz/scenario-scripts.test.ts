/**
 * Runs every scenario script in src/raft/testdata/ (format: script-format.ts, commands:
 * script-cluster.ts) and compares each command's output with the script's. `UPDATE=1 npx vitest
 * run src/fuzz/scenario-scripts.test.ts` rewrites the expected output instead: review the diff.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScriptCluster } from './script-cluster.ts';
import { formatScript, parseScript } from './script-format.ts';

const dir = join(import.meta.dirname, '..', 'raft', 'testdata');
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
const update = process.env.UPDATE === '1';

describe('scenario scripts', () => {
  it('there are at least 15', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(files)('%s', (file) => {
    const path = join(dir, file);
    const blocks = parseScript(readFileSync(path, 'utf8'));
    const cluster = new ScriptCluster();
    const outputs = blocks.map((b) => cluster.run(b.command));
    if (update) return writeFileSync(path, formatScript(blocks, outputs));
    for (const [k, b] of blocks.entries()) {
      expect(outputs[k]!.join('\n'), `${file}:${b.line} ${b.command}`).toBe(b.expected.join('\n'));
    }
  });
});

describe('script format', () => {
  it('keeps comments and rewrites outputs', () => {
    const blocks = parseScript('# hello\nstatus\n----\nold\n\nmailbox\n----\n');
    expect(blocks.map((b) => [b.comments, b.command, b.expected, b.line])).toEqual([[['# hello'], 'status', ['old'], 2], [[], 'mailbox', [], 6]]);
    expect(formatScript(blocks, [['new'], ['(empty)']])).toBe('# hello\nstatus\n----\nnew\n\nmailbox\n----\n(empty)\n');
  });

  it('a command without ---- is an error naming the line', () => {
    expect(() => parseScript('status\nlog 1\n')).toThrow(/line 2: expected "----" after the command "status"/);
  });

  it('a bad command is reported as its output', () => {
    const c = new ScriptCluster();
    expect(c.run('frobnicate')).toEqual(['error: unknown command "frobnicate"']);
    c.run('add-nodes 3');
    expect(c.run('campaign 9')).toEqual(['error: no node 9 (nodes 1 to 3)']);
    expect(c.run('deliver colour=red')).toEqual(['error: unknown filter "colour" (from, to, type, count)']);
  });

  it('compact prints the refusal, and the snapshot options are checked', () => {
    const c = new ScriptCluster();
    expect(new ScriptCluster().run('add-nodes 3 chunk=0')).toEqual(['error: chunk size: expected at least 1']);
    expect(new ScriptCluster().run('add-nodes 3 snapshot=x')).toEqual(['error: snapshot threshold: expected a whole number, got "x"']);
    c.run('add-nodes 3 snapshot=0');
    expect(c.run('compact 1')).toEqual(['refused: nothing to compact: no entry was applied since the snapshot at 0']);
    c.run('crash 2');
    expect(c.run('compact 2')).toEqual(['error: n2 is down']);
    expect(c.run('invariants')).toEqual(['ok']);
  });

  it('add-node and remove-node go through the leader, print refusals, and the new node joins `all`', () => {
    const c = new ScriptCluster();
    c.run('add-nodes 3');
    expect(c.run('add-node')).toEqual(['refused: no leader to propose it: wait for an election']);
    expect(c.run('remove-node 4')).toEqual(['error: no node 4 (nodes 1 to 3)']);
    c.run('campaign 1');
    c.run('stabilize');
    expect(c.run('add-node').at(-1)).toBe('n4: up, follower term=0 vote=0 last=0 voters=1,2,3 learners=—');
    expect(c.run('remove-node 2')).toEqual([expect.stringMatching(/^refused: a membership change is still in progress/)]);
    c.run('stabilize');
    expect(c.run('status').at(-1)).toBe('n4: follower term=1 vote=0 lead=1 commit=2 applied=2 last=2 voters=1,2,3 learners=4');
    expect(c.run('tick all 1').filter((l) => l.startsWith('send 1->4'))).not.toEqual([]);
    expect(c.run('invariants')).toEqual(['ok']);
  });
});
