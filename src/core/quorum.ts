/** Majority arithmetic for a fixed voter set. */

export function quorumSize(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/**
 * The highest index that a majority has reached, given every voter's match index
 * (including the leader's own). Sorts a copy; the voter count is tiny (at most 7 here).
 */
export function majorityIndex(matchIndexes: number[]): number {
  const sorted = matchIndexes.slice().sort((a, b) => b - a);
  return sorted[quorumSize(sorted.length) - 1] ?? 0;
}
