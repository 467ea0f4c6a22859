/**
 * The one list of messages in flight, shared by the simulator (whose event queue says when a
 * message is due) and the page's bus (whose wall-clock timer does): each message has an id from
 * the moment it is sent until it is delivered or dropped, and a person can list them, deliver
 * one now, drop one, or step (take the earliest due). Bounded: past `maxInFlight`, `add` refuses
 * and the caller drops the message at once, so a paused or slow-motion cluster cannot eat memory.
 *
 * Invariant: size <= maxInFlight. The heap may hold ids already taken (lazy deletion); they are
 * skipped when they surface.
 */
import { assert } from '../core/assert.ts';

/** One cap for both hosts. */
export const DEFAULT_MAX_IN_FLIGHT = 4096;

export interface FlightTiming {
  id: number;
  /** When it was sent and when it is due, in the host's clock (virtual or wall ms). */
  sentAt: number;
  dueAt: number;
}

interface HeapItem {
  dueAt: number;
  id: number;
}

export class InFlightList<F extends FlightTiming> {
  private readonly flights = new Map<number, F>();
  private heap: HeapItem[] = [];
  private nextId = 1;

  constructor(readonly maxInFlight = DEFAULT_MAX_IN_FLIGHT) {
    assert(maxInFlight >= 1, 'maxInFlight must be at least 1');
  }

  get size(): number {
    return this.flights.size;
  }

  get full(): boolean {
    return this.flights.size >= this.maxInFlight;
  }

  /** A fresh message id (also for messages dropped at send, so every message has one). */
  allocateId(): number {
    return this.nextId++;
  }

  /** Adds a flight (its id from allocateId); false when the list is full (the caller drops it). */
  add(flight: F): boolean {
    if (this.full) return false;
    assert(flight.sentAt <= flight.dueAt, 'a message is due after it was sent');
    this.flights.set(flight.id, flight);
    heapPush(this.heap, { dueAt: flight.dueAt, id: flight.id });
    return true;
  }

  get(id: number): F | undefined {
    return this.flights.get(id);
  }

  /** Removes and returns flight `id` (undefined when it already landed or was dropped). */
  take(id: number): F | undefined {
    const flight = this.flights.get(id);
    if (flight !== undefined) this.flights.delete(id);
    return flight;
  }

  /** The earliest due flight, left in place. Ties go to the lower id (sent first). */
  peekEarliest(): F | undefined {
    this.skipTaken();
    const top = this.heap[0];
    return top === undefined ? undefined : this.flights.get(top.id);
  }

  takeEarliest(): F | undefined {
    const flight = this.peekEarliest();
    if (flight === undefined) return undefined;
    heapPop(this.heap);
    this.flights.delete(flight.id);
    return flight;
  }

  /** Removes and returns every flight due at or before `now`, earliest first. */
  takeDue(now: number): F[] {
    const due: F[] = [];
    for (let next = this.peekEarliest(); next !== undefined && next.dueAt <= now; next = this.peekEarliest()) {
      due.push(this.takeEarliest()!);
    }
    return due;
  }

  list(): F[] {
    return [...this.flights.values()];
  }

  /** Empties the list and returns what was in it. */
  clear(): F[] {
    const all = this.list();
    this.flights.clear();
    this.heap = [];
    return all;
  }

  /** Replaces every flight through `retime` (for example shifted by a pause) and reorders. */
  retime(retime: (flight: F) => F): void {
    this.heap = [];
    for (const [id, flight] of this.flights) {
      const next = retime(flight);
      assert(next.id === id && next.sentAt <= next.dueAt, 'retime keeps the id and sentAt <= dueAt');
      this.flights.set(id, next);
      heapPush(this.heap, { dueAt: next.dueAt, id });
    }
  }

  private skipTaken(): void {
    while (this.heap.length > 0 && !this.flights.has(this.heap[0]!.id)) heapPop(this.heap);
  }
}

function earlier(a: HeapItem, b: HeapItem): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.id < b.id);
}

function heapPush(heap: HeapItem[], item: HeapItem): void {
  heap.push(item);
  let k = heap.length - 1;
  while (k > 0) {
    const parent = (k - 1) >> 1;
    if (!earlier(item, heap[parent]!)) break;
    heap[k] = heap[parent]!;
    k = parent;
  }
  heap[k] = item;
}

function heapPop(heap: HeapItem[]): HeapItem | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  let k = 0;
  const n = heap.length;
  while (true) {
    const left = 2 * k + 1;
    if (left >= n) break;
    const right = left + 1;
    const child = right < n && earlier(heap[right]!, heap[left]!) ? right : left;
    if (!earlier(heap[child]!, last)) break;
    heap[k] = heap[child]!;
    k = child;
  }
  heap[k] = last;
  return top;
}
