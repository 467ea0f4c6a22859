/** What a client sees: redirects, linearizable reads, exactly-once writes, clear errors. */
import { describe, expect, it } from 'vitest';
import { MAX_VALUE_BYTES } from '../core/kv-types.ts';
import { Simulation } from './simulation.ts';
import { assertNoViolation, expectConverged, expectDone, expectOneLeader, runUntilDone } from './testing.ts';

describe('client', () => {
  it('a follower redirects to the leader and the client follows the hint', () => {
    const sim = new Simulation({ nodes: 5, seed: 61 });
    const leader = expectOneLeader(sim);
    sim.runFor(100); // followers learn the leader from its heartbeats
    const follower = sim.nodeIds.find((id) => id !== leader)!;
    const c = sim.client();
    // Start at the follower (the first attempt is sent at once), then let the client roam:
    // the second attempt must go to the leader the follower named.
    c.pinTo(follower);
    const op = c.set('k', 'v');
    c.pinTo(undefined);
    expectDone(sim, [op]);
    expect(op.attempts).toEqual([follower, leader]);
  });

  it('CAS swaps only when the current value matches; absent is null', () => {
    const sim = new Simulation({ nodes: 3, seed: 62 });
    expectOneLeader(sim);
    const c = sim.client();
    const ops = [c.cas('k', null, 'a'), c.cas('k', null, 'b'), c.cas('k', 'a', 'c'), c.get('k'), c.del('k'), c.get('k')];
    expectDone(sim, ops);
    expect(ops.map((o) => [o.ok, o.value])).toEqual([
      [true, null], [false, 'a'], [true, 'a'], [true, 'c'], [true, 'c'], [true, null],
    ]);
  });

  it('KEYS lists keys with a prefix, sorted', () => {
    const sim = new Simulation({ nodes: 3, seed: 63 });
    expectOneLeader(sim);
    const c = sim.client();
    expectDone(sim, [c.set('b/2', 'x'), c.set('a', 'y'), c.set('b/1', 'z')]);
    const all = c.keys();
    const prefixed = c.keys('b/');
    expectDone(sim, [all, prefixed]);
    expect(all.keys).toEqual(['a', 'b/1', 'b/2']);
    expect(prefixed.keys).toEqual(['b/1', 'b/2']);
  });

  it('bad commands get typed errors and never reach the log', () => {
    const sim = new Simulation({ nodes: 3, seed: 64 });
    const leader = expectOneLeader(sim);
    const c = sim.client();
    const lastBefore = sim.status()[leader - 1]!.lastIndex;
    const empty = c.set('', 'v');
    const huge = c.set('k', 'x'.repeat(MAX_VALUE_BYTES + 1));
    const hugeKey = c.get('k'.repeat(2000));
    expect(runUntilDone(sim, [empty, huge, hugeKey], 2000)).toBe(true);
    expect(empty.error).toMatch(/must not be empty/);
    expect(huge.error).toMatch(/65537 bytes; the limit is 65536 bytes/);
    expect(hugeKey.error).toMatch(/key is 2000 bytes/);
    expect(sim.status()[leader - 1]!.lastIndex).toBe(lastBefore);
    expect(sim.history().ops).toHaveLength(0); // invalid requests had no effect
    const ok = c.set('k', 'x'.repeat(MAX_VALUE_BYTES)); // exactly at the limit is fine
    expectDone(sim, [ok]);
  });

  it('a deposed leader never serves a stale read (ReadIndex)', () => {
    const sim = new Simulation({ nodes: 5, seed: 65 });
    const old = expectOneLeader(sim);
    const writer = sim.client();
    expectDone(sim, [writer.set('k', 'old')]);
    sim.isolate(old);
    const reader = sim.client();
    reader.pinTo(old);
    const staleRead = reader.get('k');
    expectOneLeader(sim, sim.nodeIds.filter((id) => id !== old));
    expectDone(sim, [writer.set('k', 'new')]);
    sim.runFor(1000);
    // The old leader could not confirm its leadership, so the read is still unanswered.
    expect(staleRead.done).toBe(false);
    sim.heal();
    reader.pinTo(undefined);
    expectDone(sim, [staleRead]);
    expect(staleRead.value).toBe('new');
    assertNoViolation(sim);
  });

  it('exactly once: duplicated messages and retries apply each write once', () => {
    // 50% duplication and a client timeout shorter than the slowest round trip force retries
    // and late duplicates of requests that already committed.
    const sim = new Simulation({ nodes: 3, seed: 66, network: { duplicateRate: 0.5, delayMs: [1, 60] }, clientTimeoutMs: 80 });
    expectOneLeader(sim, sim.nodeIds, 5000);
    const clients = Array.from({ length: 4 }, () => sim.client());
    // Each client SETs its own key, then DELetes it. A late duplicate of a SET applied a second
    // time after the DEL would bring the key back from the dead.
    for (let round = 0; round < 15; round++) {
      expectDone(sim, clients.flatMap((c, k) => [c.set(`own${k}`, `${round}`), c.del(`own${k}`)]), 20_000);
    }
    sim.runFor(500); // let late duplicates arrive
    const state = expectConverged(sim, 10_000);
    expect([...state.keys()]).toEqual([]);
    expect(sim.stats().messagesDuplicated).toBeGreaterThan(500);
    // Every late copy was recognised by its session: each request is in the log once, and
    // every session ends at the client's last request.
    const node = sim.node(sim.leader()!)!;
    const requests = node.raft.log.all().flatMap((e) => (e.data.type === 'command' ? [`${e.data.clientId}:${e.data.seq}`] : []));
    expect(new Set(requests).size).toBe(requests.length);
    expect([...node.kv.sessions.values()].map((s) => s.lastSeq)).toEqual([30, 30, 30, 30]);
  });
});
