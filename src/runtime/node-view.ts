/**
 * Builds the NodeView the UI draws from a running protocol node (in the worker, or in the in-page
 * engine), through the protocol-node contract only (inspect() and entries()), and the views of
 * nodes that are not running (on the main thread). Bounded: at most LOG_TAIL_ENTRIES log entries
 * and KV_VIEW_KEYS keys per view.
 */
import type { ProtocolNode } from '../core/protocol-node.ts';
import type { NodeId } from '../core/types.ts';
import { KV_VIEW_KEYS, LOG_TAIL_ENTRIES, type NodeView, type StorageMode } from './cluster-api.ts';
import type { DurableSummary } from './idb-storage.ts';
import { entryView } from './message-view.ts';

export function protocolNodeView(node: ProtocolNode, durable: DurableSummary, storage: StorageMode, kv: KvListing): NodeView {
  const n = node.inspect();
  const last = n.lastIndex;
  const first = n.firstIndex ?? 1;
  const view: NodeView = {
    id: n.id,
    role: n.role,
    alive: true,
    term: n.term,
    vote: n.vote,
    leaderId: n.leaderId,
    commitIndex: n.commitIndex,
    appliedIndex: n.appliedIndex,
    lastIndex: last,
    electionElapsedTicks: n.electionTimer.elapsed,
    electionTimeoutTicks: n.electionTimer.timeout,
    votes: n.votes,
    progress: n.progress,
    transferringTo: n.transferringTo ?? 0,
    clockRate: 1, // the host's to know: controllers fill it in
    voter: n.voter ?? true,
    learner: n.learner ?? false,
    firstIndex: first,
    snapshotIndex: n.snapshotIndex ?? 0,
    logTail: node.entries(Math.max(first, last - LOG_TAIL_ENTRIES + 1), last).map(entryView),
    kv: kv.list(n.data, n.appliedIndex),
    kvSize: n.data.size,
    durable: durableView(durable),
    storage,
  };
  if (n.snapshot !== undefined) view.snapshot = n.snapshot;
  if (n.configuration !== undefined) view.configuration = n.configuration;
  if (n.committedConfiguration !== undefined) view.committedConfiguration = n.committedConfiguration;
  if (n.snapshotReceipt !== undefined) view.snapshotReceipt = n.snapshotReceipt;
  return view;
}

export function durableView(durable: DurableSummary): NodeView['durable'] {
  const { term, vote, commit } = durable.hardState;
  return { term, vote, commit, lastIndex: durable.lastIndex, snapshotIndex: durable.snapshotIndex };
}

/**
 * The first KV_VIEW_KEYS keys in sorted order, recomputed only when the applied index moved.
 * With many keys, selecting the smallest few is cheaper than sorting them all.
 */
export class KvListing {
  private cachedAt = -1;
  private cached: [string, string][] = [];

  list(data: ReadonlyMap<string, string>, appliedIndex: number): [string, string][] {
    if (appliedIndex === this.cachedAt) return this.cached;
    this.cachedAt = appliedIndex;
    this.cached = smallestKeys(data, KV_VIEW_KEYS).map((k) => [k, data.get(k)!]);
    return this.cached;
  }
}

function smallestKeys(data: ReadonlyMap<string, string>, limit: number): string[] {
  if (data.size <= limit * 4) return [...data.keys()].sort(compare).slice(0, limit);
  // Keep a sorted window of `limit` keys; each new key either falls off the end or is inserted.
  const window: string[] = [];
  for (const key of data.keys()) {
    if (window.length === limit && compare(key, window[limit - 1]!) >= 0) continue;
    let lo = 0;
    let hi = window.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(window[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    window.splice(lo, 0, key);
    if (window.length > limit) window.pop();
  }
  return window;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The view of a node that is not running: crashed, refusing to start, or starting. */
export function downView(id: NodeId, previous: NodeView | undefined, error: string | undefined, electionTimeoutTicks: number): NodeView {
  const { error: _previousError, ...base } = previous ?? emptyView(id, electionTimeoutTicks);
  const { snapshotReceipt: _receipt, ...kept } = base;
  const view: NodeView = { ...kept, role: 'crashed', alive: false, leaderId: 0, votes: [], progress: [], transferringTo: 0, electionElapsedTicks: 0 };
  if (error !== undefined) view.error = error;
  return view;
}

export function emptyView(id: NodeId, electionTimeoutTicks: number): NodeView {
  return {
    id, role: 'crashed', alive: false, term: 0, vote: 0, leaderId: 0, commitIndex: 0, appliedIndex: 0, lastIndex: 0,
    electionElapsedTicks: 0, electionTimeoutTicks, votes: [], progress: [], transferringTo: 0, clockRate: 1,
    voter: true, learner: false, firstIndex: 1, snapshotIndex: 0, logTail: [], kv: [], kvSize: 0,
    durable: { term: 0, vote: 0, commit: 0, lastIndex: 0, snapshotIndex: 0 }, storage: 'indexeddb',
  };
}
