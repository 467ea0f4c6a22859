import { describe, expect, it } from 'vitest';
import { LimitNode } from './limit-node.ts';
import { NodeLoop } from './node-loop.ts';
import type { StorageBatch } from './storage.ts';
import type { AppendEntries, ClientReply, Message } from './types.ts';

/** A LimitNode on the shared node loop, with writes that complete only when the test says so. */
function node(id: number) {
  const limit = new LimitNode(id, [1, 2, 3]);
  const sent: Message[] = [];
  const writes: { batch: StorageBatch; done: () => void }[] = [];
  const loop = new NodeLoop(limit, { persist: (batch, done) => writes.push({ batch, done }), send: (ms) => sent.push(...ms) });
  const input = (m: Message) => {
    limit.step(m);
    loop.run();
  };
  const completeWrite = () => {
    writes.shift()!.done();
    loop.run();
  };
  return { limit, sent, writes, input, completeWrite };
}

describe('LimitNode (the benchmark ceiling, a ProtocolNode)', () => {
  it('answers a write only once a majority has it durable; its appends leave in parallel with its own write', () => {
    const leader = node(1);
    const follower = node(2);
    leader.input({ type: 'ClientRequest', from: 'c1', to: 1, seq: 1, command: { op: 'set', key: 'k', value: 'v' } });
    expect(leader.writes).toHaveLength(1);
    const append = leader.sent.find((m): m is AppendEntries => m.type === 'AppendEntries' && m.to === 2)!;
    expect(append.entries).toHaveLength(1); // sent before the leader's write completed
    leader.completeWrite(); // 1 of 3 is not a majority
    expect(leader.sent.some((m) => m.type === 'ClientReply')).toBe(false);
    follower.input(append);
    expect(follower.sent).toHaveLength(0); // no acknowledgement before the follower's write
    follower.completeWrite();
    const ack = follower.sent.find((m) => m.type === 'AppendEntriesResp')!;
    expect(ack).toMatchObject({ from: 2, to: 1, matchIndex: 1 });
    leader.input(ack);
    expect(leader.sent.find((m): m is ClientReply => m.type === 'ClientReply')).toMatchObject({ to: 'c1', seq: 1, body: { kind: 'result', index: 1 } });
    expect(leader.limit.status()).toMatchObject({ role: 'leader', commitIndex: 1, lastIndex: 1 });
    expect(leader.limit.entries(1, 5).map((e) => e.index)).toEqual([1]);
  });

  it('groups the writes that arrive while one batch is being written into the next batch', () => {
    const leader = node(1);
    for (let seq = 1; seq <= 3; seq++) leader.input({ type: 'ClientRequest', from: `c${seq}`, to: 1, seq, command: { op: 'set', key: 'k', value: String(seq) } });
    expect(leader.writes.map((w) => w.batch.entries.length)).toEqual([1]);
    leader.completeWrite();
    expect(leader.writes.map((w) => w.batch.entries.length)).toEqual([2]);
  });

  it('redirects clients of a follower to the leader', () => {
    const follower = node(3);
    follower.input({ type: 'ClientRequest', from: 'c1', to: 3, seq: 1, command: { op: 'set', key: 'k', value: 'v' } });
    expect(follower.sent).toEqual([{ type: 'ClientReply', from: 3, to: 'c1', seq: 1, body: { kind: 'redirect', leaderHint: 1 } }]);
  });
});
