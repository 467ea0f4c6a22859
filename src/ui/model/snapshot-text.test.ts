import { describe, expect, it } from 'vitest';
import { emptyView } from '../../runtime/node-view.ts';
import type { NodeView } from '../../runtime/cluster-api.ts';
import { compactedBlock, compactedText, progressStateText, receiptLine, sizeText, snapshotLine } from './snapshot-text.ts';

function view(overrides: Partial<NodeView>): NodeView {
  return { ...emptyView(2, 10), ...overrides };
}

describe('snapshot words', () => {
  it('sizes read as a person reads them', () => {
    expect(sizeText(0)).toBe('0 B');
    expect(sizeText(1023)).toBe('1023 B');
    expect(sizeText(8704)).toBe('8.5 KiB');
    expect(sizeText(52 * 1024 + 300)).toBe('52 KiB');
    expect(sizeText(1.25 * 1024 * 1024)).toBe('1.3 MiB');
  });

  it('the inspector line: the snapshot and what the log still holds', () => {
    expect(snapshotLine(view({ lastIndex: 0 }))).toBe('none yet; the log is empty');
    expect(snapshotLine(view({ lastIndex: 40 }))).toBe('none yet; the log holds 1..40');
    const snap = { snapshotIndex: 1234, firstIndex: 1235, snapshot: { index: 1234, term: 3, bytes: 53_300 } };
    expect(snapshotLine(view({ ...snap, lastIndex: 1300 }))).toBe('up to index 1234 (term 3), 52 KiB; the log holds 1235..1300');
    expect(snapshotLine(view({ ...snap, lastIndex: 1234 }))).toBe('up to index 1234 (term 3), 52 KiB; the log holds nothing after it');
  });

  it('a transfer in progress, as the follower and as the leader see it', () => {
    expect(receiptLine({ index: 1234, received: 131_072, total: 327_680 })).toBe("Receiving the leader's snapshot up to index 1234: 128 KiB of 320 KiB");
    const base = { peer: 3, matchIndex: 0, nextIndex: 1235, inflight: 1 };
    expect(progressStateText({ ...base, state: 'snapshot', snapshot: { index: 1234, received: 65_536, total: 327_680 } })).toEqual({ state: 'snapshot', transfer: 'sending the snapshot up to index 1234: n3 holds 64 KiB of 320 KiB' });
    expect(progressStateText({ ...base, state: 'replicate' })).toEqual({ state: 'replicate' });
    expect(progressStateText({ ...base, state: 'probe' })).toEqual({ state: 'probe' });
  });

  it('the announcement says what a compaction did', () => {
    expect(compactedText(2, 1234)).toBe('Node 2 took a snapshot at index 1234 and dropped the log entries it covers; a follower that needs them now gets the snapshot.');
  });
});

describe('the compacted prefix in the Logs panel', () => {
  it('one block for everything before the first entry, none without a snapshot', () => {
    expect(compactedBlock(view({ firstIndex: 1, lastIndex: 30 }))).toBeUndefined();
    expect(compactedBlock(view({ firstIndex: 1235, snapshotIndex: 1234, lastIndex: 1300, snapshot: { index: 1234, term: 3, bytes: 53_300 } }))).toEqual({
      label: 'snapshot\u00a0≤1234',
      detail: 'entries 1..1234 compacted',
      title: "Node 2's entries 1..1234 are gone from its log: its snapshot (term 3, 52 KiB) holds their effect on the key-value store.",
    });
  });
});

