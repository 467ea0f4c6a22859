/**
 * The message bus on the main thread. Every message between nodes, and between the page's clients
 * and nodes, passes through here, so the page can show it and fault it.
 *
 * At send time the bus decides a message's fate: lost (partition or drop rate), delivered after a
 * delay drawn from [delayMs[0], delayMs[1]] / speed, possibly duplicated (a second copy with its own
 * delay). At delivery time it checks again: a link cut while the message flew, or a destination
 * that crashed, loses it. Pause holds every message; step() delivers the earliest one; a chosen
 * message can be delivered or dropped by hand.
 *
 * Time and randomness are injected (Timers, random()) so tests drive it deterministically.
 *
 * Bounded: at most `maxInFlight` messages fly at once (the one in-flight list, sim/in-flight.ts,
 * with the same cap as the simulator). Beyond that the network behaves like a router with a full
 * queue: it loses the message (reason 'loss'). Raft tolerates loss; an unbounded queue would let
 * a paused or slow-motion cluster eat the page's memory.
 */
import type { Timers } from '../core/timers.ts';
import { DEFAULT_MAX_IN_FLIGHT, InFlightList, Links, validateNetwork } from '../sim/index.ts';
import type { Message, NodeId } from '../core/types.ts';
import type { ClusterEvent, InFlightMessage, NetworkSettings } from './cluster-api.ts';
import { isRejection, messageTerm, summarizeMessage } from './message-view.ts';


export interface BusHooks {
  /** Messages whose time has come, in due order: one call per delivery round. */
  deliver(messages: Message[]): void;
  /** Is node `id` running (able to receive)? */
  isUp(id: NodeId): boolean;
  emit(event: ClusterEvent): void;
}

export interface BusOptions {
  nodeIds: readonly NodeId[];
  network: NetworkSettings;
  speed: number;
  timers: Timers;
  /** Uniform in [0, 1). */
  random: () => number;
  hooks: BusHooks;
  maxInFlight?: number;
}

export interface BusStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  /** Lost because maxInFlight messages were already flying. */
  overflowed: number;
}

export { DEFAULT_MAX_IN_FLIGHT };

interface Flight {
  id: number;
  sentAt: number;
  dueAt: number;
  slot: number;
  info: InFlightMessage;
  message: Message;
}

type DropReason = 'loss' | 'partition' | 'crashed' | 'manual';

export class Bus {
  readonly stats: BusStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, overflowed: 0 };
  private nodeIds: NodeId[];
  private network: NetworkSettings;
  private speed: number;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly hooks: BusHooks;
  /** In flight, by id, earliest due first. Invariant: flights.size <= maxInFlight. */
  private readonly flights: InFlightList<Flight>;
  /** Who reaches whom, and slow links: the one link model, shared with the simulator. */
  private readonly links: Links;
  private paused = false;
  private pausedAt = 0;
  private timer: unknown = undefined;
  private timerDueAt = Infinity;

  constructor(options: BusOptions) {
    validateNetwork(options.network, false);
    validateSpeed(options.speed);
    this.nodeIds = [...options.nodeIds];
    this.network = cloneNetwork(options.network);
    this.speed = options.speed;
    this.timers = options.timers;
    this.random = options.random;
    this.hooks = options.hooks;
    this.flights = new InFlightList(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    this.links = new Links(this.nodeIds, false);
  }

  // ---- Sending and delivery -----------------------------------------------------------------------

  send(m: Message): void {
    const now = this.timers.now();
    this.stats.sent++;
    if (!this.canReach(m.from, m.to)) return this.dropAtSend(m, now, 'partition');
    if (this.random() < this.network.dropRate) return this.dropAtSend(m, now, 'loss');
    this.enqueue(m, now, false);
    if (this.random() < this.network.duplicateRate) {
      this.stats.duplicated++;
      this.enqueue(m, now, true);
    }
  }

  /** While paused: delivers the earliest in-flight message. False when nothing is in flight. */
  step(): boolean {
    const flight = this.flights.takeEarliest();
    if (flight === undefined) return false;
    this.landAll([flight]);
    this.arm();
    return true;
  }

  /** Delivers message `id` now, as if its delay had just elapsed (partitions and crashes still apply). */
  deliverNow(id: number): boolean {
    const flight = this.flights.take(id);
    if (flight === undefined) return false;
    this.landAll([flight]);
    this.arm();
    return true;
  }

  dropMessage(id: number): boolean {
    const flight = this.flights.take(id);
    if (flight === undefined) return false;
    this.emitDrop(flight.info.id, 'manual');
    this.arm();
    return true;
  }

  inFlight(): InFlightMessage[] {
    return this.flights.list().map((f) => f.info);
  }

  inFlightCount(): number {
    return this.flights.size;
  }

  // ---- Pause and speed ---------------------------------------------------------------------------

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.pausedAt = this.timers.now();
    this.disarm();
  }

  /** Resumes; messages keep the time they had left to fly (their sentAt and dueAt shift by the pause). */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const now = this.timers.now();
    this.flights.retime((flight) => {
      // Paused time does not count: a message sent during the pause starts flying now.
      const shiftMs = now - Math.max(this.pausedAt, flight.sentAt);
      const sentAt = flight.sentAt + shiftMs;
      const dueAt = flight.dueAt + shiftMs;
      return { ...flight, sentAt, dueAt, info: { ...flight.info, sentAt, dueAt } };
    });
    this.arm();
  }

  isPaused(): boolean {
    return this.paused;
  }

  /** New delays scale by 1/speed; messages already in flight keep their due time. */
  setSpeed(speed: number): void {
    validateSpeed(speed);
    this.speed = speed;
  }

  setNetwork(settings: Partial<NetworkSettings>): void {
    const next = cloneNetwork({ ...this.network, ...settings });
    validateNetwork(next, false);
    this.network = next;
  }

  networkSettings(): NetworkSettings {
    return cloneNetwork(this.network);
  }

  /** Gives the link from -> to its own delay range (undefined: back to the network's range). */
  setLinkDelay(from: NodeId, to: NodeId, delayMs: [number, number] | undefined): void {
    this.links.setLinkDelay(from, to, delayMs);
  }

  /** The links with their own delay range, as [from, to, [min, max]]. */
  linkDelayList(): [NodeId, NodeId, [number, number]][] {
    return this.links.linkDelayList();
  }

  // ---- Links (links.ts) ------------------------------------------------------------------------------

  /** Nodes in different groups cannot talk; a node in no group is cut from every other node. */
  partition(groups: NodeId[][]): void {
    this.links.partition(groups);
  }

  /** Cuts every link of `id`, both ways, clients included. */
  isolate(id: NodeId): void {
    this.links.isolate(id, true);
  }

  /** Repairs every link of `id`, both ways, clients included. */
  rejoin(id: NodeId): void {
    this.links.rejoin(id);
  }

  setLink(from: NodeId, to: NodeId, cut: boolean): void {
    this.links.setLink(from, to, cut);
  }

  heal(): void {
    this.links.heal();
  }

  canReach(from: NodeId | string, to: NodeId | string): boolean {
    return this.links.canReach(from, to);
  }

  /** cut[from][to] for every pair of nodes. */
  cutMatrix(): Record<NodeId, Record<NodeId, boolean>> {
    return this.links.cutMatrix();
  }

  /** A new cluster: forget links and drop everything in flight (reported as 'crashed'). */
  reset(nodeIds: readonly NodeId[]): void {
    for (const flight of this.flights.clear()) this.emitDrop(flight.id, 'crashed');
    this.nodeIds = [...nodeIds];
    this.links.reset(nodeIds);
    this.arm();
  }

  dispose(): void {
    this.disarm();
    this.flights.clear();
  }

  // ---- Internals -------------------------------------------------------------------------------------

  private enqueue(m: Message, now: number, duplicate: boolean): void {
    if (this.flights.full) {
      this.stats.overflowed++;
      return this.dropAtSend(m, now, 'loss');
    }
    const perLink = this.links.linkDelay(m.from, m.to);
    const [minMs, maxMs] = perLink ?? this.network.delayMs;
    const delayMs = (minMs + Math.floor(this.random() * (maxMs - minMs + 1))) / this.speed;
    const info = this.describe(m, now, now + delayMs, duplicate);
    this.flights.add({ id: info.id, sentAt: info.sentAt, dueAt: info.dueAt, slot: -1, info, message: m });
    this.hooks.emit({ kind: 'sent', at: now, message: info });
    this.arm();
  }

  private dropAtSend(m: Message, now: number, reason: DropReason): void {
    const info = this.describe(m, now, now, false);
    this.hooks.emit({ kind: 'sent', at: now, message: info });
    this.emitDrop(info.id, reason);
  }

  private describe(m: Message, sentAt: number, dueAt: number, duplicate: boolean): InFlightMessage {
    const summary = summarizeMessage(m);
    if (duplicate) summary['duplicate'] = true;
    return { id: this.flights.allocateId(), from: m.from, to: m.to, type: m.type, term: messageTerm(m), sentAt, dueAt, summary, rejected: isRejection(m) };
  }

  private emitDrop(id: number, reason: DropReason): void {
    this.stats.dropped++;
    this.hooks.emit({ kind: 'dropped', at: this.timers.now(), id, reason });
  }

  /** Lands flights (already removed from `flights`): delivered, or lost to a cut link or a crash. */
  private landAll(flights: Flight[]): void {
    const now = this.timers.now();
    const batch: Message[] = [];
    for (const { info, message } of flights) {
      if (!this.canReach(message.from, message.to)) {
        this.emitDrop(info.id, 'partition');
      } else if (typeof message.to === 'number' && !this.hooks.isUp(message.to)) {
        this.emitDrop(info.id, 'crashed');
      } else {
        this.stats.delivered++;
        this.hooks.emit({ kind: 'delivered', at: now, id: info.id });
        batch.push(message);
      }
    }
    if (batch.length > 0) this.hooks.deliver(batch);
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerDueAt = Infinity;
    if (this.paused) return;
    const now = this.timers.now();
    this.landAll(this.flights.takeDue(now));
    this.arm();
  }

  /** Keeps one timer, set for the earliest due message. */
  private arm(): void {
    if (this.paused) return;
    const top = this.flights.peekEarliest();
    if (top === undefined) return this.disarm();
    if (this.timer !== undefined && this.timerDueAt <= top.dueAt) return;
    this.disarm();
    this.timerDueAt = top.dueAt;
    this.timer = this.timers.setTimer(() => this.onTimer(), Math.max(0, top.dueAt - this.timers.now()));
  }

  private disarm(): void {
    if (this.timer !== undefined) this.timers.clearTimer(this.timer);
    this.timer = undefined;
    this.timerDueAt = Infinity;
  }
}

function cloneNetwork(n: NetworkSettings): NetworkSettings {
  return { delayMs: [n.delayMs[0], n.delayMs[1]], dropRate: n.dropRate, duplicateRate: n.duplicateRate };
}

export const MIN_SPEED = 0.01;
export const MAX_SPEED = 10;

export function validateSpeed(speed: number): void {
  if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) throw new RangeError(`speed must be in [${MIN_SPEED}, ${MAX_SPEED}], got ${speed}`);
}
