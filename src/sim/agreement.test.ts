/** Log agreement scenarios: replication, failures of followers and leaders, minorities, backup. */
import { describe, expect, it } from 'vitest';
import { Simulation } from './simulation.ts';
import { assertNoViolation, expectConverged, expectDone, expectOneLeader, logOf, runUntilDone } from './testing.ts';

describe('agreement', () => {
  it('basic agreement: the leader no-op at index 1, then commands at 2, 3, 4 on every node', () => {
    const sim = new Simulation({ nodes: 3, seed: 21 });
    expectOneLeader(sim);
    const c = sim.client();
    const ops = [c.set('a', '1'), c.set('b', '2'), c.set('c', '3')];
    expectDone(sim, ops);
    expectConverged(sim);
    for (const id of sim.nodeIds) {
      const log = logOf(sim, id);
      expect(log[0]).toMatchObject({ index: 1, key: undefined }); // the leader's no-op
      expect(log.slice(1).map((e) => [e.index, e.key])).toEqual([[2, 'a'], [3, 'b'], [4, 'c']]);
      expect(sim.status()[id - 1]!.commitIndex).toBe(4);
    }
  });

  it('follower failure: progress with a majority, none without', () => {
    const sim = new Simulation({ nodes: 3, seed: 22 });
    const leader = expectOneLeader(sim);
    const c = sim.client();
    expectDone(sim, [c.set('k', '1')]);
    const [f1, f2] = sim.nodeIds.filter((id) => id !== leader);
    sim.crash(f1!);
    expectDone(sim, [c.set('k', '2'), c.set('k', '3')]);
    sim.crash(f2!);
    const commitBefore = sim.status()[leader - 1]!.commitIndex;
    const stuck = c.set('k', '4');
    expect(runUntilDone(sim, [stuck], 2000)).toBe(false);
    expect(sim.status()[leader - 1]!.commitIndex).toBe(commitBefore);
    assertNoViolation(sim);
  });

  it('leader failure: a new leader makes progress; with the second leader gone too, nothing commits', () => {
    const sim = new Simulation({ nodes: 3, seed: 23 });
    const leader1 = expectOneLeader(sim);
    const c = sim.client();
    expectDone(sim, [c.set('x', '1')]);
    sim.crash(leader1);
    const leader2 = expectOneLeader(sim);
    expectDone(sim, [c.set('x', '2')]);
    sim.crash(leader2);
    const stuck = c.set('x', '3');
    expect(runUntilDone(sim, [stuck], 2000)).toBe(false);
    expect(sim.leader()).toBeUndefined();
    assertNoViolation(sim);
  });

  it('no agreement in a minority; correct indexes after repair', () => {
    const sim = new Simulation({ nodes: 5, seed: 24 });
    const leader = expectOneLeader(sim);
    const c = sim.client();
    expectDone(sim, [c.set('a', '1')]);
    const commitBefore = sim.status()[leader - 1]!.commitIndex;
    const followers = sim.nodeIds.filter((id) => id !== leader);
    // Leader keeps one follower; three are cut away, so it has no majority.
    sim.partition([[leader, followers[0]!], [followers[1]!], [followers[2]!], [followers[3]!]]);
    const pinned = sim.client();
    pinned.pinTo(leader);
    const blocked = pinned.set('b', 'minority');
    sim.runFor(100); // shorter than CheckQuorum, so the leader is still leading
    expect(sim.node(leader)!.raft.log.lastIndex()).toBe(commitBefore + 1);
    expect(runUntilDone(sim, [blocked], 1500)).toBe(false);
    expect(sim.status()[leader - 1]!.commitIndex).toBe(commitBefore);
    sim.heal();
    pinned.pinTo(undefined);
    expectDone(sim, [blocked, c.set('c', '3')]);
    const state = expectConverged(sim);
    expect(state.get('b')).toBe('minority'); // exactly once, whichever leader committed it
    expect(sim.history().ops.filter((op) => op.return !== undefined)).toHaveLength(3);
  });

  it('concurrent proposals from many clients all commit at distinct indexes', () => {
    const sim = new Simulation({ nodes: 5, seed: 25 });
    expectOneLeader(sim);
    const ops = Array.from({ length: 20 }, (_, k) => sim.client().set(`k${k}`, `v${k}`));
    expectDone(sim, ops);
    const state = expectConverged(sim);
    for (let k = 0; k < 20; k++) expect(state.get(`k${k}`)).toBe(`v${k}`);
    const indexes = logOf(sim, sim.leader()!).filter((e) => e.key?.startsWith('k')).map((e) => e.index);
    expect(new Set(indexes).size).toBe(20);
  });

  it('rejoin: a partitioned leader\'s uncommitted entries are overwritten', () => {
    const sim = new Simulation({ nodes: 3, seed: 26 });
    const leader1 = expectOneLeader(sim);
    const c = sim.client();
    expectDone(sim, [c.set('base', '0')]);
    sim.isolate(leader1);
    const stranded = [1, 2, 3].map((k) => {
      const p = sim.client();
      p.pinTo(leader1);
      return p.set(`lost${k}`, 'x');
    });
    sim.runFor(50);
    const strandedIndexes = logOf(sim, leader1).filter((e) => e.key?.startsWith('lost')).map((e) => [e.index, e.term]);
    expect(strandedIndexes).toHaveLength(3);
    const others = sim.nodeIds.filter((id) => id !== leader1);
    const leader2 = expectOneLeader(sim, others);
    expectDone(sim, [c.set('new1', 'y'), c.set('new2', 'y'), c.set('new3', 'y'), c.set('new4', 'y')]);
    // The old leader returns; the new leader's log wins.
    sim.heal();
    sim.runFor(1000);
    expect(sim.leader()).toBe(leader2);
    for (const [index, term] of strandedIndexes) {
      expect(logOf(sim, leader1).find((e) => e.index === index)?.term).not.toBe(term);
    }
    for (const op of stranded) expect(op.done).toBe(false); // still waiting, never acknowledged
    expectConverged(sim);
  });

  it('fast backup: 50 conflicting entries in each of two partitions are replaced in few round trips', () => {
    const sim = new Simulation({ nodes: 5, seed: 27 });
    const leader1 = expectOneLeader(sim);
    expectDone(sim, [sim.client().set('seed', '0')]);
    const [a, b, c, d] = sim.nodeIds.filter((id) => id !== leader1) as [number, number, number, number];
    // Old leader + one follower: 50 entries that cannot commit.
    sim.partition([[leader1, a], [b, c, d]]);
    strand(sim, leader1, 50, 'dead1-');
    // The majority elects and commits 50.
    const leader2 = expectOneLeader(sim, [b, c, d]);
    expectDone(sim, fifty(sim, 'live1-'));
    // Now the second leader and one follower are cut off with 50 uncommitted of their own.
    const other = [b, c, d].find((id) => id !== leader2)!;
    const third = [b, c, d].find((id) => id !== leader2 && id !== other)!;
    sim.partition([[leader2, other], [leader1, a, third]]);
    strand(sim, leader2, 50, 'dead2-');
    // The old leader's group (with `third`) is a majority: its log must be repaired from `third`.
    expectOneLeader(sim, [leader1, a, third], 5000);
    const conflictsBefore = sim.stats().appendConflicts;
    expectDone(sim, fifty(sim, 'live2-'), 10_000);
    sim.heal();
    const state = expectConverged(sim, 10_000);
    expect([...state.keys()].filter((k) => k.startsWith('live')).length).toBe(100);
    expect([...state.keys()].filter((k) => k.startsWith('dead')).length).toBe(0);
    // Fast back-tracking skips a whole conflicting term per refusal: repairing four nodes with
    // 50 divergent entries each takes about one refused append per node, not one per entry.
    const conflicts = sim.stats().appendConflicts - conflictsBefore;
    expect(conflicts).toBeGreaterThanOrEqual(2);
    expect(conflicts).toBeLessThanOrEqual(8);
  });
});

function fifty(sim: Simulation, prefix: string) {
  return Array.from({ length: 50 }, (_, k) => sim.client().set(`${prefix}${k}`, 'v'));
}

function strand(sim: Simulation, leader: number, count: number, prefix: string): void {
  for (let k = 0; k < count; k++) {
    const p = sim.client();
    p.pinTo(leader);
    p.set(`${prefix}${k}`, 'v');
  }
  sim.runFor(30);
  const stranded = logOf(sim, leader).filter((e) => e.key?.startsWith(prefix)).length;
  if (stranded !== count) throw new Error(`expected ${count} stranded entries on ${leader}, got ${stranded}`);
}
