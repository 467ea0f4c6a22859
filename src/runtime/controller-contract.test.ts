/**
 * The ClusterController contract, run against both controllers: the worker cluster (in Node,
 * in-process workers over fake-indexeddb, real timers at high speed) and the in-page cluster
 * (the Simulation on virtual time, driven by a test clock). The same input must give the same
 * behaviour.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterController, ConsoleReply, RequestProgress } from './cluster-api.ts';
import { defaultConfig } from './config.ts';
import { setup, start } from './in-process-cluster.ts';
import { InPageCluster } from './in-page-cluster.ts';
import { TestClock } from './test-clock.ts';

interface Driver {
  controller: ClusterController;
  /** Lets time pass until the predicate holds (fails the test after a bound). */
  until(predicate: () => boolean, what: string): Promise<void>;
  dispose(): void;
}

const drivers: Record<string, () => Driver> = {
  'worker cluster': () => {
    const config = defaultConfig({ tickMs: 10, electionTimeoutTicks: 10, heartbeatIntervalTicks: 2, network: { delayMs: [0, 2], dropRate: 0, duplicateRate: 0 } });
    const cluster = start(setup(), config);
    return {
      controller: cluster,
      until: async (predicate, what) => {
        const deadline = Date.now() + 20_000;
        while (!predicate()) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      },
      dispose: () => cluster.dispose(),
    };
  },
  'in-page cluster': () => {
    const clock = new TestClock();
    const cluster = new InPageCluster({ seed: 3, clock, config: { nodes: 3, speed: 1 } });
    return {
      controller: cluster,
      until: async (predicate, what) => {
        for (let t = 0; !predicate(); t += 20) {
          if (t > 120_000) throw new Error(`no ${what} within 120 s of virtual time`);
          clock.advance(20);
          await Promise.resolve();
        }
      },
      dispose: () => cluster.dispose(),
    };
  },
};

let current: Driver | undefined;
afterEach(() => current?.dispose());

function leaderOf(c: ClusterController): number | undefined {
  return c.snapshot().nodes.filter((n) => n.role === 'leader').sort((a, b) => b.term - a.term)[0]?.id;
}

describe.each(Object.keys(drivers))('ClusterController contract: %s', (name) => {
  function open(): Driver {
    current = drivers[name]!();
    return current;
  }

  async function answer(d: Driver, promise: Promise<ConsoleReply>): Promise<ConsoleReply> {
    let reply: ConsoleReply | undefined;
    void promise.then((r) => (reply = r));
    await d.until(() => reply !== undefined, 'an answer');
    return reply!;
  }

  it('a request without a majority is held within a bound, says why, and completes on retry once a majority is back', async () => {
    const d = open();
    const c = d.controller;
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    expect((await answer(d, c.submit({ op: 'set', key: 'k', value: 'v' }))).ok).toBe(true);
    const leader = leaderOf(c)!;
    const others = [1, 2, 3].filter((id) => id !== leader);
    c.crash(leader);
    c.crash(others[0]!);
    const progress: RequestProgress[] = [];
    let reply: ConsoleReply | undefined;
    void c.submit({ op: 'get', key: 'k' }, { onProgress: (p) => progress.push(p) }).then((r) => (reply = r));
    await d.until(() => progress.some((p) => p.kind === 'held'), 'the request to be held');
    const held = progress.find((p) => p.kind === 'held')!;
    expect(held).toMatchObject({ kind: 'held', reason: 'no leader: only 1 of 3 nodes is running; a majority is 2' });
    expect(reply).toBeUndefined();
    c.restart(leader);
    await d.until(() => leaderOf(c) !== undefined, 'a new leader');
    expect(c.retryRequest(held.requestId)).toBe(true);
    await d.until(() => reply !== undefined, 'the retried answer');
    expect(reply).toMatchObject({ ok: true, text: '"v"', requestId: held.requestId });
  });

  it('cancel gives a held request up, and says what that means for a write', async () => {
    const d = open();
    const c = d.controller;
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    c.crash(1);
    c.crash(2);
    const progress: RequestProgress[] = [];
    const pending = c.submit({ op: 'set', key: 'x', value: '1' }, { onProgress: (p) => progress.push(p) });
    await d.until(() => progress.some((p) => p.kind === 'held'), 'the request to be held');
    expect(c.cancelRequest(progress.find((p) => p.kind === 'held')!.requestId)).toBe(true);
    const reply = await answer(d, pending);
    expect(reply.error).toBe('cancelled: the outcome is unknown (the write may still take effect, once)');
  });

  it('independent requests are pipelined: twenty SETs on twenty keys are in flight together', async () => {
    const d = open();
    const c = d.controller;
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    const sentBeforeAnyAnswer = new Set<number>();
    let answered = 0;
    const replies = Array.from({ length: 20 }, (_, k) =>
      c.submit({ op: 'set', key: `p${k}`, value: String(k) }, {
        onProgress: (p) => {
          if (p.kind === 'sent' && answered === 0) sentBeforeAnyAnswer.add(p.requestId);
        },
      }).then((r) => {
        answered++;
        return r;
      }));
    await d.until(() => answered === 20, 'twenty answers');
    expect((await Promise.all(replies)).every((r) => r.ok)).toBe(true);
    expect(sentBeforeAnyAnswer.size).toBeGreaterThanOrEqual(8);
  });

  it('isolating a node cuts the console off from it too: a write is answered by another node', async () => {
    const d = open();
    const c = d.controller;
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    const leader = leaderOf(c)!;
    c.isolate(leader);
    const reply = await answer(d, c.submit({ op: 'set', key: 'p', value: '1' }));
    expect(reply.ok).toBe(true);
    expect(reply.answeredBy).not.toBe(leader);
  });

  it('bad arguments get the same clear error from both controllers', async () => {
    const d = open();
    const c = d.controller;
    expect(() => c.partition([[1, 9]])).toThrow('no node 9 (nodes are 1, 2, 3)');
    expect(() => c.partition([[1, 2], [2, 3]])).toThrow('node 2 is in two groups');
    expect(() => c.setLink(2, 2, true)).toThrow('a node always reaches itself');
    expect(() => c.setLinkDelay(1, 2, [50, 10])).toThrow(/delayMs must be .*\[min, max\] with 0 <= min <= max, got \[50, 10\]/);
    expect(() => c.setNetwork({ dropRate: 2 })).toThrow('dropRate must be in [0, 1], got 2');
    expect(() => c.setSpeed(0)).toThrow('speed must be in [0.01, 10], got 0');
  });

  it('a crashed node\'s log is not read: readLog refuses, as the node is not running', async () => {
    const d = open();
    const c = d.controller;
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    const follower = [1, 2, 3].find((id) => id !== leaderOf(c))!;
    c.crash(follower);
    await expect(c.readLog(follower, 1, 10)).rejects.toThrow(/not running/);
  });

  it('paused: a request waits in flight, can be dropped by hand, and nothing else moves', async () => {
    const d = open();
    const c = d.controller;
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    c.pause();
    await d.until(() => c.snapshot().paused, 'the pause');
    const before = c.snapshot().inFlight.map((m) => m.id);
    void c.submit({ op: 'set', key: 'paused', value: '1' });
    await d.until(() => c.snapshot().inFlight.some((m) => m.type === 'ClientRequest'), 'the request in flight');
    const request = c.snapshot().inFlight.find((m) => m.type === 'ClientRequest')!;
    expect(before).not.toContain(request.id);
    c.dropMessage(request.id);
    await d.until(() => !c.snapshot().inFlight.some((m) => m.id === request.id), 'the drop');
    c.resume();
  });

  it('transfer leadership: the target leads in a higher term, the console goes on, and refusals read the same', async () => {
    const d = open();
    const c = d.controller;
    expect(() => c.transferLeadership(2)).toThrow('no leader to hand leadership over: wait for an election');
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    const from = leaderOf(c)!;
    const term = c.snapshot().nodes[from - 1]!.term;
    expect((await answer(d, c.submit({ op: 'set', key: 't', value: '1' }))).ok).toBe(true);
    expect(() => c.transferLeadership(9)).toThrow('no node 9 (nodes are 1, 2, 3)');
    expect(() => c.transferLeadership(from)).toThrow(`cannot transfer leadership to n${from}: n${from} is already the leader`);
    const to = (from % 3) + 1;
    c.transferLeadership(to);
    await d.until(() => leaderOf(c) === to, `n${to} to lead`);
    expect(c.snapshot().nodes[to - 1]!.term).toBeGreaterThan(term);
    const reply = await answer(d, c.submit({ op: 'set', key: 't', value: '2' }));
    expect(reply.ok).toBe(true);
    expect(reply.answeredBy).toBe(to);
  });

  it('compact: the node snapshots what it applied and its log starts after it; a follower that was down catches up by that snapshot; refusals read the same', async () => {
    const d = open();
    const c = d.controller;
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    const leader = leaderOf(c)!;
    const follower = [1, 2, 3].find((id) => id !== leader)!;
    const view = (id: number) => c.snapshot().nodes[id - 1]!;
    const chunks: number[] = [];
    c.subscribe((events) => {
      for (const e of events) if (e.kind === 'sent' && e.message.type === 'InstallSnapshot') chunks.push(e.message.id);
    });
    c.crash(follower);
    expect(() => c.compact(follower)).toThrow(`n${follower} is down: restart it first`);
    for (let k = 0; k < 5; k++) expect((await answer(d, c.submit({ op: 'set', key: `s${k}`, value: String(k) }))).ok).toBe(true);

    c.compact(leader);
    await d.until(() => view(leader).snapshotIndex > 0 && view(leader).durable.snapshotIndex === view(leader).snapshotIndex, 'the snapshot on disk');
    const at = view(leader).snapshotIndex;
    expect(at).toBe(view(leader).appliedIndex);
    expect(view(leader).firstIndex).toBe(at + 1);
    expect(view(leader).snapshot).toMatchObject({ index: at, term: view(leader).term });
    expect(view(leader).snapshot!.bytes).toBeGreaterThan(0);
    expect(await c.readLog(leader, 1, 100)).toEqual([]); // everything it held is in the snapshot now

    // The follower's next entry is gone from the leader's log: only the snapshot brings it up to date.
    c.restart(follower);
    await d.until(() => view(follower).alive && view(follower).snapshotIndex === at && view(follower).appliedIndex >= at, 'the follower to install the snapshot');
    expect(view(follower).firstIndex).toBe(at + 1);
    expect(view(follower).kv).toEqual(view(leader).kv);
    expect(chunks.length).toBeGreaterThan(0);

    // Nothing applied since: the node says so (thrown in the page, a warning from a worker).
    const refusals: string[] = [];
    c.subscribe((events) => {
      for (const e of events) if (e.kind === 'warning') refusals.push(e.message);
    });
    try {
      c.compact(leader);
    } catch (e) {
      refusals.push((e as Error).message);
    }
    await d.until(() => refusals.length > 0, 'the refusal');
    expect(refusals[0]).toBe(`cannot compact n${leader}: nothing to compact: no entry was applied since the snapshot at ${at}`);
    expect(() => c.compact(9)).toThrow('no node 9 (nodes are 1, 2, 3)');
  });

  it('clock drift: a node\'s clock rate shows in its view, survives a restart, and bad rates get the same error', async () => {
    const d = open();
    const c = d.controller;
    expect(() => c.setClockRate(1, 0)).toThrow('clock rate must be in [0.1, 10], got 0');
    expect(() => c.setClockRate(1, Number.NaN)).toThrow('clock rate must be in [0.1, 10], got NaN');
    expect(() => c.setClockRate(9, 1)).toThrow('no node 9 (nodes are 1, 2, 3)');
    c.setClockRate(2, 1.5);
    expect(c.snapshot().nodes[1]!.clockRate).toBe(1.5);
    expect(c.snapshot().nodes[0]!.clockRate).toBe(1);
    c.crash(2);
    c.restart(2);
    await d.until(() => c.snapshot().nodes[1]!.alive, 'node 2 to run again');
    expect(c.snapshot().nodes[1]!.clockRate).toBe(1.5);
    // A fast clock still elects and commits.
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    expect((await answer(d, c.submit({ op: 'set', key: 'c', value: '1' }))).ok).toBe(true);
  });

  it('protocol switches: a new cluster without PreVote campaigns straight away; a bad combination is refused', async () => {
    const d = open();
    const c = d.controller;
    await expect(c.newCluster(3, { checkQuorum: false, reads: 'lease' })).rejects.toThrow('lease reads need CheckQuorum');
    await c.newCluster(3, { preVote: false });
    expect(c.snapshot().config.protocol).toEqual({ preVote: false, checkQuorum: true, reads: 'read-index' });
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    const follower = [1, 2, 3].find((id) => id !== leaderOf(c))!;
    const sent: string[] = [];
    c.subscribe((events) => {
      for (const e of events) if (e.kind === 'sent' && e.message.from === follower) sent.push(e.message.type);
    });
    c.forceTimeout(follower);
    await d.until(() => sent.includes('RequestVote'), 'a vote request from the follower');
    expect(sent).not.toContain('PreVote');
    await c.newCluster(3, { preVote: true, reads: 'lease' });
    expect(c.snapshot().config.protocol).toEqual({ preVote: true, checkQuorum: true, reads: 'lease' });
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    expect((await answer(d, c.submit({ op: 'set', key: 'l', value: '1' }))).ok).toBe(true);
    const read = await answer(d, c.submit({ op: 'get', key: 'l' }));
    expect(read.text).toBe('"1"');
  });

  it('roles: one leader per term; a crashed node shows crashed; a restarted one rejoins as follower; a wiped one forgets', async () => {
    const d = open();
    const c = d.controller;
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    const s = c.snapshot();
    expect(s.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    const byTerm = new Map<number, number>();
    for (const n of s.nodes) if (n.role === 'leader') byTerm.set(n.term, (byTerm.get(n.term) ?? 0) + 1);
    expect([...byTerm.values()].every((count) => count === 1)).toBe(true);
    expect((await answer(d, c.submit({ op: 'set', key: 'r', value: '1' }))).ok).toBe(true);
    const follower = [1, 2, 3].find((id) => id !== leaderOf(c))!;
    c.crash(follower);
    await d.until(() => c.snapshot().nodes[follower - 1]!.role === 'crashed', 'the crash to show');
    c.restart(follower);
    await d.until(() => c.snapshot().nodes[follower - 1]!.role === 'follower' && c.snapshot().nodes[follower - 1]!.commitIndex >= 2, 'the restarted node to catch up');
    c.wipe(follower);
    // A wiped node forgot its term and log; it learns them again from the leader.
    await d.until(() => c.snapshot().nodes[follower - 1]!.role === 'follower' && c.snapshot().nodes[follower - 1]!.durable.lastIndex >= 2, 'the wiped node to be repaired');
  });

  it('@N sends to that node only: a follower redirects, and the reply says who it was sent to', async () => {
    const d = open();
    const c = d.controller;
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    const leader = leaderOf(c)!;
    const follower = [1, 2, 3].find((id) => id !== leader)!;
    expect((await answer(d, c.submit({ op: 'set', key: 'at', value: '1' }, { target: leader }))).ok).toBe(true);
    const redirected = await answer(d, c.submit({ op: 'get', key: 'at' }, { target: follower }));
    expect(redirected.ok).toBe(false);
    expect(redirected.path).toEqual([follower]);
    expect(redirected.text).toMatch(new RegExp(`n${leader}`));
  });

  it('a partition: the majority side commits, the cut links show in the snapshot, and heal joins them again', async () => {
    const d = open();
    const c = d.controller;
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    const leader = leaderOf(c)!;
    const others = [1, 2, 3].filter((id) => id !== leader);
    c.partition([[leader], others]);
    const cut = c.snapshot().cut;
    expect(cut[leader]![others[0]!]).toBe(true);
    expect(cut[others[0]!]![leader]).toBe(true);
    expect(cut[others[0]!]![others[1]!]).toBe(false);
    await d.until(() => c.snapshot().nodes.some((n) => others.includes(n.id) && n.role === 'leader'), 'a leader on the majority side');
    expect((await answer(d, c.submit({ op: 'set', key: 'side', value: 'majority' }))).ok).toBe(true);
    c.heal();
    expect(c.snapshot().cut[leader]![others[0]!]).toBe(false);
    await d.until(() => c.snapshot().nodes.filter((n) => n.role === 'leader').length === 1 && c.snapshot().nodes[leader - 1]!.role === 'follower', 'one leader after the heal');
  });

  it('paused: step delivers the earliest message, deliver-now a chosen one, and the rest stay in flight', async () => {
    const d = open();
    const c = d.controller;
    await d.until(() => leaderOf(c) !== undefined, 'a leader');
    c.pause();
    await d.until(() => c.snapshot().paused, 'the pause');
    void c.submit({ op: 'set', key: 's1', value: '1' });
    void c.submit({ op: 'set', key: 's2', value: '2' });
    await d.until(() => c.snapshot().inFlight.filter((m) => m.type === 'ClientRequest').length === 2, 'two requests in flight');
    const flying = [...c.snapshot().inFlight].sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
    const earliest = flying[0]!;
    expect(c.step()).toBe(true);
    const afterStep = c.snapshot().inFlight.map((m) => m.id);
    expect(afterStep).not.toContain(earliest.id);
    for (const m of flying.slice(1)) if (m.dueAt > earliest.dueAt) expect(afterStep).toContain(m.id);
    const chosen = c.snapshot().inFlight.filter((m) => m.type === 'ClientRequest').sort((a, b) => b.dueAt - a.dueAt)[0]!;
    const rest = c.snapshot().inFlight.filter((m) => m.id !== chosen.id).map((m) => m.id);
    c.deliverNow(chosen.id);
    const afterDeliver = c.snapshot().inFlight.map((m) => m.id);
    expect(afterDeliver).not.toContain(chosen.id);
    for (const id of rest) expect(afterDeliver).toContain(id);
    c.resume();
  });
});
