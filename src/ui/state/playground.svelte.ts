/**
 * The page's state, wired together: the snapshot feed, the picture, the run history, the
 * notices, the load generator and the actions, driven by one requestAnimationFrame loop. Each
 * part has one job and private fields; views get the part they need from context (context.ts).
 */
import type { ClusterController } from '../../runtime/cluster-api.ts';
import { ClusterActions } from './cluster-actions.ts';
import { ClusterPicture } from './cluster-picture.svelte.ts';
import { LoadGenerator } from './load-generator.svelte.ts';
import { Notices } from './notices.svelte.ts';
import { RunHistory } from './run-history.svelte.ts';
import { browserScheduler, SnapshotFeed, type FrameScheduler } from './snapshot-feed.svelte.ts';

export class Playground {
  readonly feed: SnapshotFeed;
  readonly picture: ClusterPicture;
  readonly history: RunHistory;
  readonly notices: Notices;
  readonly load: LoadGenerator;
  readonly actions: ClusterActions;
  #frame: number | undefined;
  #disposed = false;

  constructor(
    controller: ClusterController,
    private readonly scheduler: FrameScheduler = browserScheduler,
  ) {
    this.feed = new SnapshotFeed(controller, scheduler);
    this.picture = new ClusterPicture(this.feed);
    this.history = new RunHistory(this.feed);
    this.notices = new Notices(this.feed, scheduler);
    this.load = new LoadGenerator((command) => this.actions.submit(command), scheduler);
    this.actions = new ClusterActions({
      controller,
      scheduler,
      feed: this.feed,
      notices: this.notices,
      history: this.history,
      load: this.load,
      onNewCluster: () => this.startOver(),
    });
    this.history.restart(scheduler.now());
    this.scheduleFrame();
  }

  /** One animation frame: pull the snapshot when due, move nodes and messages. Public for tests. */
  onFrame(now: number): void {
    const animNow = this.feed.frame(now);
    this.picture.frame(now, animNow);
    this.history.frame(now);
  }

  dispose(): void {
    this.#disposed = true;
    this.load.dispose();
    if (this.#frame !== undefined) this.scheduler.cancelFrame(this.#frame);
    this.feed.dispose();
  }

  private startOver(): void {
    this.picture.clear();
    this.notices.restart();
    this.feed.replaced();
    this.history.restart(this.scheduler.now());
  }

  private scheduleFrame(): void {
    if (this.#disposed) return;
    this.#frame = this.scheduler.requestFrame(() => {
      this.#frame = undefined;
      this.onFrame(this.scheduler.now());
      this.scheduleFrame();
    });
  }
}
