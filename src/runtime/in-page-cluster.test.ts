import { describe, expect, it } from 'vitest';
import type { ClusterEvent, ClusterSnapshot, ConsoleReply } from './cluster-api.ts';
import { InPageCluster } from './in-page-cluster.ts';
import { TestClock } from './test-clock.ts';

function setup(nodes: 3 | 5 | 7 = 5, seed = 7) {
  const clock = new TestClock();
  const cluster = new InPageCluster({ seed, clock, config: { nodes, speed: 1 } });
  const events: ClusterEvent[] = [];
  cluster.subscribe((batch) => events.push(...batch));
  return { clock, cluster, events };
}

function leaderOf(s: ClusterSnapshot): number | undefined {
  const leaders = s.nodes.filter((n) => n.role === 'leader').sort((a, b) => b.term - a.term);
  return leaders[0]?.id;
}

function waitFor(clock: TestClock, predicate: () => boolean, maxMs = 20_000): boolean {
  for (let t = 0; t < maxMs; t += 50) {
    if (predicate()) return true;
    clock.advance(50);
  }
  return predicate();
}

async function run(clock: TestClock, promise: Promise<ConsoleReply>, maxMs = 20_000): Promise<ConsoleReply> {
  let reply: ConsoleReply | undefined;
  void promise.then((r) => (reply = r));
  for (let t = 0; t < maxMs && reply === undefined; t += 50) {
    clock.advance(50);
    await Promise.resolve();
  }
  expect(reply).toBeDefined();
  return reply!;
}

describe('InPageCluster', () => {
  it('elects a leader and reports roles, terms, votes and timers in its snapshot', () => {
    const { clock, cluster, events } = setup();
    expect(cluster.snapshot().nodes.map((n) => n.role)).toEqual(['follower', 'follower', 'follower', 'follower', 'follower']);
    expect(waitFor(clock, () => leaderOf(cluster.snapshot()) !== undefined)).toBe(true);
    const s = cluster.snapshot();
    const leader = s.nodes.find((n) => n.role === 'leader')!;
    expect(leader.term).toBeGreaterThan(0);
    expect(leader.progress).toHaveLength(4);
    expect(leader.logTail[0]?.label).toBe('noop');
    expect(events.some((e) => e.kind === 'role' && e.role === 'leader' && e.node === leader.id)).toBe(true);
    expect(events.some((e) => e.kind === 'role' && e.role === 'candidate')).toBe(true);
    expect(events.some((e) => e.kind === 'sent' && e.message.type === 'RequestVote')).toBe(true);
    for (const n of s.nodes) expect(n.electionTimeoutTicks).toBeGreaterThanOrEqual(10);
  });

  it('animates messages with wall-clock times that scale with speed', () => {
    const { clock, cluster, events } = setup();
    clock.advance(2000);
    const sent = events.filter((e): e is Extract<ClusterEvent, { kind: 'sent' }> => e.kind === 'sent');
    expect(sent.length).toBeGreaterThan(10);
    for (const e of sent) expect(e.message.dueAt).toBeGreaterThanOrEqual(e.message.sentAt);
    cluster.setSpeed(0.1);
    const slow = cluster.snapshot().inFlight;
    for (const m of slow) expect(m.dueAt - m.sentAt).toBeGreaterThanOrEqual(0);
    events.length = 0;
    clock.advance(3000);
    const slowSent = events.filter((e): e is Extract<ClusterEvent, { kind: 'sent' }> => e.kind === 'sent' && e.message.type === 'Heartbeat');
    expect(slowSent.length).toBeGreaterThan(0);
    // Network delays are 20..60 virtual ms: at speed 0.1 they take 200..600 wall ms.
    for (const e of slowSent) expect(e.message.dueAt - e.message.sentAt).toBeGreaterThanOrEqual(199);
  });

  it('SET then GET through the console client, with the answering node and the path', async () => {
    const { clock, cluster } = setup();
    waitFor(clock, () => leaderOf(cluster.snapshot()) !== undefined);
    const set = await run(clock, cluster.submit({ op: 'set', key: 'greeting', value: 'hello world' }));
    expect(set.ok).toBe(true);
    expect(set.result).toEqual({ op: 'set', ok: true });
    expect(set.answeredBy).toBe(leaderOf(cluster.snapshot()));
    expect(set.path[set.path.length - 1]).toBe(set.answeredBy);
    expect(set.latencyMs).toBeGreaterThan(0);
    const get = await run(clock, cluster.submit({ op: 'get', key: 'greeting' }));
    expect(get.result).toEqual({ op: 'get', ok: true, value: 'hello world' });
    const cas = await run(clock, cluster.submit({ op: 'cas', key: 'greeting', expected: null, value: 'x' }));
    expect(cas.result).toEqual({ op: 'cas', ok: false, value: 'hello world' });
    const keys = await run(clock, cluster.submit({ op: 'keys', prefix: 'gr' }));
    expect(keys.result).toEqual({ op: 'keys', ok: true, keys: ['greeting'] });
    clock.advance(1000);
    for (const n of cluster.snapshot().nodes) expect(n.kv).toEqual([['greeting', 'hello world']]);
  });

  it('a bad request comes back as an error, not a result', async () => {
    const { clock, cluster } = setup();
    waitFor(clock, () => leaderOf(cluster.snapshot()) !== undefined);
    const reply = await run(clock, cluster.submit({ op: 'get', key: '' }));
    expect(reply.ok).toBe(false);
    expect(reply.error).toMatch(/key must not be empty/);
  });

  it('crashing the leader elects another; restart brings the node back from its disk', () => {
    const { clock, cluster } = setup();
    waitFor(clock, () => leaderOf(cluster.snapshot()) !== undefined);
    const first = leaderOf(cluster.snapshot())!;
    const term = cluster.snapshot().nodes[first - 1]!.term;
    cluster.crash(first);
    const crashed = cluster.snapshot().nodes[first - 1]!;
    expect(crashed.role).toBe('crashed');
    expect(crashed.alive).toBe(false);
    expect(crashed.durable.term).toBe(term);
    expect(waitFor(clock, () => { const l = leaderOf(cluster.snapshot()); return l !== undefined && l !== first; })).toBe(true);
    cluster.restart(first);
    const back = cluster.snapshot().nodes[first - 1]!;
    expect(back.alive).toBe(true);
    expect(back.role).toBe('follower');
    expect(back.term).toBeGreaterThanOrEqual(term);
  });

  it('partitions, one-way cuts, isolate, rejoin and heal show in the cut matrix', () => {
    const { cluster } = setup();
    cluster.partition([[1, 2], [3, 4, 5]]);
    let cut = cluster.snapshot().cut;
    expect(cut[1]![2]).toBe(false);
    expect(cut[1]![3]).toBe(true);
    expect(cut[3]![1]).toBe(true);
    cluster.heal();
    cluster.setLink(1, 2, true);
    cut = cluster.snapshot().cut;
    expect(cut[1]![2]).toBe(true);
    expect(cut[2]![1]).toBe(false);
    cluster.heal();
    cluster.isolate(4);
    cut = cluster.snapshot().cut;
    expect([1, 2, 3, 5].every((id) => cut[4]![id] && cut[id]![4])).toBe(true);
    cluster.rejoin(4);
    expect(Object.values(cluster.snapshot().cut).every((row) => Object.values(row).every((c) => !c))).toBe(true);
  });

  it('a majority side keeps a leader while a minority cannot elect one', () => {
    const { clock, cluster } = setup();
    waitFor(clock, () => leaderOf(cluster.snapshot()) !== undefined);
    const leader = leaderOf(cluster.snapshot())!;
    const minority = [leader, leader === 1 ? 2 : 1];
    const majority = [1, 2, 3, 4, 5].filter((id) => !minority.includes(id));
    cluster.partition([minority, majority]);
    expect(waitFor(clock, () => {
      const s = cluster.snapshot();
      return s.nodes.some((n) => n.role === 'leader' && majority.includes(n.id)) && s.nodes.every((n) => !(n.role === 'leader' && minority.includes(n.id)));
    })).toBe(true);
  });

  it('pause freezes time; step delivers the next message; drop and deliverNow act on one message', () => {
    const { clock, cluster, events } = setup();
    clock.advance(300);
    cluster.pause();
    expect(cluster.snapshot().paused).toBe(true);
    const v = cluster.virtualNow();
    clock.advance(2000);
    expect(cluster.virtualNow()).toBe(v);
    // Make sure something is in flight, then step.
    cluster.forceTimeout(1);
    const before = cluster.snapshot().inFlight;
    expect(before.length).toBeGreaterThan(0);
    events.length = 0;
    expect(cluster.step()).toBe(true);
    expect(events.some((e) => e.kind === 'delivered' || e.kind === 'dropped')).toBe(true);
    const target = cluster.snapshot().inFlight[0]!;
    cluster.dropMessage(target.id);
    expect(events.some((e) => e.kind === 'dropped' && e.id === target.id && e.reason === 'manual')).toBe(true);
    expect(cluster.snapshot().inFlight.some((m) => m.id === target.id)).toBe(false);
    const other = cluster.snapshot().inFlight[0];
    if (other !== undefined) {
      cluster.deliverNow(other.id);
      expect(events.some((e) => (e.kind === 'delivered' || e.kind === 'dropped') && e.id === other.id)).toBe(true);
    }
    cluster.resume();
    clock.advance(100);
    expect(cluster.virtualNow()).toBeGreaterThan(v);
  });

  it('step returns false when nothing is in flight', () => {
    const clock = new TestClock();
    const cluster = new InPageCluster({ seed: 1, clock, config: { nodes: 3 } });
    cluster.pause();
    expect(cluster.snapshot().inFlight).toHaveLength(0);
    expect(cluster.step()).toBe(false);
  });

  it('drop rate 1 loses every message and no leader is elected', () => {
    const { clock, cluster, events } = setup();
    cluster.setNetwork({ dropRate: 1 });
    clock.advance(3000);
    expect(leaderOf(cluster.snapshot())).toBeUndefined();
    expect(events.filter((e) => e.kind === 'dropped').length).toBeGreaterThan(5);
    expect(events.some((e) => e.kind === 'delivered')).toBe(false);
  });

  it('wipe empties the node and warns', () => {
    const { clock, cluster, events } = setup();
    waitFor(clock, () => leaderOf(cluster.snapshot()) !== undefined);
    clock.advance(500);
    const follower = cluster.snapshot().nodes.find((n) => n.role === 'follower')!;
    expect(follower.durable.lastIndex).toBeGreaterThan(0);
    cluster.wipe(follower.id);
    const wiped = cluster.snapshot().nodes[follower.id - 1]!;
    expect(wiped.durable).toEqual({ term: 0, vote: 0, commit: 0, lastIndex: 0, snapshotIndex: 0 });
    expect(events.some((e) => e.kind === 'warning' && /wiped/.test(e.message))).toBe(true);
  });

  it('readLog returns older entries; newCluster replaces the cluster', async () => {
    const { clock, cluster } = setup();
    waitFor(clock, () => leaderOf(cluster.snapshot()) !== undefined);
    const leader = leaderOf(cluster.snapshot())!;
    const log = await cluster.readLog(leader, 1, 10);
    expect(log[0]).toMatchObject({ index: 1, label: 'noop' });
    await cluster.newCluster(3);
    expect(cluster.snapshot().nodes).toHaveLength(3);
    expect(cluster.snapshot().config.nodes).toBe(3);
    expect(cluster.snapshot().nodes.every((n) => n.term === 0)).toBe(true);
  });

  it('the same seed gives the same run', () => {
    const a = setup(5, 11);
    const b = setup(5, 11);
    a.clock.advance(5000);
    b.clock.advance(5000);
    const view = (c: InPageCluster) => c.snapshot().nodes.map((n) => `${n.id}:${n.role}:${n.term}:${n.commitIndex}`);
    expect(view(a.cluster)).toEqual(view(b.cluster));
  });

  it('preload writes many entries at once, without reporting each event', () => {
    const { cluster, events } = setup(5, 3);
    const done = cluster.preload(1000);
    expect(done).toBe(1000);
    expect(events).toEqual([]);
    const s = cluster.snapshot();
    const leader = s.nodes.find((n) => n.role === 'leader')!;
    expect(leader.commitIndex).toBeGreaterThanOrEqual(1001);
    // 1000 applied entries: the threshold compacted the log; the tail starts after the snapshot.
    expect(leader.snapshotIndex).toBeGreaterThanOrEqual(1000);
    expect(leader.logTail[0]?.index).toBe(leader.snapshotIndex + 1);
    expect(leader.logTail.at(-1)?.index).toBe(leader.lastIndex);
    expect(leader.kvSize).toBe(100);
  });

  it('while paused, the in-flight list orders by due time exactly as step() delivers', () => {
    const { clock, cluster, events } = setup(5, 9);
    cluster.setNetwork({ delayMs: [300, 400] });
    clock.advance(1500);
    cluster.pause();
    expect(cluster.snapshot().inFlight.length).toBeGreaterThan(0);
    clock.advance(3000); // wall time passes; then messages with short delays are sent while paused
    cluster.setNetwork({ delayMs: [1, 2] });
    cluster.forceTimeout(2);
    clock.advance(1000);
    cluster.forceTimeout(4);
    for (let k = 0; k < 6; k++) {
      const flying = cluster.snapshot().inFlight;
      if (flying.length === 0) break;
      const earliest = [...flying].sort((a, b) => a.dueAt - b.dueAt || a.id - b.id)[0]!;
      events.length = 0;
      expect(cluster.step()).toBe(true);
      expect(events.some((e) => (e.kind === 'delivered' || e.kind === 'dropped') && e.id === earliest.id)).toBe(true);
    }
  });

  it('a campaigning node reports its votes as they arrive (its own first)', () => {
    const { clock, cluster } = setup(5, 4);
    clock.advance(2000);
    cluster.setNetwork({ delayMs: [100, 100] });
    const follower = cluster.snapshot().nodes.find((n) => n.role === 'follower')!;
    cluster.isolate(follower.id);
    clock.advance(3000); // cut off, it campaigns with pre-votes nobody answers
    const lonely = cluster.snapshot().nodes[follower.id - 1]!;
    expect(lonely.role).toBe('pre-candidate');
    expect(lonely.votes).toEqual([{ from: follower.id, granted: true }]);
    for (const n of cluster.snapshot().nodes) if (n.role === 'follower' || n.role === 'leader') expect(n.votes).toEqual([]);
  });
});
