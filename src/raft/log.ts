import { assert } from '../core/assert.ts';
import type { Entry } from '../core/types.ts';

/**
 * The in-memory Raft log plus the bookkeeping of what has been handed to storage.
 *
 * Invariant: entries[k].index === k + 1 (contiguous from 1; snapshots will add an offset).
 * Invariant: terms never decrease along the log.
 * Invariant: 1 <= unstableFrom <= lastIndex() + 1; entries at or after unstableFrom have not yet
 *            been handed to storage in a Ready.
 */
export class RaftLog {
  private entries: Entry[];
  private unstableFrom: number;

  constructor(durable: Entry[]) {
    for (let k = 0; k < durable.length; k++) {
      const entry = durable[k]!;
      assert(entry.index === k + 1, `durable log not contiguous at position ${k}: index ${entry.index}`);
      assert(k === 0 || entry.term >= durable[k - 1]!.term, `durable log term decreases at ${entry.index}`);
    }
    this.entries = durable.slice();
    this.unstableFrom = this.entries.length + 1;
  }

  lastIndex(): number {
    return this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  /** Term of the entry at `index`; 0 for index 0. Index must exist. */
  term(index: number): number {
    if (index === 0) return 0;
    const entry = this.entries[index - 1];
    assert(entry !== undefined, `term(${index}) beyond last index ${this.lastIndex()}`);
    return entry.term;
  }

  /** Term at `index`, or undefined when the log does not reach it. */
  termOrUndefined(index: number): number | undefined {
    if (index === 0) return 0;
    return this.entries[index - 1]?.term;
  }

  entry(index: number): Entry {
    const entry = this.entries[index - 1];
    assert(entry !== undefined, `entry(${index}) beyond last index ${this.lastIndex()}`);
    return entry;
  }

  /** Entries in [from, to], inclusive, capped by count and total bytes (at least one entry). */
  slice(from: number, to: number, maxCount = Infinity, maxBytes = Infinity): Entry[] {
    assert(from >= 1 && to <= this.lastIndex(), `slice(${from}, ${to}) outside log 1..${this.lastIndex()}`);
    const out: Entry[] = [];
    let bytes = 0;
    for (let index = from; index <= to && out.length < maxCount; index++) {
      const entry = this.entries[index - 1]!;
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
   * Follower-side: entries that follow prevLogIndex (which must match). Skips entries we already
   * have, truncates only from the first conflicting entry (never a matching suffix: a stale,
   * reordered AppendEntries must not erase newer entries). Returns the index of the last entry
   * the message covered. `truncate` false is the test-only no-truncate bug.
   */
  appendFromLeader(entries: Entry[], truncate: boolean): number {
    for (const entry of entries) {
      const have = this.termOrUndefined(entry.index);
      if (have === entry.term) continue;
      if (have !== undefined) {
        if (!truncate) {
          // Bug variant: overwrite in place and keep whatever followed.
          this.entries[entry.index - 1] = entry;
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
    assert(index >= 1 && index <= this.lastIndex(), `truncateFrom(${index}) outside log`);
    this.entries.length = index - 1;
    this.unstableFrom = Math.min(this.unstableFrom, index);
  }

  /** First index holding `term`, searching back from `from` but not below `floor`; for the conflict hint. */
  firstIndexOfTerm(term: number, from: number, floor: number): number {
    let index = from;
    while (index > Math.max(1, floor) && this.term(index - 1) === term) index--;
    return index;
  }

  /** Last index holding `term`, or 0 if the log has no entry of that term. */
  lastIndexOfTerm(term: number): number {
    for (let index = this.lastIndex(); index >= 1; index--) {
      const t = this.term(index);
      if (t === term) return index;
      if (t < term) return 0;
    }
    return 0;
  }

  /** Hands the not-yet-persisted suffix to the caller (for a Ready) and marks it as handed over. */
  takeUnstable(): Entry[] {
    if (this.unstableFrom > this.lastIndex()) return [];
    const out = this.entries.slice(this.unstableFrom - 1);
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
  const c = entry.data.command;
  let size = 32 + entry.data.clientId.length;
  if ('key' in c) size += c.key.length;
  if ('value' in c) size += c.value.length;
  if (c.op === 'cas' && c.expected !== null) size += c.expected.length;
  return size;
}
