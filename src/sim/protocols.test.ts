/** The Simulation hosts a protocol only through the protocol-node contract: any ProtocolNode runs. */
import { describe, expect, it } from 'vitest';
import { Simulation } from './index.ts';

describe('Simulation: protocols through the contract', () => {
  it('runs the benchmark relay (core/limit-node.ts): writes complete and every node holds them', () => {
    const sim = new Simulation({ nodes: 3, seed: 2, system: 'limit' });
    expect(sim.leader()).toBe(1);
    const c = sim.client();
    const writes = Array.from({ length: 20 }, (_, k) => c.set(`k${k % 4}`, String(k)));
    expect(sim.runUntil(() => writes.every((w) => w.done), 10_000)).toBe(true);
    expect(writes.every((w) => w.ok)).toBe(true);
    expect(sim.status()[0]).toMatchObject({ role: 'leader', commitIndex: 20, lastIndex: 20 });
    expect(sim.runUntil(() => sim.status().every((s) => s.lastIndex === 20), 1000)).toBe(true);
    expect(sim.node(1)).toBeUndefined(); // not a Raft node
    expect(sim.protocolNode(2)!.status().role).toBe('follower');
    expect(sim.violation()).toBeUndefined();
  });

  it('redirects a client that asked a follower, as Raft does', () => {
    const sim = new Simulation({ nodes: 3, seed: 3, system: 'limit' });
    const c = sim.client();
    c.pinTo(3);
    const w = c.set('k', 'v');
    sim.runFor(200);
    expect(w.done).toBe(false); // pinned to a follower that keeps redirecting
    c.pinTo(undefined);
    expect(sim.runUntil(() => w.done, 5000)).toBe(true);
    expect(w.attempts).toContain(1);
  });
});
