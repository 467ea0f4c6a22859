import { describe, expect, it } from 'vitest';
import { KvNode } from '../raft/node.ts';
import { NodeLoop } from './node-loop.ts';
import type { StorageBatch } from './storage.ts';
import type { Message } from './types.ts';

const rng = { int: (min: number) => min };

function harness(bug?: 'ack-before-persist') {
  const node = new KvNode({ id: 1, voters: [1, 2, 3], bug }, { hardState: { term: 0, vote: 0, commit: 0 }, entries: [] }, rng);
  const log: string[] = [];
  let pending: (() => void) | undefined;
  const loop = new NodeLoop(node, {
    persist: (batch: StorageBatch, done) => {
      log.push(`persist term=${batch.hardState?.term} vote=${batch.hardState?.vote}`);
      pending = () => {
        log.push('durable');
        done();
      };
    },
    send: (messages: Message[]) => messages.forEach((m) => log.push(`send ${m.type}`)),
  }, bug);
  return { node, loop, log, complete: () => pending?.() };
}

describe('NodeLoop', () => {
  it('sends a vote only after the state that backs it is durable', () => {
    const h = harness();
    h.node.step({ type: 'RequestVote', from: 2, to: 1, term: 1, lastLogIndex: 0, lastLogTerm: 0 });
    h.loop.run();
    expect(h.log).toEqual(['persist term=1 vote=2']);
    expect(h.loop.isPersisting()).toBe(true);
    h.complete();
    expect(h.log).toEqual(['persist term=1 vote=2', 'durable', 'send RequestVoteResp']);
  });

  it('the ack-before-persist bug sends first (the negative control)', () => {
    const h = harness('ack-before-persist');
    h.node.step({ type: 'RequestVote', from: 2, to: 1, term: 1, lastLogIndex: 0, lastLogTerm: 0 });
    h.loop.run();
    expect(h.log).toEqual(['send RequestVoteResp', 'persist term=1 vote=2']);
  });

  it('after stop() (a crash), a late persistence completion does nothing', () => {
    const h = harness();
    h.node.step({ type: 'RequestVote', from: 2, to: 1, term: 1, lastLogIndex: 0, lastLogTerm: 0 });
    h.loop.run();
    h.loop.stop();
    h.complete();
    expect(h.log).toEqual(['persist term=1 vote=2', 'durable']);
  });
});
