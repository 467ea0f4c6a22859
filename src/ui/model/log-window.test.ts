import { describe, expect, it } from 'vitest';
import { logWindow } from './log-window.ts';

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
