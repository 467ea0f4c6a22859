/**
 * TEST SUPPORT: a manual clock for the bus and the client session. Timers fire only when a test
 * advances time, in due order (ties in the order they were set).
 */
import type { Timers } from './timers.ts';

export class FakeTimers implements Timers {
  nowMs = 0;
  private nextHandle = 1;
  private timers = new Map<number, { at: number; run: () => void }>();

  now(): number {
    return this.nowMs;
  }

  setTimer(run: () => void, delayMs: number): unknown {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.nowMs + delayMs, run });
    return handle;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const until = this.nowMs + ms;
    while (true) {
      let next: [number, { at: number; run: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= until && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.nowMs = Math.max(this.nowMs, next[1].at);
      next[1].run();
    }
    this.nowMs = until;
  }
}
