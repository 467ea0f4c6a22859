/**
 * The page's words for log compaction and snapshots: sizes, the inspector's snapshot lines, the
 * leader's per-follower progress states (with what each means, for a learner), and what a
 * compaction did. Pure: NodeView in, text out.
 */
import type { NodeView, ProgressView } from '../../runtime/cluster-api.ts';

type Receipt = NonNullable<NodeView['snapshotReceipt']>;

/**
 * A size as a person reads it: "812 B", "8.5 KiB", "52 KiB", "1.2 MiB". Snapshots are text, so
 * the size is counted in characters (one byte each for plain ASCII keys and values).
 */
export function sizeText(chars: number): string {
  if (chars < 1024) return `${chars} B`;
  const [value, unit] = chars < 1024 * 1024 ? [chars / 1024, 'KiB'] : [chars / (1024 * 1024), 'MiB'];
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** Which entries the log still holds after the snapshot. */
function logRange(n: NodeView): string {
  if (n.firstIndex > n.lastIndex) return n.snapshotIndex > 0 ? 'the log holds nothing after it' : 'the log is empty';
  return `the log holds ${n.firstIndex}..${n.lastIndex}`;
}

/** "up to index 1234 (term 3), 52 KiB; the log holds 1235..1300", or that there is none yet. */
export function snapshotLine(n: NodeView): string {
  const s = n.snapshot;
  if (s === undefined) return `none yet; ${logRange(n)}`;
  return `up to index ${s.index} (term ${s.term}), ${sizeText(s.bytes)}; ${logRange(n)}`;
}

/** A follower receiving the leader's snapshot, chunk by chunk. */
export function receiptLine(r: Receipt): string {
  return `Receiving the leader's snapshot up to index ${r.index}: ${sizeText(r.received)} of ${sizeText(r.total)}`;
}

/**
 * The State cell of the leader's progress table, and for a snapshot transfer a line of its own
 * under the row (the columns are too narrow for it): which snapshot, and how much of it the
 * follower has confirmed holding.
 */
export function progressStateText(p: ProgressView): { state: string; transfer?: string } {
  if (p.state !== 'snapshot' || p.snapshot === undefined) return { state: p.state };
  const { index, received, total } = p.snapshot;
  return { state: 'snapshot', transfer: `sending the snapshot up to index ${index}: n${p.peer} holds ${sizeText(received)} of ${sizeText(total)}` };
}

/** What each column and state of the leader's progress table means (issue #15: explain the words). */
export const PROGRESS_TERMS: readonly { term: string; meaning: string }[] = [
  { term: 'matchIndex', meaning: 'the last entry known to be in the follower’s log' },
  { term: 'nextIndex', meaning: 'the next entry to send it (ahead of matchIndex while appends are unanswered)' },
  { term: 'probe', meaning: 'finding where its log matches, one append at a time' },
  { term: 'replicate', meaning: 'streaming entries, several appends at once' },
  { term: 'snapshot', meaning: 'sending a snapshot: the entries it needs were compacted away' },
  { term: 'in flight', meaning: 'appends (or a snapshot chunk) sent, not yet answered' },
];

/** The announcement once a compaction shows in the node's view. */
export function compactedText(id: number, index: number): string {
  return `Node ${id} took a snapshot at index ${index} and dropped the log entries it covers; a follower that needs them now gets the snapshot.`;
}

/** The Logs panel's block for a node's compacted prefix (none when nothing was compacted). */
export function compactedBlock(n: NodeView): { label: string; detail: string; title: string } | undefined {
  const last = n.firstIndex - 1;
  if (last < 1) return undefined;
  const s = n.snapshot;
  const about = s === undefined ? '' : ` (term ${s.term}, ${sizeText(s.bytes)})`;
  return {
    label: `snapshot\u00a0≤${last}`,
    detail: last === 1 ? 'entry 1 compacted' : `entries 1..${last} compacted`,
    title: `Node ${n.id}'s entries 1..${last} are gone from its log: its snapshot${about} holds their effect on the key-value store.`,
  };
}
