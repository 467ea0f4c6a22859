/**
 * Lease reads under clock drift. The lesson: a leader answering reads from its lease is
 * linearizable while every clock keeps within maxClockDrift of true time; past that bound, a
 * deposed leader whose clock runs slow still believes its lease and serves a stale read, and the
 * checker catches it. ReadIndex, the default, is not affected by drift.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../check/index.ts';
import { Simulation } from './index.ts';

/**
 * The stale-read setup: the leader's clock runs at `leaderRate`; it is cut off from the other
 * nodes (not from clients); a write goes through the new majority, then a client pinned to the
 * old leader reads the key. Returns the read's value and the checker's verdict.
 */
function deposedLeaderReads(reads: 'read-index' | 'lease', leaderRate: number, seed = 1) {
  const sim = new Simulation({ nodes: 3, seed, reads });
  expect(sim.runUntil(() => sim.leader() !== undefined, 5_000)).toBe(true);
  const old = sim.leader()!;
  const writer = sim.client();
  const first = writer.set('k', 'old');
  expect(sim.runUntil(() => first.done, 2_000)).toBe(true);
  sim.runFor(100); // leases renewed by a few heartbeats
  sim.setClockRate(old, leaderRate);
  sim.isolate(old);
  const others = [1, 2, 3].filter((id) => id !== old);
  expect(sim.runUntil(() => others.includes(sim.leader() ?? 0) && sim.status().some((s) => s.id === sim.leader() && s.term > 1), 3_000)).toBe(true);
  // Straight to the new leader (the first client would try the old one first and wait).
  const writer2 = sim.client();
  writer2.pinTo(sim.leader()!);
  const second = writer2.set('k', 'new');
  expect(sim.runUntil(() => second.done, 3_000)).toBe(true);
  sim.runFor(2); // the read starts strictly after the write returned
  const reader = sim.client();
  reader.pinTo(old);
  const read = reader.get('k');
  sim.runUntil(() => read.done, 2_000);
  sim.rejoin(old);
  reader.pinTo(undefined);
  sim.runUntil(() => read.done, 5_000);
  return { value: read.value, verdict: checkHistory(sim.history()).verdict, violation: sim.violation() };
}

describe('lease reads', () => {
  it('past the drift bound (the leader\'s clock at a third of true time) a deposed leader serves a stale read, and the checker says so', () => {
    const r = deposedLeaderReads('lease', 0.3);
    expect(r.value).toBe('old');
    expect(r.verdict).toBe('not-linearizable');
    expect(r.violation).toBeUndefined(); // Raft's own invariants hold: only the read is wrong
  });

  it('ReadIndex under the same drift never serves it: the deposed leader cannot confirm its leadership', () => {
    const r = deposedLeaderReads('read-index', 0.3);
    expect(r.value).toBe('new');
    expect(r.verdict).toBe('linearizable');
  });

  it('within the bound (the leader 9% slow) the same run stays linearizable', () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = deposedLeaderReads('lease', 0.91, seed);
      expect(r.value, `seed ${seed}`).toBe('new');
      expect(r.verdict, `seed ${seed}`).toBe('linearizable');
    }
  });

  it('answers reads without a heartbeat round while the lease holds', () => {
    const count = (reads: 'read-index' | 'lease') => {
      const sim = new Simulation({ nodes: 3, seed: 4, reads });
      sim.runUntil(() => sim.leader() !== undefined, 5_000);
      const c = sim.client();
      const w = c.set('k', 'v');
      sim.runUntil(() => w.done, 2_000);
      const start = sim.now();
      let answered = 0;
      while (sim.now() - start < 1_000) {
        const r = c.get('k');
        sim.runUntil(() => r.done, 1_000);
        expect(r.value).toBe('v');
        answered++;
      }
      expect(checkHistory(sim.history()).verdict).toBe('linearizable');
      return answered;
    };
    // A lease read costs one client round trip; ReadIndex adds a heartbeat round to a majority.
    expect(count('lease')).toBeGreaterThan(count('read-index') * 1.3);
  });

  it('setClockRate checks its argument and keeps the rate across a restart', () => {
    const sim = new Simulation({ nodes: 3, seed: 1 });
    expect(() => sim.setClockRate(1, 0)).toThrow('clock rate must be in [0.1, 10], got 0');
    expect(() => sim.setClockRate(4, 1)).toThrow('no node 4');
    sim.setClockRate(2, 1.5);
    sim.crash(2);
    sim.restart(2);
    expect(sim.clockRate(2)).toBe(1.5);
  });
});
