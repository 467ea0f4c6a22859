/**
 * The page's copy of the cluster's state: the latest snapshot (raw: replaced whole, never deeply
 * proxied), pulled from the controller at most every SNAPSHOT_MS or at once after an action, and
 * the controller's event stream. Other state classes listen to both; views only read.
 */
import type { NodeId } from '../../core/types.ts';
import type { ClusterController, ClusterEvent, ClusterSnapshot, NodeView } from '../../runtime/cluster-api.ts';

/** How often the snapshot is pulled (the timer arcs are interpolated in between). */
export const SNAPSHOT_MS = 100;

export interface FrameScheduler {
  now(): number;
  requestFrame(callback: () => void): number;
  cancelFrame(handle: number): void;
  setTimer(run: () => void, ms: number): unknown;
}

export const browserScheduler: FrameScheduler = {
  now: () => performance.now(),
  requestFrame: (callback) => requestAnimationFrame(() => callback()),
  cancelFrame: (handle) => cancelAnimationFrame(handle),
  setTimer: (run, ms) => setTimeout(run, ms),
};

type PullListener = (snapshot: ClusterSnapshot, now: number) => void;
type EventListener = (events: ClusterEvent[]) => void;

export class SnapshotFeed {
  #snapshot: ClusterSnapshot = $state.raw() as unknown as ClusterSnapshot;
  #snapshotAt = $state(0);
  #frameNow = $state(0);
  #generation = $state(0);
  #ids: NodeId[] = $derived(this.#snapshot.nodes.map((n) => n.id));
  #leader: NodeView | undefined = $derived(leaderOf(this.#snapshot.nodes));

  readonly #pullListeners: PullListener[] = [];
  readonly #eventListeners: EventListener[] = [];
  readonly #unsubscribe: () => void;
  #lastPull = -Infinity;
  #pausedAt: number | undefined;

  constructor(
    private readonly controller: ClusterController,
    private readonly scheduler: FrameScheduler,
  ) {
    this.#snapshot = controller.snapshot();
    this.#unsubscribe = controller.subscribe((events) => {
      for (const listen of this.#eventListeners) listen(events);
    });
  }

  /** The latest snapshot. */
  get snapshot(): ClusterSnapshot {
    return this.#snapshot;
  }
  /** Wall time of the snapshot. */
  get snapshotAt(): number {
    return this.#snapshotAt;
  }
  /** Wall time of the current frame (for timer arcs); frozen while paused. */
  get frameNow(): number {
    return this.#frameNow;
  }
  /** Bumped on every new cluster (views drop their caches). */
  get generation(): number {
    return this.#generation;
  }
  get ids(): NodeId[] {
    return this.#ids;
  }
  /** The leader with the highest term, if any node thinks it leads. */
  get leader(): NodeView | undefined {
    return this.#leader;
  }

  node(id: NodeId): NodeView | undefined {
    return this.#snapshot.nodes.find((n) => n.id === id);
  }

  /** Asks the controller, not the last snapshot (a node may have been added since). */
  hasNode(id: number): boolean {
    return this.controller.snapshot().nodes.some((n) => n.id === id);
  }

  onPull(listener: PullListener): void {
    this.#pullListeners.push(listener);
  }

  onEvents(listener: EventListener): void {
    this.#eventListeners.push(listener);
  }

  /** One animation frame: pull when due; returns the animation time (frozen while paused). */
  frame(now: number): number {
    if (now - this.#lastPull >= SNAPSHOT_MS) this.pull(now);
    const paused = this.#snapshot.paused;
    if (paused && this.#pausedAt === undefined) this.#pausedAt = now;
    if (!paused) this.#pausedAt = undefined;
    this.#frameNow = this.#pausedAt ?? now;
    return this.#frameNow;
  }

  /** Pulls a fresh snapshot now (after an action, so the picture answers at once). */
  refresh(): void {
    this.pull(this.scheduler.now());
  }

  /** A new cluster replaced the old one: pull it and tell views to drop their caches. */
  replaced(): void {
    this.refresh();
    this.#generation++;
  }

  private pull(now: number): void {
    this.#lastPull = now;
    const snapshot = this.controller.snapshot();
    this.#snapshot = snapshot;
    this.#snapshotAt = now;
    for (const listen of this.#pullListeners) listen(snapshot, now);
  }

  dispose(): void {
    this.#unsubscribe();
  }
}

function leaderOf(nodes: NodeView[]): NodeView | undefined {
  let best: NodeView | undefined;
  for (const n of nodes) if (n.role === 'leader' && (best === undefined || n.term > best.term)) best = n;
  return best;
}
