/** Crash and restart: a restarted node rebuilds from durable state only, and nothing committed is lost. */
import { describe, expect, it } from 'vitest';
import { Simulation } from './simulation.ts';
import { assertNoViolation, expectConverged, expectDone, expectOneLeader } from './testing.ts';

describe('persistence', () => {
  it('survives a crash of every node at once', () => {
    const sim = new Simulation({ nodes: 3, seed: 31 });
    expectOneLeader(sim);
    const c = sim.client();
    expectDone(sim, [c.set('a', '1'), c.set('b', '2')]);
    const termBefore = Math.max(...sim.status().map((s) => s.term));
    for (const id of sim.nodeIds) sim.crash(id);
    expect(sim.status().every((s) => !s.alive)).toBe(true);
    for (const id of sim.nodeIds) sim.restart(id);
    expectOneLeader(sim);
    // Terms and votes came back from disk: the new term is above the old one.
    expect(Math.max(...sim.status().map((s) => s.term))).toBeGreaterThan(termBefore);
    const ga = c.get('a');
    const gb = c.get('b');
    expectDone(sim, [ga, gb, c.set('c', '3')]);
    expect([ga.value, gb.value]).toEqual(['1', '2']);
    const state = expectConverged(sim);
    expect([...state]).toEqual([['a', '1'], ['b', '2'], ['c', '3']]);
  });

  it('survives a crash of the leader, which rejoins and catches up', () => {
    const sim = new Simulation({ nodes: 5, seed: 32 });
    const leader = expectOneLeader(sim);
    const c = sim.client();
    expectDone(sim, [c.set('x', '1')]);
    sim.crash(leader);
    expectOneLeader(sim);
    expectDone(sim, [c.set('x', '2'), c.set('y', '3')]);
    sim.restart(leader);
    const state = expectConverged(sim);
    expect(state.get('x')).toBe('2');
    expect(sim.appliedState(leader)!.get('y')).toBe('3');
  });

  it('survives crashes of followers, one after another and all of them', () => {
    const sim = new Simulation({ nodes: 5, seed: 33 });
    const leader = expectOneLeader(sim);
    const followers = sim.nodeIds.filter((id) => id !== leader);
    const c = sim.client();
    for (const [k, f] of followers.entries()) {
      sim.crash(f);
      if (k < 2) expectDone(sim, [c.set(`k${k}`, 'v')]);
      sim.restart(f);
    }
    for (const f of followers) sim.crash(f);
    for (const f of followers) sim.restart(f);
    expectDone(sim, [c.set('after', 'all')], 5000);
    const state = expectConverged(sim);
    expect(state.get('k0')).toBe('v');
    expect(state.get('k1')).toBe('v');
    expect(state.get('after')).toBe('all');
  });

  it('a restarted node remembers its vote: it never votes twice in a term', () => {
    // forget-vote is the negative control: the same schedule must be able to break it.
    const sim = new Simulation({ nodes: 3, seed: 34 });
    const leader = expectOneLeader(sim);
    const voter = sim.nodeIds.find((id) => id !== leader)!;
    const before = sim.node(voter)!.raft;
    const { term, vote } = before;
    sim.crash(voter);
    sim.restart(voter);
    const after = sim.node(voter)!.raft;
    expect(after.term).toBe(term);
    expect(after.vote).toBe(vote);
    assertNoViolation(sim);
  });

  it('a crash before a batch is durable loses only that batch', () => {
    // Disk latency is 5 ms, so a crash right after a write lands before the sync.
    const sim = new Simulation({ nodes: 3, seed: 35, diskLatencyMs: [5, 5] });
    expectOneLeader(sim);
    const c = sim.client();
    expectDone(sim, [c.set('durable', '1')]);
    const follower = sim.nodeIds.find((id) => id !== sim.leader())!;
    const lastBefore = sim.status()[follower - 1]!.lastIndex;
    c.set('maybe', '2');
    sim.runUntil(() => sim.node(follower)!.raft.log.lastIndex() > lastBefore, 100);
    sim.crash(follower);
    // The in-memory entry existed, the durable one did not make it.
    expect(sim.status()[follower - 1]!.lastIndex).toBe(lastBefore);
    sim.restart(follower);
    const state = expectConverged(sim);
    expect(state.get('durable')).toBe('1');
  });
});

describe('wiped disk', () => {
  it('a follower whose disk was wiped rejoins empty and catches up from the same leader', () => {
    const sim = new Simulation({ nodes: 3, seed: 36 });
    const leader = expectOneLeader(sim);
    const c = sim.client();
    expectDone(sim, Array.from({ length: 10 }, (_, k) => c.set(`k${k}`, `${k}`)));
    sim.runFor(200);
    const follower = sim.nodeIds.find((id) => id !== leader)!;
    sim.wipe(follower);
    expect(sim.status()[follower - 1]!.lastIndex).toBe(0);
    // No new write: heartbeats alone must reveal that the follower lost what it acknowledged.
    const idle = expectConverged(sim, 3000);
    expect(sim.appliedState(follower)).toEqual(idle);
    expect(idle.size).toBe(10);
    expectDone(sim, [c.set('after', 'wipe')]);
    const state = expectConverged(sim, 3000);
    expect(sim.leader()).toBe(leader); // no election was needed
    expect(sim.appliedState(follower)).toEqual(state);
    expect(state.size).toBe(11);
  });
});

describe('assertions', () => {
  it('a failed assertion crashes only that node and is recorded as a violation', () => {
    const sim = new Simulation({ nodes: 3, seed: 37 });
    const leader = expectOneLeader(sim);
    const victim = sim.nodeIds.find((id) => id !== leader)!;
    // Corrupt one follower's memory so its next append trips an assertion.
    const raft = sim.node(victim)!.raft;
    raft.commitIndex = raft.log.lastIndex() + 5;
    sim.client().set('k', 'v');
    sim.runFor(500);
    expect(sim.violation()).toMatchObject({ invariant: 'assertion', message: expect.stringContaining(`node ${victim}:`) });
    expect(sim.status()[victim - 1]!.alive).toBe(false);
    expect(sim.status().filter((s) => s.alive)).toHaveLength(2);
    expect(sim.leader()).toBe(leader); // the others went on
  });
});
