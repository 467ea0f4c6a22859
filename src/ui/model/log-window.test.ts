import { describe, expect, it } from 'vitest';
import { chunkToRead, logWindow } from './log-window.ts';

const cell = { cellWidth: 86, overscan: 4, viewWidth: 740 };

describe('the Logs panel window', () => {
  it('draws the columns in view plus the overscan', () => {
    expect(logWindow({ ...cell, scrollLeft: 0, maxIndex: 500 })).toEqual({ first: 1, last: 13 });
    expect(logWindow({ ...cell, scrollLeft: 86 * 100, maxIndex: 500 })).toEqual({ first: 97, last: 113 });
  });

  it('stops at the end of the log', () => {
    expect(logWindow({ ...cell, scrollLeft: 0, maxIndex: 3 })).toEqual({ first: 1, last: 3 });
    expect(logWindow({ ...cell, scrollLeft: 0, maxIndex: 0 })).toEqual({ first: 1, last: 0 });
  });

  it('a scroll offset left over from a longer log still shows the short one (a new cluster)', () => {
    // Scrolled to the end of a 60-entry log, then the cluster is replaced by one with 1 entry.
    const stale = (60 + 1) * 86 - 740;
    expect(logWindow({ ...cell, scrollLeft: stale, maxIndex: 1 })).toEqual({ first: 1, last: 1 });
    // Longer than the view but shorter than the old log: the columns at its end.
    const { first, last } = logWindow({ ...cell, scrollLeft: stale, maxIndex: 20 });
    expect(last).toBe(20);
    expect(first).toBeLessThanOrEqual(20 - Math.floor(740 / 86));
  });
});

describe('older entries read on demand', () => {
  it('aligned chunks up to the commit index', () => {
    expect(chunkToRead(1, { firstIndex: 1, commitIndex: 500 }, 100)).toEqual({ from: 1, to: 100 });
    expect(chunkToRead(250, { firstIndex: 1, commitIndex: 500 }, 100)).toEqual({ from: 201, to: 300 });
    expect(chunkToRead(450, { firstIndex: 1, commitIndex: 430 }, 100)).toEqual({ from: 401, to: 430 });
  });

  it('never asks for entries compacted into the snapshot', () => {
    expect(chunkToRead(1250, { firstIndex: 1235, commitIndex: 1300 }, 100)).toEqual({ from: 1235, to: 1300 });
    expect(chunkToRead(1220, { firstIndex: 1235, commitIndex: 1300 }, 100)).toEqual({ from: 1235, to: 1300 });
    expect(chunkToRead(50, { firstIndex: 1235, commitIndex: 1300 }, 100)).toBeUndefined();
    expect(chunkToRead(1250, { firstIndex: 1235, commitIndex: 1234 }, 100)).toBeUndefined();
  });
});
