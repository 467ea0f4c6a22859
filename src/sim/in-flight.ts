/**
 * The one list of messages in flight, shared by the simulator (whose event queue says when a
 * message is due) and the page's bus (whose wall-clock timer does): each message has an id from
 * the moment it is sent until it is delivered or dropped, and a person can list them, deliver
 * one now, drop one, or step (take the earliest due). Bounded: past `maxInFlight`, `add` refuses
 * and the caller drops the message at once, so a paused or slow-motion cluster cannot eat memory.
 *
 * Cheap on the hot path, because the simulator sends hundreds of thousands of messages a second:
 * flights sit in an array and know their own slot, so the host that holds a flight takes it in
 * O(1) (`takeFlight`); finding one by id (a person's click) scans. Ordered lists also keep a heap
 * on (dueAt, id) for hosts that ask for the earliest often (the bus arms its timer from it);
 * flights taken by other means are skipped when they surface, and the heap is compacted when
 * they outnumber the live ones. The simulator's list is unordered: its event queue already
 * delivers in due order, and only a person's step asks for the earliest (a scan).
 *
 * Invariant: size <= maxInFlight; a flight's slot is its index in the array, or -1 once taken.
 */
import { assert } from '../core/assert.ts';
import { heapPop, heapPush } from './min-heap.ts';

/** One cap for both hosts. */
export const DEFAULT_MAX_IN_FLIGHT = 4096;

export interface FlightTiming {
  id: number;
  /** When it was sent and when it is due, in the host's clock (virtual or wall ms). */
  sentAt: number;
  dueAt: number;
  /** The list's bookkeeping: create flights with -1; the list sets it. */
  slot: number;
}

export class InFlightList<F extends FlightTiming> {
  private items: F[] = [];
  private heap: F[] = [];
  private nextId = 1;

  constructor(
    readonly maxInFlight = DEFAULT_MAX_IN_FLIGHT,
    private readonly ordered = true,
  ) {
    assert(maxInFlight >= 1, 'maxInFlight must be at least 1');
  }

  get size(): number {
    return this.items.length;
  }

  get full(): boolean {
    return this.items.length >= this.maxInFlight;
  }

  /** A fresh message id (also for messages dropped at send, so every message has one). */
  allocateId(): number {
    return this.nextId++;
  }

  /** Adds a flight (its id from allocateId); false when the list is full (the caller drops it). */
  add(flight: F): boolean {
    if (this.items.length >= this.maxInFlight) return false;
    assert(flight.sentAt <= flight.dueAt && flight.slot === -1, 'a new flight is due after it was sent');
    flight.slot = this.items.length;
    this.items.push(flight);
    if (this.ordered) heapPush(this.heap, flight, earlier);
    return true;
  }

  get(id: number): F | undefined {
    return this.items.find((f) => f.id === id);
  }

  /** Removes and returns flight `id` (undefined when it already landed or was dropped). */
  take(id: number): F | undefined {
    const flight = this.get(id);
    return flight !== undefined && this.takeFlight(flight) ? flight : undefined;
  }

  /** Removes a flight the caller holds, in O(1); false when it was already taken. */
  takeFlight(flight: F): boolean {
    const slot = flight.slot;
    if (slot < 0 || this.items[slot] !== flight) return false;
    const last = this.items.pop()!;
    if (last !== flight) {
      this.items[slot] = last;
      last.slot = slot;
    }
    flight.slot = -1;
    if (this.heap.length > 2 * this.items.length + 64) this.rebuildHeap();
    return true;
  }

  /** The earliest due flight, left in place. Ties go to the lower id (sent first). */
  peekEarliest(): F | undefined {
    if (!this.ordered) return this.scanEarliest();
    while (this.heap.length > 0 && this.heap[0]!.slot < 0) heapPop(this.heap, earlier);
    return this.heap[0];
  }

  takeEarliest(): F | undefined {
    const flight = this.peekEarliest();
    if (flight === undefined) return undefined;
    this.takeFlight(flight);
    return flight;
  }

  /** Removes and returns every flight due at or before `now`, earliest first. */
  takeDue(now: number): F[] {
    const due: F[] = [];
    for (let next = this.peekEarliest(); next !== undefined && next.dueAt <= now; next = this.peekEarliest()) {
      this.takeFlight(next);
      due.push(next);
    }
    return due;
  }

  list(): F[] {
    return this.items.slice();
  }

  /** Empties the list and returns what was in it. */
  clear(): F[] {
    const all = this.items;
    for (const f of all) f.slot = -1;
    this.items = [];
    this.heap = [];
    return all;
  }

  /** Replaces every flight through `retime` (for example shifted by a pause) and reorders. */
  retime(retime: (flight: F) => F): void {
    this.items = this.items.map((flight, slot) => {
      const next = retime(flight);
      assert(next.id === flight.id && next.sentAt <= next.dueAt, 'retime keeps the id and sentAt <= dueAt');
      flight.slot = -1;
      next.slot = slot;
      return next;
    });
    this.rebuildHeap();
  }

  private rebuildHeap(): void {
    this.heap = [];
    if (!this.ordered) return;
    for (const flight of this.items) heapPush(this.heap, flight, earlier);
  }

  private scanEarliest(): F | undefined {
    let best: F | undefined;
    for (const f of this.items) if (best === undefined || earlier(f, best)) best = f;
    return best;
  }
}

function earlier(a: FlightTiming, b: FlightTiming): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.id < b.id);
}
