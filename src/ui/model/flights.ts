/**
 * The messages the picture animates. Fed by the controller's events (sent, delivered, dropped)
 * and reconciled against each snapshot's in-flight list (which is authoritative about timing:
 * a pause or a speed change re-times messages). Positions are interpolated from sentAt/dueAt.
 * A dropped message lingers for a moment where it died, marked with a cross.
 *
 * Bounded: at most MAX_TRACKED messages are tracked, and at most `max` sprites are drawn.
 */
import type { NodeId } from '../../core/types.ts';
import type { ClusterEvent, InFlightMessage } from '../../runtime/cluster-api.ts';
import { alongLink, type Point } from './layout.ts';
import { isPreVote, messageKind, type MessageKind } from './message-kind.ts';

export const MAX_TRACKED = 5000;
export const DROP_LINGER_MS = 900;

export type FlightState = 'flying' | 'delivered' | 'dropped';

export interface Flight {
  info: InFlightMessage;
  state: FlightState;
  /** When it was delivered or dropped (wall ms). */
  endedAt: number | undefined;
  dropReason: string | undefined;
}

export interface Sprite {
  id: number;
  x: number;
  y: number;
  kind: MessageKind;
  preVote: boolean;
  rejected: boolean;
  dropped: boolean;
  /** 1 while flying; fades to 0 after a drop. */
  opacity: number;
}

export class Flights {
  private readonly flights = new Map<number, Flight>();
  /** The last finished messages, for the inspector after a message is gone. */
  private readonly finished = new Map<number, Flight>();

  get size(): number {
    return this.flights.size;
  }

  get(id: number): Flight | undefined {
    return this.flights.get(id) ?? this.finished.get(id);
  }

  flying(): InFlightMessage[] {
    const out: InFlightMessage[] = [];
    for (const f of this.flights.values()) if (f.state === 'flying') out.push(f.info);
    return out;
  }

  apply(events: readonly ClusterEvent[]): void {
    for (const e of events) {
      if (e.kind === 'sent') this.add(e.message);
      else if (e.kind === 'delivered') this.end(e.id, 'delivered', e.at, undefined);
      else if (e.kind === 'dropped') this.end(e.id, 'dropped', e.at, e.reason);
    }
  }

  /** The snapshot knows the true timing; messages it no longer lists have landed. */
  reconcile(inFlight: readonly InFlightMessage[], now: number): void {
    const live = new Set<number>();
    for (const info of inFlight) {
      live.add(info.id);
      const f = this.flights.get(info.id);
      if (f === undefined) this.add(info);
      else if (f.state === 'flying') f.info = info;
    }
    for (const [id, f] of this.flights) {
      if (f.state === 'flying' && !live.has(id)) this.end(id, 'delivered', now, undefined);
    }
  }

  clear(): void {
    this.flights.clear();
    this.finished.clear();
  }

  /** Where every visible message is at `now`. `at` gives an endpoint's position (node id or client name). */
  sprites(now: number, at: (endpoint: NodeId | string) => Point | undefined, max: number): Sprite[] {
    const out: Sprite[] = [];
    for (const [id, f] of this.flights) {
      if (f.state === 'dropped' && f.endedAt !== undefined && now - f.endedAt > DROP_LINGER_MS) {
        this.flights.delete(id);
        continue;
      }
      if (out.length >= max) continue;
      const sprite = this.sprite(f, now, at);
      if (sprite !== undefined) out.push(sprite);
    }
    return out;
  }

  private sprite(f: Flight, now: number, at: (endpoint: NodeId | string) => Point | undefined): Sprite | undefined {
    const from = at(f.info.from);
    const to = at(f.info.to);
    if (from === undefined || to === undefined) return undefined;
    const dropped = f.state === 'dropped';
    const t = progress(f.info, dropped ? f.endedAt! : now);
    const p = alongLink(from, to, t, 5);
    const opacity = dropped ? Math.max(0, 1 - (now - f.endedAt!) / DROP_LINGER_MS) : 1;
    return {
      id: f.info.id, x: p.x, y: p.y, kind: messageKind(f.info.type), preVote: isPreVote(f.info.type),
      rejected: f.info.rejected, dropped, opacity,
    };
  }

  private add(info: InFlightMessage): void {
    if (this.flights.has(info.id)) return;
    if (this.flights.size >= MAX_TRACKED) {
      const oldest = this.flights.keys().next().value;
      if (oldest !== undefined) this.flights.delete(oldest);
    }
    this.flights.set(info.id, { info, state: 'flying', endedAt: undefined, dropReason: undefined });
  }

  private end(id: number, state: 'delivered' | 'dropped', at: number, reason: string | undefined): void {
    const f = this.flights.get(id);
    if (f === undefined || f.state !== 'flying') return;
    f.state = state;
    f.endedAt = at;
    f.dropReason = reason;
    if (state === 'delivered') this.flights.delete(id);
    this.finished.set(id, f);
    if (this.finished.size > 200) this.finished.delete(this.finished.keys().next().value!);
  }
}

/** How far along its link a message is at `now`, in [0, 1]. */
export function progress(info: InFlightMessage, now: number): number {
  const span = info.dueAt - info.sentAt;
  if (span <= 0) return 1;
  return Math.min(1, Math.max(0, (now - info.sentAt) / span));
}
