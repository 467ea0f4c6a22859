import { describe, expect, it } from 'vitest';
import type { Heartbeat, Message, NodeId } from '../core/types.ts';
import type { ClusterEvent, NetworkSettings } from './cluster-api.ts';
import { Bus } from './bus.ts';
import { FakeTimers } from '../core/fake-timers.ts';

function hb(from: NodeId, to: NodeId, commit = 0): Heartbeat {
  return { type: 'Heartbeat', from, to, term: 1, commit, readContext: 0 };
}

interface Harness {
  bus: Bus;
  timers: FakeTimers;
  delivered: Message[];
  events: ClusterEvent[];
  up: Set<NodeId>;
  randoms: number[];
}

/** `randoms` feeds random(): per send, drop draw, delay draw, duplicate draw (0.5 when empty). */
function harness(network: Partial<NetworkSettings> = {}, options: { speed?: number; maxInFlight?: number } = {}): Harness {
  const timers = new FakeTimers();
  const delivered: Message[] = [];
  const events: ClusterEvent[] = [];
  const up = new Set<NodeId>([1, 2, 3]);
  const randoms: number[] = [];
  const bus = new Bus({
    nodeIds: [1, 2, 3],
    network: { delayMs: [10, 10], dropRate: 0, duplicateRate: 0, ...network },
    speed: options.speed ?? 1,
    timers,
    random: () => randoms.shift() ?? 0.5,
    hooks: { deliver: (ms) => delivered.push(...ms), isUp: (id) => up.has(id), emit: (e) => events.push(e) },
    ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
  });
  return { bus, timers, delivered, events, up, randoms };
}

function kinds(events: ClusterEvent[]): string[] {
  return events.map((e) => (e.kind === 'dropped' ? `dropped:${e.reason}` : e.kind));
}

describe('Bus delay', () => {
  it('delivers after the delay, not before', () => {
    const h = harness({ delayMs: [10, 10] });
    h.bus.send(hb(1, 2));
    h.timers.advance(9);
    expect(h.delivered).toHaveLength(0);
    expect(h.bus.inFlight()).toHaveLength(1);
    h.timers.advance(1);
    expect(h.delivered).toEqual([hb(1, 2)]);
    expect(h.bus.inFlight()).toHaveLength(0);
    expect(kinds(h.events)).toEqual(['sent', 'delivered']);
  });

  it('draws the delay from the range and scales it by 1/speed', () => {
    const h = harness({ delayMs: [10, 20] }, { speed: 0.5 });
    h.randoms.push(0.9, 0.99); // no drop; delay = 10 + floor(0.99 * 11) = 20 ms, / 0.5 = 40 ms
    h.bus.send(hb(1, 2));
    const sent = h.events[0];
    expect(sent?.kind === 'sent' && sent.message.dueAt - sent.message.sentAt).toBe(40);
    h.timers.advance(39);
    expect(h.delivered).toHaveLength(0);
    h.timers.advance(1);
    expect(h.delivered).toHaveLength(1);
  });

  it('a link with its own delay range overrides the network range, in that direction only', () => {
    const h = harness({ delayMs: [10, 10] });
    h.bus.setLinkDelay(1, 2, [300, 300]);
    expect(h.bus.linkDelayList()).toEqual([[1, 2, [300, 300]]]);
    h.bus.send(hb(1, 2, 1));
    h.bus.send(hb(2, 1, 2));
    h.bus.send(hb(1, 3, 3));
    h.timers.advance(10);
    expect(h.delivered.map((m) => (m as Heartbeat).commit)).toEqual([2, 3]);
    h.timers.advance(290);
    expect(h.delivered.map((m) => (m as Heartbeat).commit)).toEqual([2, 3, 1]);
    h.bus.setLinkDelay(1, 2, undefined);
    h.bus.send(hb(1, 2, 4));
    h.timers.advance(10);
    expect(h.delivered).toHaveLength(4);
    expect(() => h.bus.setLinkDelay(1, 2, [5, 1])).toThrow(/delayMs/);
  });

  it('reorders messages by their due time and keeps send order for equal times', () => {
    const h = harness({ delayMs: [0, 10] });
    h.randoms.push(0.9, 0.99, 0.9); // first: delay 10
    h.bus.send(hb(1, 2, 1));
    h.randoms.push(0.9, 0.0, 0.9); // second: delay 0
    h.bus.send(hb(1, 2, 2));
    h.randoms.push(0.9, 0.0, 0.9); // third: delay 0
    h.bus.send(hb(1, 3, 3));
    h.timers.advance(10);
    expect(h.delivered.map((m) => (m as Heartbeat).commit)).toEqual([2, 3, 1]);
  });

  it('delivers zero-delay messages sent together in one batch', () => {
    const h = harness({ delayMs: [0, 0] });
    const batches: number[] = [];
    const bus = new Bus({
      nodeIds: [1, 2, 3], network: { delayMs: [0, 0], dropRate: 0, duplicateRate: 0 }, speed: 1, timers: h.timers,
      random: () => 0.5, hooks: { deliver: (ms) => batches.push(ms.length), isUp: () => true, emit: () => {} },
    });
    bus.send(hb(1, 2));
    bus.send(hb(1, 3));
    bus.send(hb(2, 3));
    h.timers.advance(0);
    expect(batches).toEqual([3]);
  });
});

describe('Bus drop and duplicate', () => {
  it('drops a message when the draw falls under the drop rate', () => {
    const h = harness({ dropRate: 0.3 });
    h.randoms.push(0.29);
    h.bus.send(hb(1, 2));
    h.randoms.push(0.31);
    h.bus.send(hb(1, 3));
    h.timers.advance(100);
    expect(h.delivered).toEqual([hb(1, 3)]);
    expect(kinds(h.events)).toEqual(['sent', 'dropped:loss', 'sent', 'delivered']);
    expect(h.bus.stats).toMatchObject({ sent: 2, delivered: 1, dropped: 1 });
  });

  it('drop rate 0 never drops and 1 always drops', () => {
    const never = harness({ dropRate: 0 });
    const always = harness({ dropRate: 1 });
    for (let k = 0; k < 50; k++) {
      never.randoms.push(0, 0.5, 0.99);
      never.bus.send(hb(1, 2));
      always.randoms.push(0.999999, 0.5, 0.99);
      always.bus.send(hb(1, 2));
    }
    never.timers.advance(100);
    always.timers.advance(100);
    expect(never.delivered).toHaveLength(50);
    expect(always.delivered).toHaveLength(0);
  });

  it('duplicates a message into a second copy with its own id and delay', () => {
    const h = harness({ duplicateRate: 0.5, delayMs: [10, 20] });
    h.randoms.push(0.9, 0.0, 0.1, 0.99); // keep; delay 10; duplicate; copy delay 20
    h.bus.send(hb(1, 2));
    const sent = h.events.filter((e) => e.kind === 'sent');
    expect(sent).toHaveLength(2);
    const ids = sent.map((e) => (e.kind === 'sent' ? e.message.id : 0));
    expect(new Set(ids).size).toBe(2);
    expect(sent[1]?.kind === 'sent' && sent[1].message.summary['duplicate']).toBe(true);
    h.timers.advance(10);
    expect(h.delivered).toHaveLength(1);
    h.timers.advance(10);
    expect(h.delivered).toEqual([hb(1, 2), hb(1, 2)]);
    expect(h.bus.stats.duplicated).toBe(1);
  });
});

describe('Bus partitions', () => {
  it('partition: nodes in different groups cannot talk, nodes in the same group can', () => {
    const h = harness();
    h.bus.partition([[1, 2], [3]]);
    h.bus.send(hb(1, 2));
    h.bus.send(hb(1, 3));
    h.bus.send(hb(3, 1));
    h.timers.advance(100);
    expect(h.delivered).toEqual([hb(1, 2)]);
    expect(h.events.filter((e) => e.kind === 'dropped' && e.reason === 'partition')).toHaveLength(2);
    expect(h.bus.cutMatrix()).toEqual({ 1: { 1: false, 2: false, 3: true }, 2: { 1: false, 2: false, 3: true }, 3: { 1: true, 2: true, 3: false } });
  });

  it('one-way cut: from -> to is lost, to -> from still works', () => {
    const h = harness();
    h.bus.setLink(1, 2, true);
    h.bus.send(hb(1, 2));
    h.bus.send(hb(2, 1));
    h.timers.advance(100);
    expect(h.delivered).toEqual([hb(2, 1)]);
    h.bus.setLink(1, 2, false);
    h.bus.send(hb(1, 2));
    h.timers.advance(100);
    expect(h.delivered).toEqual([hb(2, 1), hb(1, 2)]);
  });

  it('a message in flight when its link is cut is lost on arrival', () => {
    const h = harness();
    h.bus.send(hb(1, 2));
    h.bus.isolate(2);
    h.timers.advance(100);
    expect(h.delivered).toHaveLength(0);
    expect(kinds(h.events)).toEqual(['sent', 'dropped:partition']);
  });

  it('isolate cuts clients too; rejoin and heal repair', () => {
    const h = harness();
    h.bus.isolate(2);
    const request: Message = { type: 'ClientRequest', from: 'console', to: 2, seq: 1, command: { op: 'get', key: 'k' } };
    h.bus.send(request);
    h.bus.send({ ...request, to: 1 });
    h.timers.advance(100);
    expect(h.delivered).toEqual([{ ...request, to: 1 }]);
    h.bus.rejoin(2);
    h.bus.send(request);
    h.bus.send(hb(2, 3));
    h.timers.advance(100);
    expect(h.delivered).toHaveLength(3);
    h.bus.partition([[1], [2], [3]]);
    h.bus.heal();
    expect(Object.values(h.bus.cutMatrix()).flatMap((row) => Object.values(row))).not.toContain(true);
  });

  it('refuses unknown nodes and a node in two groups', () => {
    const h = harness();
    expect(() => h.bus.isolate(9)).toThrow(/no node 9/);
    expect(() => h.bus.partition([[1, 2], [2, 3]])).toThrow(/two groups/);
  });

  it('a message to a crashed node is lost on arrival', () => {
    const h = harness();
    h.bus.send(hb(1, 2));
    h.up.delete(2);
    h.timers.advance(100);
    expect(kinds(h.events)).toEqual(['sent', 'dropped:crashed']);
  });
});

describe('Bus pause and manual delivery', () => {
  it('pause holds every message; resume delivers them after the time they had left', () => {
    const h = harness({ delayMs: [10, 10] });
    h.bus.send(hb(1, 2));
    h.timers.advance(4);
    h.bus.pause();
    h.timers.advance(1000);
    expect(h.delivered).toHaveLength(0);
    h.bus.send(hb(2, 3)); // sent while paused: held too
    h.timers.advance(1000);
    expect(h.delivered).toHaveLength(0);
    h.bus.resume();
    h.timers.advance(5);
    expect(h.delivered).toHaveLength(0);
    h.timers.advance(1);
    expect(h.delivered).toEqual([hb(1, 2)]);
    h.timers.advance(100);
    expect(h.delivered).toEqual([hb(1, 2), hb(2, 3)]);
  });

  it('step delivers the earliest message, one at a time, and says when nothing is left', () => {
    const h = harness({ delayMs: [0, 10] });
    h.bus.pause();
    h.randoms.push(0.9, 0.99, 0.9);
    h.bus.send(hb(1, 2, 1)); // due at 10
    h.randoms.push(0.9, 0.0, 0.9);
    h.bus.send(hb(1, 3, 2)); // due at 0
    expect(h.bus.step()).toBe(true);
    expect(h.delivered.map((m) => (m as Heartbeat).commit)).toEqual([2]);
    expect(h.bus.step()).toBe(true);
    expect(h.delivered.map((m) => (m as Heartbeat).commit)).toEqual([2, 1]);
    expect(h.bus.step()).toBe(false);
  });

  it('deliverNow and dropMessage act on the chosen message only', () => {
    const h = harness({ delayMs: [50, 50] });
    h.bus.send(hb(1, 2, 1));
    h.bus.send(hb(1, 3, 2));
    h.bus.send(hb(2, 3, 3));
    const [a, b, c] = h.bus.inFlight().map((m) => m.id);
    expect(h.bus.deliverNow(b!)).toBe(true);
    expect(h.delivered.map((m) => (m as Heartbeat).commit)).toEqual([2]);
    expect(h.bus.dropMessage(c!)).toBe(true);
    expect(h.events.at(-1)).toMatchObject({ kind: 'dropped', id: c, reason: 'manual' });
    expect(h.bus.deliverNow(c!)).toBe(false);
    expect(h.bus.dropMessage(b!)).toBe(false);
    h.timers.advance(50);
    expect(h.delivered.map((m) => (m as Heartbeat).commit)).toEqual([2, 1]);
    expect(h.bus.inFlight().map((m) => m.id)).not.toContain(a);
  });
});

describe('Bus bounds', () => {
  it('never holds more than maxInFlight messages: the excess is lost', () => {
    const h = harness({ delayMs: [10, 10] }, { maxInFlight: 3 });
    for (let k = 0; k < 5; k++) h.bus.send(hb(1, 2, k));
    expect(h.bus.inFlightCount()).toBe(3);
    expect(h.bus.stats.overflowed).toBe(2);
    h.timers.advance(10);
    expect(h.delivered.map((m) => (m as Heartbeat).commit)).toEqual([0, 1, 2]);
  });

  it('keeps a single timer however many messages fly', () => {
    const h = harness({ delayMs: [5, 50] });
    for (let k = 0; k < 100; k++) {
      h.randoms.push(0.9, (k * 37) % 100 / 100, 0.9);
      h.bus.send(hb(1, 2, k));
    }
    expect(h.timers.pending()).toBe(1);
    h.timers.advance(60);
    expect(h.delivered).toHaveLength(100);
    expect(h.timers.pending()).toBe(0);
  });

  it('validates network settings and speed', () => {
    const h = harness();
    expect(() => h.bus.setNetwork({ dropRate: 1.5 })).toThrow(RangeError);
    expect(() => h.bus.setNetwork({ delayMs: [20, 10] })).toThrow(RangeError);
    expect(() => h.bus.setSpeed(0)).toThrow(RangeError);
    h.bus.setNetwork({ dropRate: 0.2 });
    expect(h.bus.networkSettings().dropRate).toBe(0.2);
  });
});
