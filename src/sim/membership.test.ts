/**
 * Membership changes in the simulator (single-server changes with learners): a new node catches
 * up as a learner and is promoted, a learner never counts toward a quorum but votes when asked,
 * a removed leader steps down once its removal commits, a removed node cannot disrupt the rest,
 * and every refusal says why.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../core/types.ts';
import { Simulation } from './simulation.ts';
import { assertNoViolation, expectConverged, expectDone, expectOneLeader, fail } from './testing.ts';

function voters(sim: Simulation): NodeId[] {
  return sim.configuration().voters;
}

/** A leader that has committed its no-op: it may propose a membership change. */
function readyLeader(sim: Simulation): NodeId {
  const leader = expectOneLeader(sim);
  const ok = sim.runUntil(() => {
    const r = sim.node(leader)?.raft;
    return r !== undefined && r.role === 'leader' && r.log.termOrUndefined(r.commitIndex) === r.term;
  }, 3000);
  if (!ok) fail(sim, `n${leader} did not commit an entry of its term`);
  return leader;
}

/** Adds a node and waits until the committed configuration has it as a voter. */
function addVoter(sim: Simulation): NodeId {
  readyLeader(sim);
  const id = sim.addNode();
  if (!sim.runUntil(() => voters(sim).includes(id), 5000)) fail(sim, `n${id} was not promoted: ${JSON.stringify(sim.configuration())}`);
  return id;
}

function removeAndWait(sim: Simulation, id: NodeId): void {
  readyLeader(sim);
  sim.removeNode(id);
  if (!sim.runUntil(() => !voters(sim).includes(id) && sim.leader() !== undefined, 5000)) fail(sim, `n${id} was not removed`);
}

describe('membership changes', () => {
  it('grows from 3 to 5 and shrinks back to 3 under writes, keeping every write', () => {
    const sim = new Simulation({ nodes: 3, seed: 51 });
    expectOneLeader(sim);
    const c = sim.client();
    expectDone(sim, [c.set('a', '1')]);
    const four = addVoter(sim);
    expectDone(sim, [c.set('b', '2')]);
    const five = addVoter(sim);
    expect(voters(sim)).toEqual([1, 2, 3, 4, 5]);
    expect(sim.status().map((s) => s.voter)).toEqual([true, true, true, true, true]);
    expectDone(sim, [c.set('c', '3')]);
    removeAndWait(sim, four);
    removeAndWait(sim, five);
    expect(sim.configuration()).toEqual({ voters: [1, 2, 3], learners: [] });
    const g = c.get('b');
    expectDone(sim, [g, c.set('d', '4')]);
    expect(g.value).toBe('2');
    const members = [1, 2, 3];
    sim.runUntil(() => members.every((id) => sim.node(id)!.kv.appliedIndex === sim.node(sim.leader()!)!.raft.commitIndex), 2000);
    for (const id of members) expect(sim.appliedState(id)!.get('d')).toBe('4');
    expect(sim.status()[four - 1]).toMatchObject({ voter: false, learner: false });
    assertNoViolation(sim);
  });

  it('a new node catches up as a learner (by snapshot when the log was compacted) before it votes', () => {
    const sim = new Simulation({ nodes: 3, seed: 52, snapshotThresholdEntries: 20 });
    expectOneLeader(sim);
    const c = sim.client();
    const writes = Array.from({ length: 60 }, (_, k) => c.set(`k${k % 7}`, `v${k}`));
    expectDone(sim, writes);
    const id = sim.addNode();
    expect(sim.node(id)!.status()).toMatchObject({ role: 'follower', voter: false, learner: false }); // it knows nothing yet
    if (!sim.runUntil(() => sim.configuration().learners.includes(id), 3000)) fail(sim, 'the learner was not added');
    expect(sim.status()[id - 1]).toMatchObject({ voter: false, learner: true });
    if (!sim.runUntil(() => voters(sim).includes(id), 5000)) fail(sim, 'never promoted');
    expect(sim.stats().sentByType['InstallSnapshot'] ?? 0).toBeGreaterThan(0);
    expect(sim.appliedState(id)!.get('k3')).toBe('v59');
    expectConverged(sim);
  });

  it.each([
    [undefined, false],
    ['learner-in-quorum', true],
  ] as const)('a learner never counts toward a quorum (bug %s: write commits = %s)', (bug, commits) => {
    const sim = new Simulation({ nodes: 3, seed: 53, bug, invariants: bug === undefined });
    const leader = readyLeader(sim);
    const c = sim.client();
    expectDone(sim, [c.set('a', '1')]);
    const followers = sim.nodeIds.filter((id) => id !== leader);
    const learner = sim.addNode();
    for (const id of followers) sim.crash(id);
    // The leader and the learner are up: one voter of three, plus a node without a vote.
    const write = c.set('b', '2');
    sim.runUntil(() => write.done, 3000);
    expect(write.done && write.ok).toBe(commits);
    if (!commits) expect(sim.node(leader)!.raft.commitIndex).toBe(sim.node(learner)?.raft.commitIndex ?? 0);
  });

  it('a learner promoted while cut off still votes when asked (etcd campaign_learner_must_vote)', () => {
    const sim = new Simulation({ nodes: 3, seed: 54 });
    const leader = readyLeader(sim);
    const id = sim.addNode();
    // Hold back everything the leader sends the new node once its promotion is in the leader's log.
    const promoted = () => sim.node(leader)!.raft.configuration().voters.includes(id);
    if (!sim.runUntil(promoted, 5000)) fail(sim, 'no promotion proposed');
    sim.setLink(leader, id, true);
    for (const f of sim.inFlight()) if (f.message.to === id) sim.dropMessage(f.id);
    if (!sim.runUntil(() => voters(sim).includes(id), 5000)) fail(sim, 'the promotion did not commit');
    expect(sim.node(id)!.raft.isVoter()).toBe(false); // it does not know yet
    // Without the old leader, two of the four voters are left, plus the one that thinks it is a learner.
    sim.crash(leader);
    sim.heal();
    const next = expectOneLeader(sim, sim.nodeIds.filter((n) => n !== leader), 5000);
    expect(next).not.toBe(id);
    expectDone(sim, [sim.client().set('after', 'election')]);
  });

  it('a removed leader steps down once its removal commits, and cannot disrupt the rest', () => {
    const sim = new Simulation({ nodes: 5, seed: 55 });
    const leader = readyLeader(sim);
    const c = sim.client();
    expectDone(sim, [c.set('a', '1')]);
    sim.removeNode(leader);
    if (!sim.runUntil(() => !voters(sim).includes(leader), 3000)) fail(sim, 'removal did not commit');
    const next = expectOneLeader(sim, sim.nodeIds.filter((id) => id !== leader), 5000);
    expect(sim.node(leader)!.status()).toMatchObject({ voter: false });
    expect(sim.node(leader)!.raft.role).not.toBe('leader');
    const term = sim.node(next)!.raft.term;
    // The removed node hears nothing now; it must not start elections that depose anyone.
    sim.runFor(3000);
    expect(sim.leader()).toBe(next);
    expect(sim.node(next)!.raft.term).toBe(term);
    expectDone(sim, [c.set('b', '2')]);
    expect(sim.configuration().voters).toHaveLength(4);
  });

  it('explains every refusal', () => {
    const sim = new Simulation({ nodes: 3, seed: 56 });
    expect(() => sim.addNode()).toThrow(/cannot add n4: no leader to propose it: wait for an election/);
    expect(sim.nodeIds).toEqual([1, 2, 3]);
    expectOneLeader(sim);
    if (sim.node(sim.leader()!)!.raft.commitIndex === 0) {
      expect(() => sim.addNode()).toThrow(/has not yet committed an entry of its term \d+; until it has, a change could overlap/);
    }
    const leader = readyLeader(sim);
    const four = sim.addNode();
    expect(() => sim.addNode()).toThrow(/cannot add n5: a membership change is still in progress \(entry \d+ is not committed yet\): one change at a time/);
    expect(sim.nodeIds).toEqual([1, 2, 3, 4]);
    expect(() => sim.transferLeadership(four)).toThrow(/n4 is a learner: it becomes a voter once it has caught up/);
    sim.runUntil(() => voters(sim).includes(four), 5000);
    expect(() => sim.removeNode(9)).toThrow(/no node 9/);
    const single = new Simulation({ nodes: 1, seed: 57 });
    readyLeader(single);
    expect(() => single.removeNode(1)).toThrow(/cannot remove n1: n1 is the last voter; a cluster needs one/);
    const full = new Simulation({ nodes: 9, seed: 58 });
    readyLeader(full);
    expect(() => full.addNode()).toThrow(/the cluster has 9 members, the most it can have/);
    expect(leader).toBeGreaterThan(0);
  });

  it('a second change waits for the first: the bug that allows it lets two changes overlap', () => {
    const sim = new Simulation({ nodes: 3, seed: 59, bug: 'concurrent-config-change', invariants: false });
    readyLeader(sim);
    sim.addNode();
    expect(() => sim.addNode()).not.toThrow();
    expect(sim.node(sim.leader()!)!.raft.configuration().learners).toEqual([4, 5]);
  });
});
