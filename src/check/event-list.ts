import { assert } from '../core/assert.ts';

/** End of the list. */
export const NIL = -1;
/** The list's head entry; it stands for no event. */
export const HEAD = 0;

/**
 * The call and return events of one key's operations, sorted by time, as a doubly linked list
 * over integer indexes (Lowe's "just-in-time linearizability", as in Porcupine). The search
 * walks it from the head: the calls before the first return are the operations that may take
 * effect next, and the first return is the operation that must have taken effect by then.
 * Linearizing an operation lifts both its events out in O(1); backtracking puts them back.
 *
 * Entry 0 is the head, entry 1 + i the call of operation i, entry 1 + n + i its return. An
 * operation that never returned has no return entry: nothing forces it to take effect, which
 * is exactly the "at any point after its call, or never" of an unknown outcome.
 *
 * At equal times calls sort before returns, so an operation that returns at the instant another
 * is called counts as concurrent with it (the permissive reading, as Porcupine does).
 */
export class EventList {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** Position of each entry in time order (the head is 0), for explanations. */
  readonly rank: Int32Array;
  private readonly opCount: number;

  constructor(callTimes: readonly number[], returnTimes: readonly (number | undefined)[]) {
    assert(callTimes.length === returnTimes.length, 'one return time (or undefined) per call');
    const n = callTimes.length;
    this.opCount = n;
    this.next = new Int32Array(2 * n + 1).fill(NIL);
    this.prev = new Int32Array(2 * n + 1).fill(NIL);
    this.rank = new Int32Array(2 * n + 1).fill(NIL);
    const order = sortedEntries(callTimes, returnTimes);
    let last = HEAD;
    this.rank[HEAD] = 0;
    order.forEach((entry, position) => {
      this.next[last] = entry;
      this.prev[entry] = last;
      this.rank[entry] = position + 1;
      last = entry;
    });
  }

  isCall(entry: number): boolean {
    return entry >= 1 && entry <= this.opCount;
  }

  /** The operation an entry belongs to. */
  opOf(entry: number): number {
    return entry <= this.opCount ? entry - 1 : entry - 1 - this.opCount;
  }

  callEntry(op: number): number {
    return op + 1;
  }

  returnEntry(op: number): number {
    return op + 1 + this.opCount;
  }

  hasReturn(op: number): boolean {
    return this.rank[this.returnEntry(op)] !== NIL;
  }

  /** Takes operation `op`'s events out of the list. Its call entry keeps its links for `unlift`. */
  lift(op: number): void {
    this.unlink(this.callEntry(op));
    if (this.hasReturn(op)) this.unlink(this.returnEntry(op));
  }

  /** Undoes the `lift` of `op`; lifts must be undone in reverse order, as the search does. */
  unlift(op: number): void {
    if (this.hasReturn(op)) this.relink(this.returnEntry(op));
    this.relink(this.callEntry(op));
  }

  private unlink(entry: number): void {
    const before = this.prev[entry]!;
    const after = this.next[entry]!;
    this.next[before] = after;
    if (after !== NIL) this.prev[after] = before;
  }

  private relink(entry: number): void {
    const before = this.prev[entry]!;
    const after = this.next[entry]!;
    this.next[before] = entry;
    if (after !== NIL) this.prev[after] = entry;
  }
}

/** Entries in time order; ties: calls before returns, then by operation index (stable). */
function sortedEntries(callTimes: readonly number[], returnTimes: readonly (number | undefined)[]): number[] {
  const n = callTimes.length;
  const entries: number[] = [];
  const times: number[] = [];
  callTimes.forEach((time, op) => {
    entries.push(op + 1);
    times[op + 1] = time;
    const returned = returnTimes[op];
    if (returned === undefined) return;
    assert(returned >= time, `operation ${op} returns (${returned}) before its call (${time})`);
    entries.push(op + 1 + n);
    times[op + 1 + n] = returned;
  });
  return entries.sort((a, b) => times[a]! - times[b]! || Number(a > n) - Number(b > n) || a - b);
}
