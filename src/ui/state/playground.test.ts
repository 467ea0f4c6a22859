import { outsideCluster } from '../model/membership.ts';
import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../runtime/cluster-api.ts';
import { InPageCluster } from '../../runtime/in-page-cluster.ts';
import { TestClock } from '../../runtime/test-clock.ts';
import { Playground } from './playground.svelte.ts';
import type { FrameScheduler } from './snapshot-feed.svelte.ts';
import { ConsoleState } from './console-state.svelte.ts';

/** One hand-driven clock for the cluster, the page's frames and its timers. */
function setup(nodes: 3 | 5 = 5, seed = 5) {
  const clock = new TestClock();
  const timers: { at: number; run: () => void }[] = [];
  const scheduler: FrameScheduler = {
    now: () => clock.now(),
    requestFrame: (cb) => clock.requestFrame(cb),
    cancelFrame: (h) => clock.cancelFrame(h),
    setTimer: (run, ms) => timers.push({ at: clock.now() + ms, run }),
  };
  const cluster = new InPageCluster({ seed, clock, config: { nodes, speed: 1 } });
  const page = new Playground(cluster, scheduler);
  const advance = (ms: number) => {
    for (let t = 0; t < ms; t += 16) {
      clock.advance(16);
      for (const timer of timers.splice(0)) {
        if (timer.at <= clock.now()) timer.run();
        else timers.push(timer);
      }
    }
  };
  const until = (predicate: () => boolean, maxMs = 20_000) => {
    for (let t = 0; t < maxMs && !predicate(); t += 48) advance(48);
    return predicate();
  };
  /** Advances time while a promise settles (replies come back as virtual time runs). */
  const settle = async <T>(promise: Promise<T>, maxMs = 20_000): Promise<T> => {
    let value: { v: T } | undefined;
    void promise.then((v) => (value = { v }));
    for (let t = 0; t < maxMs && value === undefined; t += 48) {
      advance(48);
      await Promise.resolve();
    }
    expect(value).toBeDefined();
    return value!.v;
  };
  return { clock, cluster, page, advance, until, settle };
}

describe('Playground state with the in-page cluster', () => {
  it('follows the election: leader, timeline, announcement, animated messages', () => {
    const { page, until, advance } = setup();
    let sawSprites = false;
    expect(until(() => {
      sawSprites ||= page.picture.sprites.length > 0;
      return page.feed.leader !== undefined;
    })).toBe(true);
    advance(2000);
    expect(sawSprites).toBe(true);
    const leader = page.feed.leader!;
    expect(page.history.timeline.marks.some((m) => m.kind === 'won' && m.node === leader.id)).toBe(true);
    expect(page.history.timeline.terms.some((t) => t.leader === leader.id && t.term === leader.term)).toBe(true);
    expect(page.notices.announcement).toContain(`Node ${leader.id} is the leader in term ${leader.term}.`);
    expect(page.picture.positions.size).toBe(5);
    expect(page.picture.groups).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('actions answer at once and are announced', () => {
    const { page, until, advance } = setup();
    until(() => page.feed.leader !== undefined);
    const id = page.feed.leader!.id;
    page.actions.crash(id);
    expect(page.feed.node(id)!.role).toBe('crashed');
    advance(2000);
    expect(page.notices.announcement).toContain(`Node ${id} crashed.`);
    expect(until(() => page.feed.leader !== undefined && page.feed.leader.id !== id)).toBe(true);
    page.actions.restart(id);
    expect(page.feed.node(id)!.alive).toBe(true);
  });

  it('a partition splits the layout into islands and the nodes move there', () => {
    const { page, until, advance } = setup();
    until(() => page.feed.leader !== undefined);
    page.actions.partition([[1, 2], [3, 4, 5]]);
    expect(page.picture.groups).toEqual([[1, 2], [3, 4, 5]]);
    expect(page.picture.layout.islands.map((i) => i.majority)).toEqual([false, true]);
    advance(1000);
    for (const [id, p] of page.picture.layout.nodes) expect(page.picture.positions.get(id)).toEqual(p);
    page.actions.heal();
    expect(page.picture.groups).toHaveLength(1);
  });

  it('pausing freezes the animation clock; step moves one message', () => {
    const { page, until, advance } = setup();
    until(() => page.feed.leader !== undefined);
    page.actions.togglePause();
    advance(100);
    expect(page.feed.snapshot.paused).toBe(true);
    const frozen = page.feed.frameNow;
    advance(500);
    expect(page.feed.frameNow).toBe(frozen);
    page.actions.step();
    expect(page.feed.snapshot.paused).toBe(true);
    page.actions.togglePause();
    advance(100);
    expect(page.feed.frameNow).toBeGreaterThan(frozen);
  });

  it('new cluster resets the histories and the node count', async () => {
    const { page, until, settle } = setup();
    until(() => page.feed.leader !== undefined);
    const generation = page.feed.generation;
    await settle(page.actions.newCluster(3));
    expect(page.feed.ids).toEqual([1, 2, 3]);
    expect(page.feed.generation).toBe(generation + 1);
    expect(page.history.timeline.marks).toEqual([]);
  });

  it('auto-writes keep running on the new cluster, and the announcement says so (#17 item 3)', async () => {
    const { page, until, advance, settle } = setup();
    until(() => page.feed.leader !== undefined);
    page.load.setRate(10);
    await settle(page.actions.newCluster(3));
    expect(page.load.rate).toBe(10);
    // The auto-writer awaits its replies: let promises settle while virtual time runs.
    for (let t = 0; t < 20_000 && (page.feed.leader?.commitIndex ?? 0) <= 3; t += 48) {
      advance(48);
      for (let k = 0; k < 5; k++) await Promise.resolve();
    }
    expect(page.feed.leader?.commitIndex ?? 0).toBeGreaterThan(3);
    expect(page.load.error).toBe('');
    expect(page.notices.announcement).toContain('Auto-writes go on at 10 per second.');
    page.load.setRate(0);
  });
});

describe('ConsoleState', () => {
  it('SET then GET: replies with the value, the route and the latency; writes feed the charts', async () => {
    const { page, until, settle } = setup();
    until(() => page.feed.leader !== undefined);
    const con = new ConsoleState(page.feed, page.actions);
    await settle(con.run('SET greeting "hello world"'));
    await settle(con.run('GET greeting'));
    const lines = con.lines.map((l) => [l.kind, l.text]);
    expect(lines).toEqual([
      ['echo', 'SET greeting "hello world"'],
      ['reply', 'OK'],
      ['echo', 'GET greeting'],
      ['reply', '"hello world"'],
    ]);
    expect(con.lines[3]!.route).toMatch(new RegExp(`^answered by n${page.feed.leader!.id}( via [n0-9 →]+)?, \\d+ ms$`));
    expect(page.history.metrics.lastLatency()).toBeGreaterThan(0);
  });

  it('bad input, HELP, CLEAR and the history', async () => {
    const { page } = setup();
    const con = new ConsoleState(page.feed, page.actions);
    await con.run('SET onlykey');
    expect(con.lines.at(-1)).toMatchObject({ kind: 'error', text: expect.stringContaining('Usage: SET key value') });
    await con.run('help cas');
    expect(con.lines.at(-1)).toMatchObject({ kind: 'info', text: expect.stringContaining('CAS key expected new') });
    await con.run('clear');
    expect(con.lines).toEqual([]);
    expect(con.previous('draft')).toBe('clear');
    expect(con.previous('')).toBe('help cas');
    expect(con.previous('')).toBe('SET onlykey');
    expect(con.previous('')).toBe('SET onlykey');
    expect(con.next('')).toBe('help cas');
    expect(con.next('')).toBe('clear');
    expect(con.next('')).toBe('draft');
  });

  it('CAS: swapped when the key is absent (nil), then not swapped, showing the value seen', async () => {
    const { page, until, settle } = setup();
    until(() => page.feed.leader !== undefined);
    const con = new ConsoleState(page.feed, page.actions);
    await settle(con.run(`CAS k nil first`));
    expect(con.lines.at(-1)).toMatchObject({ kind: 'reply', text: 'OK: swapped (was (nil))' });
    await settle(con.run(`CAS k nil second`));
    expect(con.lines.at(-1)).toMatchObject({ kind: 'reply', text: 'NOT SWAPPED: the value is "first"' });
  });
});

describe('Playground banners (#17 item 6)', () => {
  it('a corrupt record that stands as a warning and arrives as an event shows once', () => {
    const clock = new TestClock();
    const scheduler: FrameScheduler = {
      now: () => clock.now(),
      requestFrame: (cb) => clock.requestFrame(cb),
      cancelFrame: (h) => clock.cancelFrame(h),
      setTimer: () => undefined,
    };
    const cluster = new InPageCluster({ seed: 1, clock, config: { nodes: 3, speed: 1 } });
    const corrupt = 'Node 2 refuses to start: corrupted record "entry 1" in database raft-node-2: bad term';
    let listener: ((events: ClusterEvent[]) => void) | undefined;
    // The worker cluster does both: the node's load error stands in snapshot.warnings, and the
    // same text is emitted as a warning event when the node stops.
    const controller = new Proxy(cluster, {
      get(target, prop, receiver) {
        if (prop === 'snapshot') return () => ({ ...target.snapshot(), warnings: [corrupt] });
        if (prop === 'subscribe') return (fn: (events: ClusterEvent[]) => void) => ((listener = fn), target.subscribe(fn));
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const page = new Playground(controller, scheduler);
    listener!([{ kind: 'warning', at: 0, message: corrupt }]);
    listener!([{ kind: 'warning', at: 1, message: corrupt }]);
    const shown = [...page.notices.banners.warnings, ...page.notices.banners.notices.map((n) => n.text)];
    expect(shown).toEqual([corrupt]);
    page.notices.notice('Seed "abc" is not a number', { sticky: true });
    page.notices.notice('Seed "abc" is not a number', { sticky: true });
    expect(page.notices.banners.notices.map((n) => n.text)).toEqual(['Seed "abc" is not a number']);
    page.dispose();
  });
});

describe('Page state is read-only to views', () => {
  it('state is changed through methods, never by assigning a field', () => {
    const { page } = setup();
    const assign = (target: object, key: string) => () => {
      (target as Record<string, unknown>)[key] = undefined;
    };
    expect(assign(page.feed, 'snapshot')).toThrow(TypeError);
    expect(assign(page.feed, 'leader')).toThrow(TypeError);
    expect(assign(page.picture, 'size')).toThrow(TypeError);
    expect(assign(page.picture, 'positions')).toThrow(TypeError);
    expect(assign(page.history, 'version')).toThrow(TypeError);
    expect(assign(page.notices, 'banners')).toThrow(TypeError);
    expect(assign(page.load, 'rate')).toThrow(TypeError);
    page.picture.resize(800, 500);
    expect(page.picture.size).toEqual({ width: 800, height: 500 });
    page.dispose();
  });
});

describe('Leader transfer from the page', () => {
  it('hands leadership to the chosen node and says so', () => {
    const { page, until, advance } = setup(3, 2);
    expect(until(() => page.feed.leader !== undefined)).toBe(true);
    const from = page.feed.leader!.id;
    const to = (from % 3) + 1;
    page.actions.transferLeadership(to);
    advance(1600); // the live region speaks after its 1.5 s coalescing window
    expect(page.feed.leader?.id).toBe(to);
    expect(page.notices.announcement).toContain(`Leadership is being handed to node ${to}`);
    expect(page.notices.announcement).toContain(`Node ${to} is the leader`);
    page.actions.transferLeadership(to);
    expect(page.notices.banners.notices.map((n) => n.text)).toContain(`cannot transfer leadership to n${to}: n${to} is already the leader`);
    page.dispose();
  });
});

describe('Forcing a timeout says what happens next', () => {
  it('with PreVote on, the announcement says a pre-vote comes first', () => {
    const { page, until, advance } = setup(3, 2);
    expect(until(() => page.feed.leader !== undefined)).toBe(true);
    const follower = page.feed.ids.find((id) => id !== page.feed.leader!.id)!;
    page.actions.forceTimeout(follower);
    advance(1600);
    expect(page.notices.announcement).toContain(`Node ${follower}'s election timer was forced to expire. It asks for pre-votes first`);
    page.dispose();
  });
});

describe('Compact now from the page', () => {
  it('says at which index the node took its snapshot, and shows a refusal as a notice', async () => {
    const { page, until, advance, settle } = setup(3, 2);
    expect(until(() => page.feed.leader !== undefined)).toBe(true);
    const id = page.feed.leader!.id;
    for (let k = 0; k < 3; k++) expect((await settle(page.actions.submit({ op: 'set', key: `c${k}`, value: 'v' }))).ok).toBe(true);
    page.actions.compact(id);
    const at = page.feed.node(id)!.snapshotIndex;
    expect(at).toBeGreaterThan(3);
    expect(page.feed.node(id)!.firstIndex).toBe(at + 1);
    advance(1600); // the live region speaks after its 1.5 s coalescing window
    expect(page.notices.announcement).toContain(`Node ${id} took a snapshot at index ${at} and dropped the log entries it covers; a follower that needs them now gets the snapshot.`);
    page.actions.compact(id);
    expect(page.notices.banners.notices.map((n) => n.text)).toContain(`cannot compact n${id}: nothing to compact: no entry was applied since the snapshot at ${at}`);
    page.dispose();
  });

  it('a compaction that shows only in a later view (as from a worker) is announced then, with its index, once', () => {
    const clock = new TestClock();
    const timers: { at: number; run: () => void }[] = [];
    const scheduler: FrameScheduler = {
      now: () => clock.now(),
      requestFrame: (cb) => clock.requestFrame(cb),
      cancelFrame: (h) => clock.cancelFrame(h),
      setTimer: (run, ms) => timers.push({ at: clock.now() + ms, run }),
    };
    const cluster = new InPageCluster({ seed: 2, clock, config: { nodes: 3, speed: 1 } });
    // Like the worker cluster: compact() only posts the request; the node acts a moment later.
    let asked: number | undefined;
    const controller = new Proxy(cluster, {
      get(target, prop, receiver) {
        if (prop === 'compact') return (id: number) => void (asked = id);
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const page = new Playground(controller, scheduler);
    const advance = (ms: number) => {
      for (let t = 0; t < ms; t += 16) {
        clock.advance(16);
        for (const timer of timers.splice(0)) {
          if (timer.at <= clock.now()) timer.run();
          else timers.push(timer);
        }
      }
    };
    for (let t = 0; t < 20_000 && page.feed.leader === undefined; t += 48) advance(48);
    const id = page.feed.leader!.id;
    page.actions.compact(id);
    advance(1600);
    expect(page.notices.announcement).not.toContain('took a snapshot');
    cluster.compact(asked!);
    const at = cluster.snapshot().nodes[id - 1]!.snapshotIndex;
    advance(1600);
    expect(page.notices.announcement).toBe(`Node ${id} took a snapshot at index ${at} and dropped the log entries it covers; a follower that needs them now gets the snapshot.`);
    page.notices.say('node', 'something else');
    advance(1600);
    expect(page.notices.announcement).toBe('something else'); // said once, not again at every view
    page.dispose();
  });
});

describe('Membership from the page', () => {
  it('adds a node that joins as a learner, then is promoted; removes it again', () => {
    const { page, until, advance } = setup(3, 2);
    expect(until(() => page.feed.leader !== undefined && page.feed.leader.commitIndex > 0)).toBe(true);
    page.actions.addNode();
    expect(page.feed.ids).toEqual([1, 2, 3, 4]);
    expect(until(() => page.feed.leader?.committedConfiguration?.voters.includes(4) === true)).toBe(true);
    advance(1600);
    expect(page.notices.announcement).toContain('Node 4 caught up and is a voter now.');
    page.actions.addNode();
    page.actions.addNode(); // the second one while the first is uncommitted
    expect(page.notices.banners.notices.map((n) => n.text).join(' ')).toMatch(/one change at a time/);
    expect(until(() => page.feed.leader?.committedConfiguration?.voters.length === 5)).toBe(true);
    page.actions.removeNode(4);
    expect(until(() => page.feed.leader?.committedConfiguration?.voters.includes(4) === false)).toBe(true);
    expect(outsideCluster(page.feed.node(4)!, page.feed.leader?.committedConfiguration)).toBe(true);
    page.dispose();
  });
});
