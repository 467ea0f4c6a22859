import { describe, expect, it } from 'vitest';
import { TimelineModel } from './timeline.ts';

describe('TimelineModel', () => {
  it('records role segments per node, terms with their leader, and election marks', () => {
    const t = new TimelineModel();
    t.record(1, 'follower', 0, 0);
    t.record(2, 'follower', 0, 0);
    t.record(1, 'pre-candidate', 0, 100);
    t.record(1, 'candidate', 1, 120);
    t.record(1, 'leader', 1, 150);
    t.record(2, 'follower', 1, 140);
    expect(t.segments.filter((s) => s.node === 1).map((s) => [s.role, s.start, s.end])).toEqual([
      ['follower', 0, 100], ['pre-candidate', 100, 120], ['candidate', 120, 150], ['leader', 150, undefined],
    ]);
    expect(t.terms).toEqual([{ term: 1, start: 120, end: undefined, leader: 1 }]);
    expect(t.marks.map((m) => m.kind)).toEqual(['campaign', 'won']);
  });

  it('ignores repeats and closes a term when the next begins', () => {
    const t = new TimelineModel();
    t.record(1, 'leader', 1, 0);
    t.record(1, 'leader', 1, 10);
    expect(t.segments).toHaveLength(1);
    t.record(2, 'candidate', 2, 50);
    expect(t.terms.map((s) => [s.term, s.end])).toEqual([[1, 50], [2, undefined]]);
  });

  it('prunes what ended before the window', () => {
    const t = new TimelineModel();
    t.record(1, 'follower', 1, 0);
    t.record(1, 'candidate', 2, 100);
    t.record(1, 'leader', 2, 200);
    t.prune(150);
    expect(t.segments.map((s) => s.role)).toEqual(['candidate', 'leader']);
    expect(t.marks.map((m) => m.kind)).toEqual(['won']);
  });

  it('gives every segment and mark its own id, even when one node changes role twice in a millisecond', () => {
    // Views from one worker can arrive in one task and share a timestamp; the timeline keys its
    // drawing on these ids, so a repeat would break the page (Svelte refuses duplicate keys).
    const t = new TimelineModel();
    t.record(1, 'follower', 1, 500);
    t.record(1, 'candidate', 2, 500);
    t.record(1, 'follower', 2, 500);
    t.record(1, 'candidate', 3, 500);
    expect(new Set(t.segments.map((s) => s.id)).size).toBe(t.segments.length);
    expect(t.segments).toHaveLength(4);
    expect(new Set(t.marks.map((m) => m.id)).size).toBe(t.marks.length);
    expect(t.marks).toHaveLength(2);
  });
});
