import { describe, expect, it } from 'vitest';
import { anyCut, describeGroups, groupsOf, links, moveNode, type CutMatrix } from './topology.ts';

function matrix(ids: number[], cuts: [number, number][]): CutMatrix {
  const m: CutMatrix = {};
  for (const a of ids) {
    m[a] = {};
    for (const b of ids) if (a !== b) m[a]![b] = cuts.some(([x, y]) => x === a && y === b);
  }
  return m;
}

describe('topology', () => {
  const ids = [1, 2, 3, 4, 5];

  it('no cuts: one group, every link open', () => {
    const m = matrix(ids, []);
    expect(groupsOf(ids, m)).toEqual([[1, 2, 3, 4, 5]]);
    expect(links(ids, m)).toHaveLength(10);
    expect(links(ids, m).every((l) => !l.cutAB && !l.cutBA)).toBe(true);
    expect(anyCut(m)).toBe(false);
  });

  it('a two-way partition gives two groups', () => {
    const cuts: [number, number][] = [];
    for (const a of [1, 2]) for (const b of [3, 4, 5]) cuts.push([a, b], [b, a]);
    const m = matrix(ids, cuts);
    expect(groupsOf(ids, m)).toEqual([[1, 2], [3, 4, 5]]);
    expect(anyCut(m)).toBe(true);
  });

  it('an isolated node is a group of its own', () => {
    const cuts: [number, number][] = [];
    for (const b of [1, 2, 4, 5]) cuts.push([3, b], [b, 3]);
    expect(groupsOf(ids, matrix(ids, cuts))).toEqual([[1, 2, 4, 5], [3]]);
  });

  it('a one-way cut is reported with its direction and keeps the pair apart only through that link', () => {
    const m = matrix(ids, [[1, 2]]);
    const link = links(ids, m).find((l) => l.a === 1 && l.b === 2)!;
    expect(link).toEqual({ a: 1, b: 2, cutAB: true, cutBA: false });
    // 1 and 2 still meet through 3.
    expect(groupsOf(ids, m)).toEqual([[1, 2, 3, 4, 5]]);
    const reverse = links(ids, matrix(ids, [[2, 1]])).find((l) => l.a === 1 && l.b === 2)!;
    expect(reverse).toEqual({ a: 1, b: 2, cutAB: false, cutBA: true });
  });

  it('moveNode moves into a group or out on its own', () => {
    expect(moveNode([[1, 2, 3, 4, 5]], 3, -1)).toEqual([[1, 2, 4, 5], [3]]);
    expect(moveNode([[1, 2], [3, 4, 5]], 3, 0)).toEqual([[1, 2, 3], [4, 5]]);
    expect(moveNode([[1], [2, 3]], 1, 1)).toEqual([[1, 2, 3]]);
  });

  it('describes groups for people', () => {
    expect(describeGroups([[1, 2], [3, 4, 5]])).toBe('{1, 2} | {3, 4, 5}');
  });
});
