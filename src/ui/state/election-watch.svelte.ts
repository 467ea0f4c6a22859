/**
 * The "Watch an election" control's state (the phases and words are in model/election-watch.ts):
 * pressing it slows time, resumes a paused cluster and stops the leader; each snapshot moves the
 * phase on; when a new leader has won, the stopped node is restarted so the cluster is whole again.
 */
import { advanceWatch, startWatch, watchCaption, WATCH_SPEED, type WatchPhase } from '../model/election-watch.ts';
import type { ClusterActions } from './cluster-actions.ts';
import type { SnapshotFeed } from './snapshot-feed.svelte.ts';

export class ElectionWatch {
  phase: WatchPhase = $state.raw({ kind: 'idle' });
  caption: string = $derived(watchCaption(this.phase));

  constructor(
    private readonly feed: SnapshotFeed,
    private readonly actions: ClusterActions,
  ) {}

  start(): void {
    const phase = startWatch(this.feed.snapshot.nodes);
    this.phase = phase;
    if (phase.kind === 'refused') return;
    this.actions.setSpeed(WATCH_SPEED);
    if (this.feed.snapshot.paused) this.actions.togglePause();
    if (phase.kind === 'electing') this.actions.crash(phase.stopped);
  }

  /** Called with every snapshot while the page runs. */
  observe(): void {
    const before = this.phase;
    if (before.kind === 'idle' || before.kind === 'refused') return;
    const next = advanceWatch(before, this.feed.snapshot.nodes);
    if (next === before) return;
    this.phase = next;
    if (next.kind === 'elected' && next.restarted !== undefined) this.actions.restart(next.restarted);
  }

  dismiss(): void {
    this.phase = { kind: 'idle' };
  }
}
