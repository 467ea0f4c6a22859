import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../runtime/cluster-api.ts';
import { InPageCluster } from '../../runtime/in-page-cluster.ts';
import { TestClock } from '../../runtime/test-clock.ts';
import { ClusterStore, type FrameScheduler } from './cluster-store.svelte.ts';
import { ConsoleState } from './console-state.svelte.ts';

/** One hand-driven clock for the cluster, the store's frames and its timers. */
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
  const store = new ClusterStore(cluster, scheduler);
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
  return { clock, cluster, store, advance, until, settle };
}

describe('ClusterStore with the offline cluster', () => {
  it('follows the election: leader, timeline, announcement, animated messages', () => {
    const { store, until, advance } = setup();
    let sawSprites = false;
    expect(until(() => {
      sawSprites ||= store.sprites.length > 0;
      return store.leader !== undefined;
    })).toBe(true);
    advance(2000);
    expect(sawSprites).toBe(true);
    const leader = store.leader!;
    expect(store.timeline.marks.some((m) => m.kind === 'won' && m.node === leader.id)).toBe(true);
    expect(store.timeline.terms.some((t) => t.leader === leader.id && t.term === leader.term)).toBe(true);
    expect(store.announcement).toContain(`Node ${leader.id} is the leader in term ${leader.term}.`);
    expect(store.positions.size).toBe(5);
    expect(store.groups).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('actions answer at once and are announced', () => {
    const { store, until, advance } = setup();
    until(() => store.leader !== undefined);
    const id = store.leader!.id;
    store.crash(id);
    expect(store.node(id)!.role).toBe('crashed');
    advance(2000);
    expect(store.announcement).toContain(`Node ${id} crashed.`);
    expect(until(() => store.leader !== undefined && store.leader.id !== id)).toBe(true);
    store.restart(id);
    expect(store.node(id)!.alive).toBe(true);
  });

  it('a partition splits the layout into islands and the nodes move there', () => {
    const { store, until, advance } = setup();
    until(() => store.leader !== undefined);
    store.partition([[1, 2], [3, 4, 5]]);
    expect(store.groups).toEqual([[1, 2], [3, 4, 5]]);
    expect(store.layout.islands.map((i) => i.majority)).toEqual([false, true]);
    advance(1000);
    for (const [id, p] of store.layout.nodes) expect(store.positions.get(id)).toEqual(p);
    store.heal();
    expect(store.groups).toHaveLength(1);
  });

  it('pausing freezes the animation clock; step moves one message', () => {
    const { store, until, advance } = setup();
    until(() => store.leader !== undefined);
    store.togglePause();
    advance(100);
    expect(store.snapshot.paused).toBe(true);
    const frozen = store.frameNow;
    advance(500);
    expect(store.frameNow).toBe(frozen);
    store.step();
    expect(store.snapshot.paused).toBe(true);
    store.togglePause();
    advance(100);
    expect(store.frameNow).toBeGreaterThan(frozen);
  });

  it('new cluster resets the histories and the node count', async () => {
    const { store, until, settle } = setup();
    until(() => store.leader !== undefined);
    const generation = store.generation;
    await settle(store.newCluster(3));
    expect(store.ids).toEqual([1, 2, 3]);
    expect(store.generation).toBe(generation + 1);
    expect(store.timeline.marks).toEqual([]);
  });

  it('auto-writes keep running on the new cluster, and the announcement says so (#17 item 3)', async () => {
    const { store, until, advance, settle } = setup();
    until(() => store.leader !== undefined);
    store.setLoad(10);
    await settle(store.newCluster(3));
    expect(store.loadRate).toBe(10);
    // The auto-writer awaits its replies: let promises settle while virtual time runs.
    for (let t = 0; t < 20_000 && (store.leader?.commitIndex ?? 0) <= 3; t += 48) {
      advance(48);
      for (let k = 0; k < 5; k++) await Promise.resolve();
    }
    expect(store.leader?.commitIndex ?? 0).toBeGreaterThan(3);
    expect(store.loadError).toBe('');
    expect(store.announcement).toContain('Auto-writes go on at 10 per second.');
    store.setLoad(0);
  });
});

describe('ConsoleState', () => {
  it('SET then GET: replies with the value, the route and the latency; writes feed the charts', async () => {
    const { store, until, settle } = setup();
    until(() => store.leader !== undefined);
    const con = new ConsoleState(store);
    await settle(con.run('SET greeting "hello world"'));
    await settle(con.run('GET greeting'));
    const lines = con.lines.map((l) => [l.kind, l.text]);
    expect(lines).toEqual([
      ['echo', 'SET greeting "hello world"'],
      ['reply', 'OK'],
      ['echo', 'GET greeting'],
      ['reply', '"hello world"'],
    ]);
    expect(con.lines[3]!.route).toMatch(new RegExp(`^answered by n${store.leader!.id}( via [n0-9 →]+)?, \\d+ ms$`));
    expect(store.metrics.lastLatency()).toBeGreaterThan(0);
  });

  it('bad input, HELP, CLEAR and the history', async () => {
    const { store } = setup();
    const con = new ConsoleState(store);
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
    const { store, until, settle } = setup();
    until(() => store.leader !== undefined);
    const con = new ConsoleState(store);
    await settle(con.run(`CAS k nil first`));
    expect(con.lines.at(-1)).toMatchObject({ kind: 'reply', text: 'OK: swapped (was (nil))' });
    await settle(con.run(`CAS k nil second`));
    expect(con.lines.at(-1)).toMatchObject({ kind: 'reply', text: 'NOT SWAPPED: the value is "first"' });
  });
});

describe('ClusterStore banners (#17 item 6)', () => {
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
    const store = new ClusterStore(controller, scheduler);
    listener!([{ kind: 'warning', at: 0, message: corrupt }]);
    listener!([{ kind: 'warning', at: 1, message: corrupt }]);
    const shown = [...store.banners.warnings, ...store.banners.notices.map((n) => n.text)];
    expect(shown).toEqual([corrupt]);
    store.notice('Seed "abc" is not a number', { sticky: true });
    store.notice('Seed "abc" is not a number', { sticky: true });
    expect(store.banners.notices.map((n) => n.text)).toEqual(['Seed "abc" is not a number']);
    store.dispose();
  });
});
