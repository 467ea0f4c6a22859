/**
 * The "Watch an election" control's state (the phases and words are in model/election-watch.ts):
 * pressing it slows time, resumes a paused cluster and stops the leader; each snapshot moves the
 * phase on; when a new leader has won, the stopped node is restarted so the cluster is whole again.
 */
import { advanceWatch, startWatch, watchCaption, WATCH_SPEED, type WatchPhase } from '../model/election-watch.ts';
import type { ClusterStore } from './cluster-store.svelte.ts';

export class ElectionWatch {
  phase: WatchPhase = $state.raw({ kind: 'idle' });
  caption: string = $derived(watchCaption(this.phase));

  constructor(private readonly store: ClusterStore) {}

  start(): void {
    const phase = startWatch(this.store.snapshot.nodes);
    this.phase = phase;
    if (phase.kind === 'refused') return;
    this.store.setSpeed(WATCH_SPEED);
    if (this.store.snapshot.paused) this.store.togglePause();
    if (phase.kind === 'electing') this.store.crash(phase.stopped);
  }

  /** Called with every snapshot while the page runs. */
  observe(): void {
    const before = this.phase;
    if (before.kind === 'idle' || before.kind === 'refused') return;
    const next = advanceWatch(before, this.store.snapshot.nodes);
    if (next === before) return;
    this.phase = next;
    if (next.kind === 'elected' && next.restarted !== undefined) this.store.restart(next.restarted);
  }

  dismiss(): void {
    this.phase = { kind: 'idle' };
  }
}
