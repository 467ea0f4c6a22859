/**
 * What the timeline and the charts draw: role changes per node (TimelineModel) and committed
 * writes and client latencies (MetricsModel). `version` is bumped a few times a second when
 * either has news, so views recompute at that pace rather than on every event.
 */
import type { ClusterEvent, ClusterSnapshot, NodeView } from '../../runtime/cluster-api.ts';
import { MetricsModel } from '../model/metrics.ts';
import { TimelineModel } from '../model/timeline.ts';
import type { SnapshotFeed } from './snapshot-feed.svelte.ts';

const HISTORY_KEEP_MS = 5 * 60_000;
const VERSION_MIN_GAP_MS = 250;
const PRUNE_EVERY_MS = 10_000;

export class RunHistory {
  readonly timeline = new TimelineModel();
  readonly metrics = new MetricsModel();
  #version = $state(0);
  #lastCommit = 0;
  #lastBump = 0;
  #dirty = true;
  #lastPrune = 0;

  constructor(private readonly feed: SnapshotFeed) {
    feed.onEvents((events) => this.onEvents(events));
    feed.onPull((snapshot, now) => this.noteCommits(snapshot, now));
  }

  /** Bumped a few times a second when the timeline or the charts have news. */
  get version(): number {
    return this.#version;
  }

  /** Starts over from the feed's current snapshot (a new page or a new cluster). */
  restart(now: number): void {
    this.timeline.reset();
    this.metrics.reset();
    const snapshot = this.feed.snapshot;
    for (const n of snapshot.nodes) this.timeline.record(n.id, n.role, n.term, now);
    this.#lastCommit = Math.max(0, ...snapshot.nodes.map((n) => n.commitIndex));
    this.#dirty = true;
  }

  recordLatency(now: number, latencyMs: number): void {
    this.metrics.recordLatency(now, latencyMs);
    this.#dirty = true;
  }

  frame(now: number): void {
    if (now - this.#lastPrune > PRUNE_EVERY_MS) {
      this.#lastPrune = now;
      this.prune(now);
    }
    if (!this.#dirty || now - this.#lastBump <= VERSION_MIN_GAP_MS) return;
    this.#dirty = false;
    this.#lastBump = now;
    this.#version++;
  }

  /** Drops history older than the timeline keeps. */
  prune(now: number): void {
    this.timeline.prune(now - HISTORY_KEEP_MS);
  }

  private onEvents(events: ClusterEvent[]): void {
    for (const e of events) {
      if (e.kind !== 'role') continue;
      this.timeline.record(e.node, e.role, e.term, e.at);
      this.#dirty = true;
    }
  }

  /** Counts newly committed writes (noops excluded where the log tail shows them). */
  private noteCommits(snapshot: ClusterSnapshot, now: number): void {
    let best: NodeView | undefined;
    for (const n of snapshot.nodes) if (best === undefined || n.commitIndex > best.commitIndex) best = n;
    if (best === undefined) return;
    const commit = best.commitIndex;
    if (commit <= this.#lastCommit) return;
    let writes = 0;
    const tailStart = best.logTail[0]?.index ?? Infinity;
    for (let index = this.#lastCommit + 1; index <= commit; index++) {
      const entry = index >= tailStart ? best.logTail[index - tailStart] : undefined;
      if (entry?.label !== 'noop') writes++;
    }
    this.#lastCommit = commit;
    this.metrics.recordWrites(now, writes);
    this.#dirty = true;
  }
}
