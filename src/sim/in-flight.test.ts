import { describe, expect, it } from 'vitest';
import { InFlightList } from './in-flight.ts';

function flight(list: InFlightList<{ id: number; sentAt: number; dueAt: number }>, sentAt: number, dueAt: number) {
  const f = { id: list.allocateId(), sentAt, dueAt };
  expect(list.add(f)).toBe(true);
  return f;
}

describe('InFlightList', () => {
  it('takes the earliest due first, ties in send order, and skips what was taken by hand', () => {
    const list = new InFlightList();
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
    const list = new InFlightList(3);
    for (let k = 0; k < 3; k++) flight(list, 0, 5);
    expect(list.full).toBe(true);
    expect(list.add({ id: list.allocateId(), sentAt: 0, dueAt: 5 })).toBe(false);
    expect(list.size).toBe(3);
  });

  it('retime reorders by the new due times', () => {
    const list = new InFlightList();
    const a = flight(list, 0, 10);
    const b = flight(list, 0, 20);
    list.retime((f) => (f.id === a.id ? { ...f, dueAt: 30 } : f));
    expect(list.takeEarliest()!.id).toBe(b.id);
    expect(list.takeEarliest()).toEqual({ ...a, dueAt: 30 });
  });

  it('clear returns everything that was flying', () => {
    const list = new InFlightList();
    flight(list, 0, 1);
    flight(list, 0, 2);
    expect(list.clear()).toHaveLength(2);
    expect(list.peekEarliest()).toBeUndefined();
  });
});
