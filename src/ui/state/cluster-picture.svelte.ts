/**
 * Where things are drawn: the node layout (islands per partition group, tweened when it changes),
 * the messages in the air as sprites, and the leaders' heartbeat pulses.
 */
import type { NodeId } from '../../core/types.ts';
import type { ClusterEvent, ClusterSnapshot } from '../../runtime/cluster-api.ts';
import { Flights, type Sprite } from '../model/flights.ts';
import { computeLayout, tweenPositions, type Layout, type Point } from '../model/layout.ts';
import { groupsOf } from '../model/topology.ts';
import type { SnapshotFeed } from './snapshot-feed.svelte.ts';

/** At most this many messages are drawn at once. */
export const MAX_SPRITES = 160;
const LAYOUT_TWEEN_MS = 450;
const PULSE_MIN_GAP_MS = 650;

export class ClusterPicture {
  #size = $state({ width: 640, height: 440 });
  #sprites: Sprite[] = $state.raw([]);
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- raw state: replaced whole, never mutated
  #positions: Map<NodeId, Point> = $state.raw(new Map());
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- raw state: replaced whole, never mutated
  #pulses: Map<NodeId, number> = $state.raw(new Map());
  #groupsKey: string;
  #groups: NodeId[][];
  #layout: Layout;

  /** Messages in the air, by id (the message inspector reads them). */
  readonly flights = new Flights();
  #tween: { from: Map<NodeId, Point>; to: Layout; start: number } | undefined;
  /** Which layout the positions show (groups and size): layouts are compared by this key, not identity. */
  #shownLayoutKey = '';
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, not shown
  readonly #lastPulse = new Map<NodeId, number>();

  constructor(feed: SnapshotFeed) {
    // Compared as JSON so a snapshot with the same groups keeps the same layout (no new tween).
    this.#groupsKey = $derived(JSON.stringify(groupsOf(feed.ids, feed.snapshot.cut)));
    this.#groups = $derived(JSON.parse(this.#groupsKey) as NodeId[][]);
    this.#layout = $derived(computeLayout(this.#groups, this.#size.width, this.#size.height));
    feed.onEvents((events) => this.onEvents(events));
    feed.onPull((snapshot, now) => this.onPull(snapshot, now));
  }

  get size(): { width: number; height: number } {
    return this.#size;
  }
  get sprites(): Sprite[] {
    return this.#sprites;
  }
  get positions(): Map<NodeId, Point> {
    return this.#positions;
  }
  /** Bumped when the heartbeat pulse of a leader should replay. */
  get pulses(): Map<NodeId, number> {
    return this.#pulses;
  }
  /** The partition groups as the layout draws them (one group when the network is whole). */
  get groups(): NodeId[][] {
    return this.#groups;
  }
  get layout(): Layout {
    return this.#layout;
  }

  /** True when `id` stands alone in its own group. */
  isolated(id: NodeId): boolean {
    return this.#groups.length > 1 && this.#groups.some((g) => g.length === 1 && g[0] === id);
  }

  resize(width: number, height: number): void {
    if (width > 0 && (this.#size.width !== width || this.#size.height !== height)) this.#size = { width, height };
  }

  endpoint(e: NodeId | string): Point | undefined {
    if (typeof e === 'string') return this.#layout.client;
    return this.#positions.get(e);
  }

  /** Moves nodes towards their layout and messages along their links. */
  frame(now: number, animNow: number): void {
    this.movePositions(now);
    const sprites = this.flights.sprites(animNow, (e) => this.endpoint(e), MAX_SPRITES);
    if (sprites.length > 0 || this.#sprites.length > 0) this.#sprites = sprites;
  }

  /** A new cluster: the old messages are gone. */
  clear(): void {
    this.flights.clear();
  }

  private onPull(snapshot: ClusterSnapshot, now: number): void {
    this.flights.reconcile(snapshot.inFlight, now);
  }

  private onEvents(events: ClusterEvent[]): void {
    this.flights.apply(events);
    for (const e of events) if (e.kind === 'sent') this.onSent(e.message.from, e.message.type, e.at);
  }

  private onSent(from: NodeId | string, type: string, at: number): void {
    if (typeof from !== 'number' || (type !== 'Heartbeat' && type !== 'AppendEntries')) return;
    if (at - (this.#lastPulse.get(from) ?? -Infinity) < PULSE_MIN_GAP_MS) return;
    this.#lastPulse.set(from, at);
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a new value for raw state
    const next = new Map(this.#pulses);
    next.set(from, (next.get(from) ?? 0) + 1);
    this.#pulses = next;
  }

  private movePositions(now: number): void {
    const target = this.#layout;
    const key = `${this.#groupsKey}|${this.#size.width}x${this.#size.height}`;
    if (key !== this.#shownLayoutKey) {
      const from = this.#positions;
      this.#shownLayoutKey = key;
      const sameNodes = from.size === target.nodes.size && [...target.nodes.keys()].every((id) => from.has(id));
      this.#tween = sameNodes ? { from, to: target, start: now } : undefined;
      if (!sameNodes) this.#positions = target.nodes;
    }
    const tween = this.#tween;
    if (tween === undefined) return;
    const t = Math.min(1, (now - tween.start) / LAYOUT_TWEEN_MS);
    const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
    this.#positions = t >= 1 ? tween.to.nodes : tweenPositions(tween.from, tween.to.nodes, eased);
    if (t >= 1) this.#tween = undefined;
  }
}
