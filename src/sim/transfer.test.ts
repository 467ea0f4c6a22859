/** Leader transfer through the Simulation: the target leads soon, writes go on, nothing is lost. */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../check/index.ts';
import { Simulation } from './index.ts';

function elected(seed: number): Simulation {
  const sim = new Simulation({ nodes: 5, seed });
  expect(sim.runUntil(() => sim.leader() !== undefined, 5_000)).toBe(true);
  return sim;
}

describe('transferLeadership', () => {
  it('hands leadership to the target within an election timeout, without a pre-vote, under steady writes', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const sim = elected(seed);
      const from = sim.leader()!;
      const to = (from % 5) + 1;
      const clients = [sim.client(), sim.client()];
      let n = 0;
      const keepBusy = () => {
        for (const c of clients) if (!c.busy()) c.set(`k${n % 3}`, `v${n++}`);
      };
      for (let t = 0; t < 300; t += 10) {
        keepBusy();
        sim.runFor(10);
      }
      const term = sim.status().find((s) => s.id === from)!.term;
      const preVotesBefore = sim.stats().sentByType.PreVote ?? 0;
      const at = sim.now();
      sim.transferLeadership(to);
      // An election timeout is 10 ticks of 10 ms at least: the handover takes a few round trips.
      expect(sim.runUntil(() => {
        keepBusy();
        return sim.leader() === to;
      }, 200), `seed ${seed}`).toBe(true);
      expect(sim.now() - at).toBeLessThan(100);
      expect(sim.status().find((s) => s.id === to)!.term).toBe(term + 1);
      expect(sim.stats().sentByType.PreVote ?? 0).toBe(preVotesBefore);
      for (let t = 0; t < 500; t += 10) {
        keepBusy();
        sim.runFor(10);
      }
      expect(sim.violation()).toBeUndefined();
      const done = sim.history().ops.filter((op) => op.return !== undefined).length;
      expect(done).toBeGreaterThan(20);
      expect(checkHistory(sim.history()).verdict).toBe('linearizable');
    }
  });

  it('refuses clearly: no such node, already the leader', () => {
    const sim = elected(7);
    const leader = sim.leader()!;
    expect(() => sim.transferLeadership(9)).toThrow('no node 9 (nodes are 1, 2, 3, 4, 5)');
    expect(() => sim.transferLeadership(leader)).toThrow(`cannot transfer leadership to n${leader}: n${leader} is already the leader`);
  });

  it('refuses without a leader', () => {
    const sim = new Simulation({ nodes: 3, seed: 1 });
    expect(() => sim.transferLeadership(2)).toThrow('no leader to hand leadership over: wait for an election');
  });

  it('gives up after an election timeout when the target is down, and the leader serves writes again', () => {
    const sim = elected(3);
    const from = sim.leader()!;
    const to = (from % 5) + 1;
    sim.crash(to);
    sim.transferLeadership(to);
    const c = sim.client();
    const write = c.set('k', 'v');
    expect(sim.runUntil(() => write.done, 2_000)).toBe(true);
    expect(write.ok).toBe(true);
    expect(sim.leader()).toBe(from);
  });
});
