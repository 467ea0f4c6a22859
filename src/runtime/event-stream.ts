/**
 * Cluster events for the UI, in batches: at most one delivery per animation frame, from a bounded
 * buffer. The cluster never waits for the UI: when the page falls behind (a slow listener, a
 * background tab where animation frames stop), new events are counted and dropped, and the next
 * batch ends with one warning saying how many. snapshot() always has the current truth.
 */
import type { ClusterEvent } from './cluster-api.ts';

export type EventListener = (events: ClusterEvent[]) => void;

export const DEFAULT_EVENT_CAPACITY = 10_000;

export class EventStream {
  private buffer: ClusterEvent[] = [];
  private dropped = 0;
  private readonly listeners = new Set<EventListener>();
  private scheduled = false;

  constructor(
    private readonly scheduleFrame: (run: () => void) => void,
    private readonly now: () => number,
    private readonly capacity = DEFAULT_EVENT_CAPACITY,
  ) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.buffer = [];
        this.dropped = 0;
      }
    };
  }

  emit(event: ClusterEvent): void {
    if (this.listeners.size === 0) return; // nobody is watching: keep nothing
    if (this.buffer.length >= this.capacity) {
      this.dropped++;
      return;
    }
    this.buffer.push(event);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.scheduleFrame(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (this.buffer.length === 0 && this.dropped === 0) return;
    const events = this.buffer;
    if (this.dropped > 0) {
      events.push({ kind: 'warning', at: this.now(), message: `the page fell behind: ${this.dropped} cluster events were not shown` });
      this.dropped = 0;
    }
    this.buffer = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(events);
      } catch (e) {
        // A broken listener must not stop the cluster or the other listeners.
        console.error('cluster event listener failed', e);
      }
    }
  }
}
