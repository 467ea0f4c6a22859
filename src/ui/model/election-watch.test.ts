import { describe, expect, it } from 'vitest';
import { advanceWatch, startWatch, watchCaption } from './election-watch.ts';

const node = (id: number, role: 'leader' | 'follower' | 'crashed', term: number) => ({ id, role, term, alive: role !== 'crashed' });

describe('watch an election', () => {
  it('stops the leader, waits for a leader of a later term, then names it and the restarted node', () => {
    const healthy = [node(1, 'follower', 2), node(2, 'leader', 2), node(3, 'follower', 2)];
    const phase = startWatch(healthy);
    expect(phase).toEqual({ kind: 'electing', stopped: 2, term: 2 });
    expect(watchCaption(phase)).toContain('The leader n2 was stopped so you can watch the others elect a new one');
    // The stopped leader's old view is no leader: still waiting.
    const electing = [node(1, 'follower', 3), node(2, 'crashed', 2), node(3, 'follower', 3)];
    expect(advanceWatch(phase, electing)).toBe(phase);
    const won = advanceWatch(phase, [node(1, 'leader', 3), node(2, 'crashed', 2), node(3, 'follower', 3)]);
    expect(won).toEqual({ kind: 'elected', leader: 1, term: 3, restarted: 2 });
    expect(watchCaption(won)).toBe('n1 won the election: it leads term 3. n2 was restarted from its disk and follows it. Drag Speed to the right for real time.');
    // The restarted node catches up: still the same caption; a later term makes it stale: gone.
    expect(advanceWatch(won, [node(1, 'leader', 3), node(2, 'follower', 3), node(3, 'follower', 3)])).toBe(won);
    expect(advanceWatch(won, [node(1, 'follower', 4), node(2, 'follower', 4), node(3, 'follower', 3)])).toEqual({ kind: 'idle' });
  });

  it('without a leader it waits for the first one', () => {
    const phase = startWatch([node(1, 'follower', 0), node(2, 'follower', 0), node(3, 'follower', 0)]);
    expect(phase).toEqual({ kind: 'first', after: 0 });
    expect(advanceWatch(phase, [node(1, 'follower', 1), node(2, 'leader', 1), node(3, 'follower', 1)])).toEqual({ kind: 'elected', leader: 2, term: 1, restarted: undefined });
  });

  it('refuses when stopping the leader would leave no majority', () => {
    const phase = startWatch([node(1, 'leader', 2), node(2, 'follower', 2), node(3, 'crashed', 1)]);
    expect(phase.kind).toBe('refused');
    expect(watchCaption(phase)).toMatch(/leave 1 of 3 nodes running, too few to elect anyone \(a majority is 2\)/);
  });
});
