import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_IN_FLIGHT, InFlightList } from './in-flight.ts';

type F = { id: number; sentAt: number; dueAt: number; slot: number };

function flight(list: InFlightList<F>, sentAt: number, dueAt: number) {
  const f: F = { id: list.allocateId(), sentAt, dueAt, slot: -1 };
  expect(list.add(f)).toBe(true);
  return f;
}

describe('InFlightList', () => {
  it('takes the earliest due first, ties in send order, and skips what was taken by hand', () => {
    const list = new InFlightList<F>();
    const a = flight(list, 0, 30);
    const b = flight(list, 0, 10);
    const c = flight(list, 1, 10);
    const d = flight(list, 2, 20);
    expect(list.take(b.id)).toBe(b);
    expect(list.take(b.id)).toBeUndefined();
    expect(list.peekEarliest()).toBe(c);
    expect(list.takeDue(20).map((f) => f.id)).toEqual([c.id, d.id]);
    expect(list.takeEarliest()).toBe(a);
    expect(list.takeEarliest()).toBeUndefined();
    expect(list.size).toBe(0);
  });

  it('refuses past its cap, so the caller drops the message instead of growing without bound', () => {
    const list = new InFlightList<F>(3);
    for (let k = 0; k < 3; k++) flight(list, 0, 5);
    expect(list.full).toBe(true);
    expect(list.add({ id: list.allocateId(), sentAt: 0, dueAt: 5, slot: -1 })).toBe(false);
    expect(list.size).toBe(3);
  });

  it('retime reorders by the new due times', () => {
    const list = new InFlightList<F>();
    const a = flight(list, 0, 10);
    const b = flight(list, 0, 20);
    list.retime((f) => (f.id === a.id ? { ...f, dueAt: 30 } : f));
    expect(list.takeEarliest()!.id).toBe(b.id);
    expect(list.takeEarliest()).toMatchObject({ id: a.id, dueAt: 30 });
  });

  it('clear returns everything that was flying', () => {
    const list = new InFlightList<F>();
    flight(list, 0, 1);
    flight(list, 0, 2);
    expect(list.clear()).toHaveLength(2);
    expect(list.peekEarliest()).toBeUndefined();
  });
});

describe('InFlightList, unordered (the simulator: its event queue orders deliveries)', () => {
  it('still answers the earliest by scanning, and keeps no heap of taken ids', () => {
    const list = new InFlightList<F>(DEFAULT_MAX_IN_FLIGHT, false);
    const made: F[] = [];
    for (let k = 0; k < 10_000; k++) {
      const f: F = { id: list.allocateId(), sentAt: k, dueAt: k + 5, slot: -1 };
      list.add(f);
      made.push(f);
      if (k >= 3) expect(list.takeFlight(made[k - 3]!)).toBe(true);
    }
    const ids = made.map((f) => f.id);
    expect(list.takeFlight(made[0]!)).toBe(false);
    expect(list.size).toBe(3);
    expect(list.peekEarliest()!.id).toBe(ids[9997]);
    expect(list.takeEarliest()!.id).toBe(ids[9997]);
  });

  it('an ordered list compacts its heap when most of it was taken by hand', () => {
    const list = new InFlightList<F>();
    for (let k = 0; k < 1000; k++) {
      const f: F = { id: list.allocateId(), sentAt: 0, dueAt: 1000 - k, slot: -1 };
      list.add(f);
      list.take(f.id);
    }
    const last: F = { id: list.allocateId(), sentAt: 0, dueAt: 7, slot: -1 };
    list.add(last);
    expect(list.peekEarliest()).toBe(last);
    expect((list as unknown as { heap: unknown[] }).heap.length).toBeLessThan(100);
  });
});
