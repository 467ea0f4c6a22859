import { assert } from '../core/assert.ts';
import type { Entry } from '../core/types.ts';

/**
 * The in-memory Raft log plus the bookkeeping of what has been handed to storage. After a
 * snapshot it holds only the entries after it; the snapshot stands for everything up to
 * `snapshotIndex` (whose term it still knows, for the consistency check of the next append).
 *
 * Invariant: entries[k].index === snapshotIndex + k + 1 (contiguous after the snapshot).
 * Invariant: terms never decrease along the log, starting from snapshotTerm.
 * Invariant: snapshotIndex + 1 <= unstableFrom <= lastIndex() + 1; entries at or after
 *            unstableFrom have not yet been handed to storage in a Ready.
 */
export class RaftLog {
  private entries: Entry[];
  private unstableFrom: number;
  private offset: number;
  private offsetTerm: number;

  constructor(durable: Entry[], snapshotIndex = 0, snapshotTerm = 0) {
    for (let k = 0; k < durable.length; k++) {
      const entry = durable[k]!;
      assert(entry.index === snapshotIndex + k + 1, `durable log not contiguous at position ${k}: index ${entry.index} after snapshot ${snapshotIndex}`);
      assert(entry.term >= (k === 0 ? snapshotTerm : durable[k - 1]!.term), `durable log term decreases at ${entry.index}`);
    }
    this.entries = durable.slice();
    this.offset = snapshotIndex;
    this.offsetTerm = snapshotTerm;
    this.unstableFrom = this.lastIndex() + 1;
  }

  lastIndex(): number {
    return this.offset + this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  /** The first index still held as an entry (lastIndex() + 1 when the log is empty). */
  firstIndex(): number {
    return this.offset + 1;
  }

  /** The last index the snapshot covers (0 = no snapshot). */
  snapshotIndex(): number {
    return this.offset;
  }

  snapshotTerm(): number {
    return this.offsetTerm;
  }

  /** Term of the entry at `index`; 0 for index 0. Index must be the snapshot's or in the log. */
  term(index: number): number {
    const term = this.termOrUndefined(index);
    assert(term !== undefined, `term(${index}) outside the log ${this.offset}..${this.lastIndex()}`);
    return term;
  }

  /** Term at `index`, or undefined when the log does not reach it or compacted it away. */
  termOrUndefined(index: number): number | undefined {
    if (index === this.offset) return this.offsetTerm;
    if (index < this.offset) return index === 0 ? 0 : undefined;
    return this.entries[index - this.offset - 1]?.term;
  }

  entry(index: number): Entry {
    const entry = index > this.offset ? this.entries[index - this.offset - 1] : undefined;
    assert(entry !== undefined, `entry(${index}) outside the log ${this.firstIndex()}..${this.lastIndex()}`);
    return entry;
  }

  /** Entries in [from, to], inclusive, capped by count and total bytes (at least one entry). */
  slice(from: number, to: number, maxCount = Infinity, maxBytes = Infinity): Entry[] {
    assert(from > this.offset && to <= this.lastIndex(), `slice(${from}, ${to}) outside log ${this.firstIndex()}..${this.lastIndex()}`);
    const out: Entry[] = [];
    let bytes = 0;
    for (let index = from; index <= to && out.length < maxCount; index++) {
      const entry = this.entries[index - this.offset - 1]!;
      bytes += entrySizeBytes(entry);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(entry);
    }
    return out;
  }

  /** Raft's election restriction: is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  matchTerm(index: number, term: number): boolean {
    return this.termOrUndefined(index) === term;
  }

  /** Leader-side append of a new entry at the end. */
  appendNew(term: number, data: Entry['data']): Entry {
    assert(term >= this.lastTerm(), `appendNew: term ${term} below last term ${this.lastTerm()}`);
    const entry: Entry = { index: this.lastIndex() + 1, term, data };
    this.entries.push(entry);
    return entry;
  }

  /**
   * Drops the entries up to `index` (this node's own snapshot covers them now). They must have
   * been handed to storage already: the snapshot write that replaces them comes after.
   */
  compact(index: number): void {
    assert(index > this.offset && index <= this.lastIndex(), `compact(${index}) outside the log ${this.firstIndex()}..${this.lastIndex()}`);
    assert(index < this.unstableFrom, `compact(${index}) over entries not yet handed to storage (from ${this.unstableFrom})`);
    this.offsetTerm = this.term(index);
    this.entries = this.entries.slice(index - this.offset);
    this.offset = index;
  }

  /** Replaces the whole log with the leader's snapshot ending at (index, term). */
  restore(index: number, term: number): void {
    this.entries = [];
    this.offset = index;
    this.offsetTerm = term;
    this.unstableFrom = index + 1;
  }

  /**
   * Follower-side: entries that follow prevLogIndex (which must match). Skips entries we already
   * have, truncates only from the first conflicting entry (never a matching suffix: a stale,
   * reordered AppendEntries must not erase newer entries). Returns the index of the last entry
   * the message covered. `truncate` false is the test-only no-truncate bug.
   */
  appendFromLeader(entries: Entry[], truncate: boolean): number {
    for (const entry of entries) {
      if (entry.index <= this.offset) continue; // covered by our snapshot: committed, so it matches
      const have = this.termOrUndefined(entry.index);
      if (have === entry.term) continue;
      if (have !== undefined) {
        if (!truncate) {
          // Bug variant: overwrite in place and keep whatever followed.
          this.entries[entry.index - this.offset - 1] = entry;
          this.unstableFrom = Math.min(this.unstableFrom, entry.index);
          continue;
        }
        this.truncateFrom(entry.index);
      }
      assert(entry.index === this.lastIndex() + 1, `gap: appending ${entry.index} after ${this.lastIndex()}`);
      this.entries.push(entry);
    }
    const last = entries[entries.length - 1];
    return last === undefined ? 0 : last.index;
  }

  private truncateFrom(index: number): void {
    assert(index > this.offset && index <= this.lastIndex(), `truncateFrom(${index}) outside log`);
    this.entries.length = index - this.offset - 1;
    this.unstableFrom = Math.min(this.unstableFrom, index);
  }

  /** First index holding `term`, searching back from `from` but not below `floor`; for the conflict hint. */
  firstIndexOfTerm(term: number, from: number, floor: number): number {
    let index = from;
    while (index > Math.max(this.offset + 1, floor) && this.term(index - 1) === term) index--;
    return index;
  }

  /** Last index holding `term`, or 0 if the log has no entry of that term. */
  lastIndexOfTerm(term: number): number {
    for (let index = this.lastIndex(); index >= Math.max(1, this.offset); index--) {
      const t = this.term(index);
      if (t === term) return index;
      if (t < term) return 0;
    }
    return 0;
  }

  /** Hands the not-yet-persisted suffix to the caller (for a Ready) and marks it as handed over. */
  takeUnstable(): Entry[] {
    if (this.unstableFrom > this.lastIndex()) return [];
    const out = this.entries.slice(this.unstableFrom - this.offset - 1);
    this.unstableFrom = this.lastIndex() + 1;
    return out;
  }

  hasUnstable(): boolean {
    return this.unstableFrom <= this.lastIndex();
  }

  /** Unstable entries cut back to `index`: the node's own suffix was truncated and re-appended. */
  firstUnstable(): number {
    return this.unstableFrom;
  }

  all(): readonly Entry[] {
    return this.entries;
  }
}

/** An estimate of an entry's wire size, for batching limits and statistics. */
export function entrySizeBytes(entry: Entry): number {
  if (entry.data.type === 'noop') return 16;
  if (entry.data.type === 'config') return 32 + 4 * (entry.data.config.voters.length + entry.data.config.learners.length);
  const c = entry.data.command;
  let size = 32 + entry.data.clientId.length;
  if ('key' in c) size += c.key.length;
  if ('value' in c) size += c.value.length;
  if (c.op === 'cas' && c.expected !== null) size += c.expected.length;
  return size;
}
