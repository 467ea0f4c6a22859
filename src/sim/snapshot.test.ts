/**
 * Log compaction and InstallSnapshot in the simulator: logs stay bounded, a follower whose next
 * entry was compacted away catches up by snapshot (also under loss, duplication and a leader
 * change mid-transfer), a restarted node rebuilds from snapshot + suffix, and a damaged snapshot
 * stops only its own node.
 */
import { describe, expect, it } from 'vitest';
import type { DurableState } from '../core/types.ts';
import type { SimClient } from './client.ts';
import { Simulation } from './simulation.ts';
import { assertNoViolation, expectConverged, expectDone, expectOneLeader, fail } from './testing.ts';

function writes(sim: Simulation, c: SimClient, count: number, value = (k: number) => `v${k}`, keys = 20): void {
  for (let k = 0; k < count; k += 50) {
    const batch = [];
    for (let j = k; j < Math.min(count, k + 50); j++) batch.push(c.set(`k${j % keys}`, value(j)));
    expectDone(sim, batch, 20_000);
  }
}

/** How many InstallSnapshot chunks went out so far. */
function chunksSent(sim: Simulation): number {
  return sim.stats().sentByType['InstallSnapshot'] ?? 0;
}

describe('log compaction', () => {
  it('every node compacts once the threshold is applied: the log stays bounded and the state is whole', () => {
    const sim = new Simulation({ nodes: 3, seed: 41, snapshotThresholdEntries: 50 });
    expectOneLeader(sim);
    const c = sim.client();
    writes(sim, c, 400);
    expectConverged(sim);
    for (const s of sim.status()) {
      expect(s.snapshotIndex).toBeGreaterThan(300);
      expect(s.firstIndex).toBe(s.snapshotIndex + 1);
      expect(s.lastIndex - s.snapshotIndex).toBeLessThan(50 + 50); // threshold plus one batch in flight
      expect(sim.node(s.id)!.raft.log.all().length).toBe(s.lastIndex - s.snapshotIndex);
      expect(sim.durableState(s.id).entries.length).toBeLessThan(100);
    }
    expect(sim.appliedState(1)!.get('k19')).toBe('v399');
    expect(chunksSent(sim)).toBe(0); // nobody lagged: appends were enough
  });

  it('compact(id) snapshots at once, and says why when there is nothing to compact', () => {
    const sim = new Simulation({ nodes: 3, seed: 42, snapshotThresholdEntries: 0 });
    const leader = expectOneLeader(sim);
    const c = sim.client();
    writes(sim, c, 10);
    expectConverged(sim);
    sim.compact(leader);
    const applied = sim.node(leader)!.kv.appliedIndex;
    expect(sim.status()[leader - 1]).toMatchObject({ snapshotIndex: applied, firstIndex: applied + 1 });
    expect(() => sim.compact(leader)).toThrow(/cannot compact n\d: nothing to compact: no entry was applied since the snapshot at \d+/);
    sim.crash(leader);
    expect(() => sim.compact(leader)).toThrow(/is down/);
  });

  it('a node restarted after compaction rebuilds from its snapshot and the log after it', () => {
    const sim = new Simulation({ nodes: 3, seed: 43, snapshotThresholdEntries: 30 });
    expectOneLeader(sim);
    const c = sim.client();
    writes(sim, c, 200);
    expectConverged(sim);
    const before = new Map(sim.appliedState(2)!);
    for (const id of sim.nodeIds) sim.crash(id);
    expect(sim.durableState(2).snapshot).toBeDefined();
    const disk = sim.durableState(2);
    expect(disk.entries[0]?.index ?? disk.snapshot!.index + 1).toBe(disk.snapshot!.index + 1);
    for (const id of sim.nodeIds) sim.restart(id);
    // At once: the snapshot's state; then the suffix up to the durable commit index is applied again.
    expect(sim.node(2)!.kv.appliedIndex).toBe(disk.snapshot!.index);
    expectOneLeader(sim);
    sim.runUntil(() => sim.node(2)!.kv.appliedIndex >= disk.hardState.commit, 1000);
    expect(new Map(sim.appliedState(2)!)).toEqual(before);
    const g = c.get('k7');
    expectDone(sim, [g, c.set('after', 'restart')]);
    expect(g.value).toBe('v187');
    expectConverged(sim);
  });
});

describe('InstallSnapshot', () => {
  it('a follower that missed compacted entries catches up by snapshot, then by appends', () => {
    const sim = new Simulation({ nodes: 3, seed: 44, snapshotThresholdEntries: 50 });
    const leader = expectOneLeader(sim);
    const lagging = sim.nodeIds.find((id) => id !== leader)!;
    sim.crash(lagging);
    const c = sim.client();
    writes(sim, c, 300);
    const leaderFirst = sim.status()[leader - 1]!.firstIndex;
    expect(leaderFirst).toBeGreaterThan(2); // what the lagging node needs is gone from the leader's log
    sim.restart(lagging);
    const state = expectConverged(sim);
    expect(chunksSent(sim)).toBeGreaterThan(0);
    expect(sim.status()[lagging - 1]!.snapshotIndex).toBeGreaterThan(0);
    expect(sim.appliedState(lagging)).toEqual(state);
    // Exactly once survives the snapshot: the session table came with it.
    expectDone(sim, [c.set('after', 'snapshot')]);
    expectConverged(sim);
  });

  it('a snapshot larger than one chunk arrives whole through loss, duplication and reordering', () => {
    const sim = new Simulation({ nodes: 3, seed: 45, snapshotThresholdEntries: 40 });
    const leader = expectOneLeader(sim);
    const lagging = sim.nodeIds.find((id) => id !== leader)!;
    sim.crash(lagging);
    const c = sim.client();
    const big = (k: number) => `${k}:`.padEnd(8000, 'x'); // 40 keys of 8 kB: a snapshot of about 320 kB, five chunks or more
    writes(sim, c, 200, big, 40);
    sim.setNetwork({ dropRate: 0.2, duplicateRate: 0.2, delayMs: [1, 15] });
    sim.restart(lagging);
    const ok = sim.runUntil(() => (sim.node(lagging)?.kv.appliedIndex ?? 0) >= sim.node(leader)!.raft.log.snapshotIndex(), 30_000);
    if (!ok) fail(sim, `the lagging node did not install the snapshot: ${JSON.stringify(sim.node(lagging)?.inspect().snapshotReceipt)}`);
    expect(chunksSent(sim)).toBeGreaterThanOrEqual(5);
    sim.setNetwork({ dropRate: 0, duplicateRate: 0, delayMs: [1, 5] });
    const state = expectConverged(sim, 20_000);
    expect(state.get('k39')).toBe(big(199));
    assertNoViolation(sim);
  });

  it('a leader change in the middle of a transfer restarts it cleanly from the new leader', () => {
    const sim = new Simulation({ nodes: 5, seed: 46, snapshotThresholdEntries: 40 });
    const leader = expectOneLeader(sim);
    const lagging = sim.nodeIds.find((id) => id !== leader)!;
    sim.crash(lagging);
    const c = sim.client();
    writes(sim, c, 200, (k) => `${k}:`.padEnd(8000, 'y'), 40);
    // Slow the leader's links so the transfer is under way, not done, when the leader crashes.
    sim.setNetwork({ delayMs: [20, 30] });
    sim.restart(lagging);
    const started = sim.runUntil(() => (sim.node(lagging)?.inspect().snapshotReceipt?.received ?? 0) > 0, 5000);
    if (!started) fail(sim, 'the transfer never started');
    sim.crash(leader);
    sim.setNetwork({ delayMs: [1, 5] });
    const next = expectOneLeader(sim, sim.nodeIds.filter((id) => id !== leader), 5000);
    expect(next).not.toBe(leader);
    writes(sim, c, 20);
    const state = expectConverged(sim, 20_000);
    expect(sim.appliedState(lagging)).toEqual(state);
  });

  it('a damaged snapshot on disk stops that node with the reason; the others go on', () => {
    const sim = new Simulation({ nodes: 3, seed: 47, snapshotThresholdEntries: 30 });
    expectOneLeader(sim);
    const c = sim.client();
    writes(sim, c, 100);
    expectConverged(sim);
    const victim = 3;
    sim.crash(victim);
    const disk = sim.durableState(victim) as DurableState;
    const snapshot = disk.snapshot!;
    disk.snapshot = { ...snapshot, data: snapshot.data.slice(0, snapshot.data.length - 10) }; // a truncated record
    sim.restart(victim);
    expect(sim.status()[victim - 1]!.alive).toBe(false);
    expect(sim.nodeError(victim)).toMatch(new RegExp(`refused to start: AssertionError: the snapshot at index ${snapshot.index} is damaged .*truncated or corrupted`));
    const others = sim.nodeIds.filter((id) => id !== victim);
    expectOneLeader(sim, others);
    expectDone(sim, [c.set('still', 'working')]);
  });
});
