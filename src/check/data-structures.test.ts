import { describe, expect, it } from 'vitest';
import { EventList, HEAD, NIL } from './event-list.ts';
import { IntPairMap, MISSING } from './int-pair-map.ts';
import { LinearizationCache } from './linearization-cache.ts';
import { suffixOf, ValueTable } from './value-table.ts';

function walk(list: EventList): number[] {
  const entries: number[] = [];
  for (let e = list.next[HEAD]!; e !== NIL; e = list.next[e]!) entries.push(e);
  return entries;
}

describe('EventList', () => {
  // op 0: [0, 5]; op 1: [5, 9]; op 2: [1, never returned]. Entries: calls 1..3, returns 4..6.
  const list = (): EventList => new EventList([0, 5, 1], [5, 9, undefined]);

  it('orders events by time, calls before returns at equal times, and omits unknown returns', () => {
    expect(walk(list())).toEqual([1, 3, 2, 4, 5]);
  });

  it('lifts an operation out and puts it back exactly', () => {
    const events = list();
    events.lift(0);
    expect(walk(events)).toEqual([3, 2, 5]);
    events.lift(2);
    expect(walk(events)).toEqual([2, 5]);
    events.unlift(2);
    events.unlift(0);
    expect(walk(events)).toEqual([1, 3, 2, 4, 5]);
  });
});

describe('LinearizationCache', () => {
  it('adds a configuration once, telling states and sets apart', () => {
    const cache = new LinearizationCache(2);
    const bits = new Uint32Array([0b101, 1]);
    expect(cache.add(bits, 3, 42)).toBe(true);
    expect(cache.add(bits, 3, 42)).toBe(false);
    expect(cache.add(bits, 4, 42)).toBe(true);
    expect(cache.add(new Uint32Array([0b101, 0]), 3, 42)).toBe(true);
    expect(cache.size).toBe(3);
  });

  it('keeps every entry through growth, even with colliding hashes', () => {
    const cache = new LinearizationCache(1);
    for (let i = 0; i < 5_000; i++) expect(cache.add(new Uint32Array([i]), i % 7, i % 64)).toBe(true);
    for (let i = 0; i < 5_000; i++) expect(cache.add(new Uint32Array([i]), i % 7, i % 64)).toBe(false);
    expect(cache.size).toBe(5_000);
  });
});

describe('IntPairMap', () => {
  it('maps pairs, replaces values and survives growth', () => {
    const map = new IntPairMap();
    for (let i = 0; i < 3_000; i++) map.set(i, i * 7, i + 1);
    map.set(5, 35, 99);
    expect(map.get(5, 35)).toBe(99);
    expect(map.get(2_999, 2_999 * 7)).toBe(3_000);
    expect(map.get(7, 5)).toBe(MISSING);
  });
});

describe('ValueTable', () => {
  it('gives equal values one id, null id 0, whether built whole or by appending', () => {
    const table = new ValueTable();
    expect(table.idOf(null)).toBe(ValueTable.ABSENT);
    const ab = table.idOf('ab');
    expect(table.idOf('ab')).toBe(ab);
    expect(table.appended(table.idOf('a'), suffixOf('b'))).toBe(ab);
    expect(table.appended(ValueTable.ABSENT, suffixOf('ab'))).toBe(ab);
    expect(table.idOf('')).not.toBe(ValueTable.ABSENT);
    expect(table.valueOf(table.appended(ab, suffixOf('c')))).toBe('abc');
  });

  it('keeps many appended strings distinct and consistent with whole ones', () => {
    const table = new ValueTable();
    let id = ValueTable.ABSENT;
    let text = '';
    for (let i = 0; i < 2_000; i++) {
      const piece = `x ${i % 13} ${i} y`;
      id = table.appended(id, suffixOf(piece));
      text += piece;
      if (i % 97 === 0) expect(table.idOf(text)).toBe(id);
    }
    expect(table.valueOf(id)).toBe(text);
  });
});
