/**
 * The simulator's agenda: a binary min-heap of events ordered by (virtual time, insertion order).
 * Insertion order breaks ties, so two runs with the same seed pop events in the same order.
 */
import { heapPop, heapPush } from './min-heap.ts';

export interface SimEvent {
  timeMs: number;
  seq: number;
  run: () => void;
}

export class EventQueue {
  private heap: SimEvent[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(timeMs: number, run: () => void): void {
    heapPush(this.heap, { timeMs, seq: this.nextSeq++, run }, before);
  }

  peekTime(): number | undefined {
    return this.heap[0]?.timeMs;
  }

  pop(): SimEvent | undefined {
    return heapPop(this.heap, before);
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
}
