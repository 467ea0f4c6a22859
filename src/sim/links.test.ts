/** The one link model: what the simulator's network, the page's bus and the offline cluster share. */
import { describe, expect, it } from 'vitest';
import { Links, validateNetwork } from './links.ts';

describe('links', () => {
  it('a partition cuts across groups both ways; a node in no group is alone', () => {
    const l = new Links([1, 2, 3, 4], true);
    l.partition([[1, 2], [3]]);
    expect([l.canReach(1, 2), l.canReach(2, 1), l.canReach(1, 3), l.canReach(3, 1), l.canReach(4, 3), l.canReach(3, 4)]).toEqual([true, true, false, false, false, false]);
    expect(l.canReach('c1', 3)).toBe(true); // clients sit outside partitions
    expect(l.isPartitioned()).toBe(true);
  });

  it('a one-way cut leaves the other direction working', () => {
    const l = new Links([1, 2], true);
    l.setLink(1, 2, true);
    expect([l.canReach(1, 2), l.canReach(2, 1)]).toEqual([false, true]);
    expect(l.cutMatrix()).toEqual({ 1: { 1: false, 2: true }, 2: { 1: false, 2: false } });
  });

  it('isolate cuts the clients too only when asked; rejoin and heal restore them', () => {
    const l = new Links([1, 2, 3], true);
    l.isolate(1, false);
    expect([l.canReach(1, 2), l.canReach('console', 1)]).toEqual([false, true]);
    l.isolate(2, true);
    expect([l.canReach('console', 2), l.canReach(2, 'console'), l.canReach('console', 3)]).toEqual([false, false, true]);
    l.rejoin(2);
    expect([l.canReach('console', 2), l.canReach(2, 3), l.canReach(1, 3)]).toEqual([true, true, false]); // n1 is still isolated
    l.heal();
    expect(l.isPartitioned()).toBe(false);
  });

  it('bad arguments get one clear error, the same for every host', () => {
    const l = new Links([1, 2, 3], true);
    expect(() => l.partition([[1, 9]])).toThrow('no node 9 (nodes are 1, 2, 3)');
    expect(() => l.partition([[1, 2], [2, 3]])).toThrow('node 2 is in two groups');
    expect(() => l.setLink(2, 2, true)).toThrow('a node always reaches itself');
    expect(() => l.setLinkDelay(1, 2, [5, 1])).toThrow(/delayMs must be whole milliseconds \[min, max\]/);
    expect(() => new Links([1, 2], false).setLinkDelay(1, 2, [0.5, 1.5])).not.toThrow();
    expect(() => validateNetwork({ delayMs: [1, 2], dropRate: 2, duplicateRate: 0 }, false)).toThrow('dropRate must be in [0, 1], got 2');
  });

  it('slow links: their own delay range until cleared or the cluster is replaced', () => {
    const l = new Links([1, 2], true);
    l.setLinkDelay(1, 2, [100, 200]);
    expect([l.linkDelay(1, 2), l.linkDelay(2, 1), l.linkDelay('c', 1)]).toEqual([[100, 200], undefined, undefined]);
    expect(l.linkDelayList()).toEqual([[1, 2, [100, 200]]]);
    l.reset([1, 2, 3]);
    expect(l.linkDelayList()).toEqual([]);
  });
});
