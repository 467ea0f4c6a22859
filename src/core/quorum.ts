/** Majority arithmetic for a fixed voter set. */

export function quorumSize(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/**
 * The highest index that a majority has reached, given every voter's match index
 * (including the leader's own), or that `quorum` of them reached when given. Sorts the array
 * in place (callers pass a scratch array); the voter count is tiny (at most 9), so insertion
 * sort beats Array.prototype.sort here.
 */
export function majorityIndex(matchIndexes: number[], quorum = quorumSize(matchIndexes.length)): number {
  const a = matchIndexes;
  for (let i = 1; i < a.length; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! < v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
  return a[quorum - 1] ?? 0;
}
