import { describe, expect, it } from 'vitest';
import { majorityIndex, quorumSize } from './quorum.ts';

describe('quorum', () => {
  it('needs a strict majority', () => {
    expect([1, 2, 3, 4, 5, 7].map(quorumSize)).toEqual([1, 2, 2, 3, 3, 4]);
  });

  it('finds the highest index a majority has reached', () => {
    expect(majorityIndex([5, 1, 3])).toBe(3);
    expect(majorityIndex([9, 9, 2, 2, 2])).toBe(2);
    expect(majorityIndex([7, 6, 5, 4, 3, 2, 1])).toBe(4);
    expect(majorityIndex([4])).toBe(4);
  });
});
