/** Message budgets: Raft should not chatter. */
import { describe, expect, it } from 'vitest';
import { Simulation } from './simulation.ts';
import { expectDone, expectOneLeader } from './testing.ts';

describe('message counts', () => {
  it('an election and 10 agreements take a bounded number of messages', () => {
    const sim = new Simulation({ nodes: 3, seed: 41 });
    expectOneLeader(sim);
    const electionMessages = sim.stats().messagesSent;
    // PreVote round + vote round (2 peers x request + response = 8), give or take a heartbeat.
    expect(electionMessages).toBeLessThanOrEqual(16);
    const c = sim.client();
    const before = sim.stats();
    for (let k = 0; k < 10; k++) expectDone(sim, [c.set(`k${k}`, 'v')]);
    const after = sim.stats();
    const raftMessages = ['AppendEntries', 'AppendEntriesResp'] as const;
    const appends = raftMessages.reduce((n, t) => n + (after.sentByType[t] ?? 0) - (before.sentByType[t] ?? 0), 0);
    // One append round (2 followers x request + response) per agreement is 40; a few pokes of a
    // lagging follower are allowed. Retransmitting or announcing commits separately would not fit.
    expect(appends).toBeLessThanOrEqual(10 * 4 + 10);
    const clientMessages = (after.sentByType.ClientRequest ?? 0) - (before.sentByType.ClientRequest ?? 0);
    expect(clientMessages).toBeLessThanOrEqual(12); // one per op, plus at most a redirect or two
  });

  it('an idle cluster sends only heartbeats, at a bounded rate', () => {
    const sim = new Simulation({ nodes: 5, seed: 42 });
    expectOneLeader(sim);
    sim.runFor(500);
    const before = sim.stats();
    sim.runFor(1000);
    const after = sim.stats();
    const sent = after.messagesSent - before.messagesSent;
    // Heartbeat every 2 ticks of 10 ms to 4 followers, each answered: 50 x 4 x 2 = 400 per second.
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(410);
    expect((after.sentByType.AppendEntries ?? 0) - (before.sentByType.AppendEntries ?? 0)).toBe(0);
    expect(after.elections).toBe(before.elections);
  });
});
