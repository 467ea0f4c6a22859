/**
 * The Simulation API the in-page cluster uses: the in-flight list (deliver now, drop, step, the
 * cap), the observer, isolate with clients, per-link delay, contained node errors.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, type SimDropReason, type SimFlight } from './index.ts';

function elected(sim: Simulation): number {
  expect(sim.runUntil(() => sim.leader() !== undefined, 5000)).toBe(true);
  return sim.leader()!;
}

describe('Simulation: the page hooks', () => {
  it('every message sent is in flight until delivered or dropped, and the observer hears each', () => {
    const sim = new Simulation({ nodes: 3, seed: 4, network: { delayMs: [5, 9] } });
    const sent = new Map<number, SimDropReason | undefined>();
    const ended = new Map<number, string>();
    sim.observe({
      sent: (f, dropped) => sent.set(f.id, dropped),
      delivered: (f) => ended.set(f.id, 'delivered'),
      dropped: (f, reason) => ended.set(f.id, reason),
    });
    elected(sim);
    sim.runFor(200);
    const flying = new Set(sim.inFlight().map((f) => f.id));
    for (const [id, dropped] of sent) {
      if (dropped !== undefined) continue;
      // Exactly one of: still flying, or ended once.
      expect(flying.has(id) !== ended.has(id)).toBe(true);
    }
    expect(ended.size).toBeGreaterThan(20);
  });

  it('deliverNow, dropMessage and step act on one message each', () => {
    const sim = new Simulation({ nodes: 3, seed: 5, network: { delayMs: [20, 40] } });
    elected(sim);
    const dropped: number[] = [];
    const delivered: number[] = [];
    sim.observe({ dropped: (f) => dropped.push(f.id), delivered: (f) => delivered.push(f.id) });
    sim.runFor(1);
    const [a, b] = [...sim.inFlight()].sort((x, y) => y.dueAt - x.dueAt);
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(sim.dropMessage(a!.id)).toBe(true);
    expect(sim.dropMessage(a!.id)).toBe(false);
    expect(dropped).toEqual([a!.id]);
    expect(sim.deliverNow(b!.id)).toBe(true);
    expect(delivered).toEqual([b!.id]);
    const earliest = [...sim.inFlight()].sort((x, y) => x.dueAt - y.dueAt || x.id - y.id)[0]!;
    expect(sim.step()).toBe(true);
    expect(delivered).toContain(earliest.id);
    expect(sim.now()).toBe(earliest.dueAt);
  });

  it('past maxInFlight a send is lost at once, so the list never grows past its cap', () => {
    const sim = new Simulation({ nodes: 5, seed: 6, maxInFlight: 3, network: { delayMs: [50, 50] } });
    const lostAtSend: SimFlight[] = [];
    sim.observe({ sent: (f, dropped) => dropped === 'loss' && lostAtSend.push(f) });
    sim.runFor(2000);
    expect(sim.inFlight().length).toBeLessThanOrEqual(3);
    expect(lostAtSend.length).toBeGreaterThan(0);
  });

  it('the observer hears roles (a crashed node with its durable term) and commits', () => {
    const sim = new Simulation({ nodes: 3, seed: 7 });
    const roles: [number, string, number][] = [];
    const commits: [number, number][] = [];
    sim.observe({ role: (id, role, term) => roles.push([id, role, term]), commit: (id, c) => commits.push([id, c]) });
    expect(roles).toEqual([[1, 'follower', 0], [2, 'follower', 0], [3, 'follower', 0]]);
    const leader = elected(sim);
    const term = sim.status()[leader - 1]!.term;
    expect(roles).toContainEqual([leader, 'leader', term]);
    expect(sim.runUntil(() => commits.some(([id, c]) => id === leader && c >= 1), 2000)).toBe(true);
    sim.crash(leader);
    expect(roles[roles.length - 1]).toEqual([leader, 'crashed', term]);
  });

  it('isolate with clients cuts the clients off that node too; without, they still reach it', () => {
    const sim = new Simulation({ nodes: 3, seed: 8 });
    sim.isolate(1);
    expect(sim.canReach('c1', 1)).toBe(true);
    expect(sim.canReach(2, 1)).toBe(false);
    sim.rejoin(1);
    sim.isolate(1, { clients: true });
    expect(sim.canReach('c1', 1)).toBe(false);
    expect(sim.canReach(1, 'c1')).toBe(false);
    sim.rejoin(1);
    expect(sim.canReach('c1', 1)).toBe(true);
    expect(sim.canReach(2, 1)).toBe(true);
  });

  it('a link with its own delay delivers within that range', () => {
    const sim = new Simulation({ nodes: 3, seed: 9, network: { delayMs: [1, 2] } });
    sim.setLinkDelay(1, 2, [300, 300]);
    const slow: SimFlight[] = [];
    sim.observe({ sent: (f) => f.message.from === 1 && f.message.to === 2 && slow.push(f) });
    sim.runFor(3000);
    expect(slow.length).toBeGreaterThan(0);
    for (const f of slow) expect(f.dueAt - f.sentAt).toBe(300);
    expect(sim.linkDelays()).toEqual([[1, 2, [300, 300]]]);
  });

  it('with containNodeErrors, an error inside one node stops only that node, with the reason', () => {
    const sim = new Simulation({ nodes: 3, seed: 10, containNodeErrors: true });
    const leader = elected(sim);
    const failed: [number, string][] = [];
    sim.observe({ failed: (id, reason) => failed.push([id, reason]) });
    const victim = leader === 1 ? 2 : 1;
    // Break one node from the inside: its next tick throws.
    sim.node(victim)!.tick = () => {
      throw new TypeError('broken on purpose');
    };
    sim.runFor(500);
    expect(sim.status()[victim - 1]!.alive).toBe(false);
    expect(sim.nodeError(victim)).toBe('TypeError: broken on purpose');
    expect(failed).toEqual([[victim, 'TypeError: broken on purpose']]);
    expect(sim.status().filter((n) => n.alive)).toHaveLength(2);
    sim.restart(victim);
    expect(sim.nodeError(victim)).toBeUndefined();
  });

  it('without containNodeErrors, such an error reaches the caller (headless runs want to see the bug)', () => {
    const sim = new Simulation({ nodes: 3, seed: 10 });
    elected(sim);
    sim.node(1)!.tick = () => {
      throw new TypeError('broken on purpose');
    };
    expect(() => sim.runFor(500)).toThrow('broken on purpose');
  });
});
