/** Leader election scenarios (the classic Raft lab suite, on the deterministic simulator). */
import { describe, expect, it } from 'vitest';
import { Simulation } from './simulation.ts';
import { SeededRng } from '../core/rng.ts';
import { assertNoViolation, expectNoLeader, expectOneLeader, leadersOfHighestTerm } from './testing.ts';

describe('election', () => {
  it('initial election: one leader, and the term stays stable without faults', () => {
    const sim = new Simulation({ nodes: 3, seed: 11 });
    const leader = expectOneLeader(sim, sim.nodeIds, 1000);
    sim.runFor(200);
    const term = sim.status().find((s) => s.id === leader)!.term;
    expect(term).toBeGreaterThanOrEqual(1);
    // Every node agrees on the term once the leader has sent heartbeats.
    expect(new Set(sim.status().map((s) => s.term))).toEqual(new Set([term]));
    sim.runFor(5000);
    expect(sim.leader()).toBe(leader);
    expect(sim.status().every((s) => s.term === term)).toBe(true);
    assertNoViolation(sim);
  });

  it('re-election after the leader is cut off; no leader without a quorum; old leader rejoins quietly', () => {
    const sim = new Simulation({ nodes: 3, seed: 12 });
    const leader1 = expectOneLeader(sim);
    const others = sim.nodeIds.filter((id) => id !== leader1);

    sim.isolate(leader1);
    const leader2 = expectOneLeader(sim, others);
    expect(leader2).not.toBe(leader1);

    // The old leader rejoins: it must not disrupt the new leader (PreVote + CheckQuorum).
    sim.heal();
    sim.runFor(2000);
    const term2 = sim.status().find((s) => s.id === leader2)!.term;
    expect(leadersOfHighestTerm(sim)).toEqual([leader2]);
    expect(sim.status().every((s) => s.term === term2)).toBe(true);

    // Two of three cut off: nobody can win an election.
    const follower = sim.nodeIds.find((id) => id !== leader2)!;
    sim.partition([[leader2], [follower], sim.nodeIds.filter((id) => id !== leader2 && id !== follower)]);
    sim.runFor(2000);
    expectNoLeader(sim, sim.nodeIds);

    // One comes back: a quorum again, a leader again.
    sim.partition([[leader2, follower], sim.nodeIds.filter((id) => id !== leader2 && id !== follower)]);
    expectOneLeader(sim, [leader2, follower]);
    sim.heal();
    sim.runFor(1000);
    expect(leadersOfHighestTerm(sim)).toHaveLength(1);
    assertNoViolation(sim);
  });

  it('PreVote: an isolated follower does not bump its term while it cannot win', () => {
    const sim = new Simulation({ nodes: 5, seed: 13 });
    const leader = expectOneLeader(sim);
    const term = sim.status()[0]!.term;
    const follower = sim.nodeIds.find((id) => id !== leader)!;
    sim.isolate(follower);
    sim.runFor(5000);
    expect(sim.status().find((s) => s.id === follower)!.term).toBe(term);
    expect(sim.status().find((s) => s.id === follower)!.role).toBe('pre-candidate');
    sim.heal();
    sim.runFor(1000);
    expect(sim.leader()).toBe(leader);
    expect(sim.status().every((s) => s.term === term && s.alive)).toBe(true);
  });

  it('CheckQuorum: a leader cut off from the majority steps down within two election timeouts', () => {
    const sim = new Simulation({ nodes: 5, seed: 14 });
    const leader = expectOneLeader(sim);
    sim.isolate(leader);
    // Election timeout is 10 ticks of 10 ms; the check runs once per timeout.
    const stepped = sim.runUntil(() => sim.status().find((s) => s.id === leader)!.role !== 'leader', 200);
    expect(stepped).toBe(true);
  });

  it('failover in virtual time: a new leader within two election timeouts of a leader crash, one more per split vote (300 seeds)', () => {
    // The timing bound the browser tests used to measure on the wall clock, stated here where
    // time is exact. Election timeout: 10 ticks of 10 ms, randomised in [10, 19] ticks.
    const maxTimeoutMs = 19 * 10;
    for (const nodes of [3, 5] as const) {
      let splitVotes = 0;
      for (let seed = 1; seed <= 300; seed++) {
        const sim = new Simulation({ nodes, seed });
        const old = expectOneLeader(sim);
        sim.runFor(300);
        const term = sim.status().find((s) => s.id === old)!.term;
        sim.crash(old);
        const crashedAt = sim.now();
        expect(sim.runUntil(() => sim.leader() !== undefined && sim.leader() !== old, 10_000), `seed ${seed}`).toBe(true);
        const elections = sim.status().find((s) => s.id === sim.leader())!.term - term;
        if (elections > 1) splitVotes++;
        expect(sim.now() - crashedAt, `seed ${seed}, ${nodes} nodes, ${elections} election(s)`).toBeLessThanOrEqual((1 + elections) * maxTimeoutMs);
      }
      expect(splitVotes, 'split votes are the exception').toBeLessThan(30);
    }
  });

  it('many elections: 7 nodes, 3 cut off at random each round, exactly one leader among the connected 4', () => {
    const sim = new Simulation({ nodes: 7, seed: 15 });
    const rng = new SeededRng(15);
    expectOneLeader(sim);
    for (let round = 0; round < 10; round++) {
      const shuffled = rng.shuffle(sim.nodeIds);
      const cut = shuffled.slice(0, 3);
      const connected = shuffled.slice(3);
      sim.partition([connected, ...cut.map((id) => [id])]);
      const leader = expectOneLeader(sim, connected, 3000);
      expect(connected).toContain(leader);
      sim.heal();
    }
    expectOneLeader(sim);
  });
});
