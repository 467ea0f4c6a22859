/** Direct tests of protocol rules, one message at a time (the simulator covers whole scenarios). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RAFT_TUNING, Raft, type RaftConfig } from './raft.ts';
import type { Entry, RaftMessage, VoteRequest } from '../core/types.ts';

const fixedRng = { int: (min: number) => min };
const noop = { type: 'noop' } as const;

function raft(id: number, terms: number[], term: number, extra: Partial<RaftConfig> = {}): Raft {
  const entries: Entry[] = terms.map((t, k) => ({ index: k + 1, term: t, data: noop }));
  return new Raft({ ...DEFAULT_RAFT_TUNING, id, voters: [1, 2, 3], ...extra }, { hardState: { term, vote: 0, commit: 0 }, entries }, fixedRng);
}

function outbox(r: Raft): RaftMessage[] {
  const rd = r.ready();
  if (rd === undefined) return [];
  r.advance(rd);
  return rd.messages as RaftMessage[];
}

const voteRequest = (from: number, term: number, lastLogIndex: number, lastLogTerm: number): VoteRequest =>
  ({ type: 'RequestVote', from, to: 1, term, lastLogIndex, lastLogTerm });

describe('votes', () => {
  it('refuses a candidate whose log is behind, grants one that is up to date, and only once per term', () => {
    const r = raft(1, [1, 1, 2], 2);
    r.step(voteRequest(2, 3, 5, 1)); // longer but older last term: behind
    expect(outbox(r)).toMatchObject([{ type: 'RequestVoteResp', to: 2, granted: false, term: 3 }]);
    r.step(voteRequest(3, 3, 3, 2));
    expect(outbox(r)).toMatchObject([{ type: 'RequestVoteResp', to: 3, granted: true }]);
    expect(r.ready()?.hardState).toBeUndefined(); // the vote was in the Ready that carried the grant
    r.step(voteRequest(2, 3, 9, 2));
    expect(outbox(r)).toMatchObject([{ granted: false }]);
  });

  it('the vote-ignores-log bug grants to a candidate that is behind (the negative control)', () => {
    const r = raft(1, [1, 1, 2], 2, { bug: 'vote-ignores-log' });
    r.step(voteRequest(2, 3, 5, 1));
    expect(outbox(r)).toMatchObject([{ granted: true }]);
  });

  it('the grant and the vote it promises leave in the same Ready, vote first in hardState', () => {
    const r = raft(1, [], 0);
    r.step(voteRequest(2, 1, 0, 0));
    const rd = r.ready()!;
    expect(rd.hardState).toEqual({ term: 1, vote: 2, commit: 0 });
    expect(rd.messages).toMatchObject([{ type: 'RequestVoteResp', granted: true }]);
  });

  it('a pre-vote changes no term, and is refused while a live leader holds the lease', () => {
    const r = raft(1, [1], 1);
    r.step({ type: 'Heartbeat', from: 2, to: 1, term: 1, commit: 0, readContext: 0 });
    outbox(r);
    r.step({ type: 'PreVote', from: 3, to: 1, term: 2, lastLogIndex: 1, lastLogTerm: 1 });
    expect(outbox(r)).toEqual([]); // ignored: we heard from leader 2 just now
    for (let k = 0; k < DEFAULT_RAFT_TUNING.electionTimeoutTicks; k++) r.tick();
    r.step({ type: 'PreVote', from: 3, to: 1, term: 2, lastLogIndex: 1, lastLogTerm: 1 });
    const msgs = outbox(r).filter((m) => m.type === 'PreVoteResp');
    expect(msgs).toMatchObject([{ granted: true, term: 2 }]);
    expect(r.term).toBe(1);
  });
});

describe('commit rule', () => {
  it('a leader does not commit an old-term entry by counting replicas, only with one of its own term', () => {
    // Leader 1 in term 3 with an entry of term 2 at index 2 (Figure 8's setting).
    const r = raft(1, [1, 2], 2);
    r.forceElectionTimeout();
    outbox(r);
    for (const from of [2, 3]) r.step({ type: 'PreVoteResp', from, to: 1, term: 3, granted: true });
    outbox(r);
    r.step({ type: 'RequestVoteResp', from: 2, to: 1, term: 3, granted: true });
    expect(r.role).toBe('leader');
    outbox(r); // persists the no-op at index 3
    // A follower confirms index 2 only: a majority holds the term-2 entry, which must not commit.
    r.step({ type: 'AppendEntriesResp', from: 2, to: 1, term: 3, success: true, matchIndex: 2, rejectedIndex: 0, conflictTerm: 0, conflictIndex: 0 });
    expect(r.commitIndex).toBe(0);
    r.step({ type: 'AppendEntriesResp', from: 2, to: 1, term: 3, success: true, matchIndex: 3, rejectedIndex: 0, conflictTerm: 0, conflictIndex: 0 });
    expect(r.commitIndex).toBe(3);
  });
});
