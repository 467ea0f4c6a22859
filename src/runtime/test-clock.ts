/** A hand-driven FrameClock for tests: advance(ms) runs 16 ms frames until ms have passed. */
import type { FrameClock } from './frame-clock.ts';

export class TestClock implements FrameClock {
  private t = 0;
  private nextHandle = 1;
  private callbacks = new Map<number, () => void>();

  now(): number {
    return this.t;
  }

  requestFrame(callback: () => void): number {
    const handle = this.nextHandle++;
    this.callbacks.set(handle, callback);
    return handle;
  }

  cancelFrame(handle: number): void {
    this.callbacks.delete(handle);
  }

  advance(ms: number, frameMs = 16): void {
    const end = this.t + ms;
    while (this.t < end) {
      this.t = Math.min(end, this.t + frameMs);
      const due = [...this.callbacks.values()];
      this.callbacks.clear();
      for (const callback of due) callback();
    }
  }
}
