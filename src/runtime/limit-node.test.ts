import { describe, expect, it } from 'vitest';
import type { StorageBatch } from '../core/storage.ts';
import type { AppendEntries, ClientReply, Message } from '../core/types.ts';
import { DurableStorage } from './durable-storage.ts';
import { MemoryNodeStorage, type NodeStorage, type SaveResult } from './idb-storage.ts';
import { LimitNode } from './limit-node.ts';
import type { RunnerIo } from './node-runner.ts';

/** Memory storage whose writes complete only when the test says so. */
class GatedStorage extends MemoryNodeStorage implements NodeStorage {
  gates: (() => void)[] = [];
  override async save(batch: StorageBatch): Promise<SaveResult> {
    await new Promise<void>((resolve) => this.gates.push(resolve));
    return super.save(batch);
  }
}

function node(id: number) {
  const storage = new GatedStorage();
  const sent: Message[] = [];
  const io: RunnerIo = { send: (ms) => sent.push(...ms), changed: () => {}, guard: (fn) => fn(), fatal: (e) => { throw e; } };
  const limit = new LimitNode(id, [1, 2, 3], new DurableStorage(storage), io);
  return { limit, storage, sent };
}

const settle = async () => {
  for (let k = 0; k < 5; k++) await new Promise((r) => setTimeout(r, 0));
};

describe('LimitNode', () => {
  it('answers a write only once a majority has it durable, and relays the batch to followers', async () => {
    const leader = node(1);
    const follower = node(2);
    leader.limit.deliver([{ type: 'ClientRequest', from: 'c1', to: 1, seq: 1, command: { op: 'set', key: 'k', value: 'v' } }]);
    const append = leader.sent.find((m): m is AppendEntries => m.type === 'AppendEntries' && m.to === 2)!;
    expect(append.entries).toHaveLength(1);
    leader.storage.gates.shift()!(); // the leader's own write completes: 1 of 3 is not a majority
    await settle();
    expect(leader.sent.some((m) => m.type === 'ClientReply')).toBe(false);
    follower.limit.deliver([append]);
    expect(follower.sent).toHaveLength(0); // no acknowledgement before the follower's write
    follower.storage.gates.shift()!();
    await settle();
    const ack = follower.sent.find((m) => m.type === 'AppendEntriesResp')!;
    leader.limit.deliver([ack]);
    const reply = leader.sent.find((m): m is ClientReply => m.type === 'ClientReply');
    expect(reply).toMatchObject({ to: 'c1', seq: 1, body: { kind: 'result', index: 1 } });
  });

  it('redirects clients of a follower to the leader', () => {
    const follower = node(3);
    follower.limit.deliver([{ type: 'ClientRequest', from: 'c1', to: 3, seq: 1, command: { op: 'set', key: 'k', value: 'v' } }]);
    expect(follower.sent).toEqual([{ type: 'ClientReply', from: 3, to: 'c1', seq: 1, body: { kind: 'redirect', leaderHint: 1 } }]);
  });
});
