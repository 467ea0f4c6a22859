/**
 * The page's view of the cluster: the latest snapshot (raw state: replaced whole, never deeply
 * proxied), the messages in the air, node positions, and the histories behind the timeline and
 * the charts. One requestAnimationFrame loop drives it: events are folded in as they arrive, the
 * snapshot is pulled at most every SNAPSHOT_MS, and message positions are recomputed each frame.
 *
 * Actions (crash, partition, ...) go straight to the controller, are announced to screen readers,
 * and pull a fresh snapshot so the picture answers at once.
 */
import type { KvCommand } from '../../core/kv-types.ts';
import type { NodeId } from '../../core/types.ts';
import type {
  ClusterController,
  ClusterEvent,
  ClusterSnapshot,
  ConsoleReply,
  SubmitOptions,
  NetworkSettings,
  NodeCount,
  NodeView,
} from '../../runtime/cluster-api.ts';
import { bannerLines, type Banners, type Notice } from '../model/banners.ts';
import { Announcer } from '../model/announcer.ts';
import { Flights, type Sprite } from '../model/flights.ts';
import { computeLayout, tweenPositions, type Layout, type Point } from '../model/layout.ts';
import { MetricsModel } from '../model/metrics.ts';
import { TimelineModel } from '../model/timeline.ts';
import { describeGroups, groupsOf } from '../model/topology.ts';

/** How often the snapshot is pulled (the timer arcs are interpolated in between). */
export const SNAPSHOT_MS = 100;
/** At most this many messages are drawn at once. */
export const MAX_SPRITES = 160;
const LAYOUT_TWEEN_MS = 450;
const PULSE_MIN_GAP_MS = 650;
const HISTORY_KEEP_MS = 5 * 60_000;
const MAX_WARNINGS = 4;

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

export class ClusterStore {
  snapshot: ClusterSnapshot = $state.raw() as unknown as ClusterSnapshot;
  /** Wall time of the snapshot above. */
  snapshotAt = $state(0);
  /** Wall time of the current frame (for timer arcs); frozen while paused. */
  frameNow = $state(0);
  sprites: Sprite[] = $state.raw([]);
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- raw state: replaced whole, never mutated
  positions: Map<NodeId, Point> = $state.raw(new Map());
  size = $state({ width: 640, height: 440 });
  /** Bumped when the heartbeat pulse of a leader should replay. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- raw state: replaced whole, never mutated
  pulses: Map<NodeId, number> = $state.raw(new Map());
  /** Bumped a few times a second when the timeline or the charts have news. */
  historyVersion = $state(0);
  /** Bumped on every new cluster (views drop their caches). */
  generation = $state(0);
  announcement = $state('');
  notices: Notice[] = $state([]);
  /** The auto-writer's target rate (writes per second; 0 = off). */
  loadRate = $state(0);
  loadError = $state('');

  readonly flights = new Flights();
  readonly timeline = new TimelineModel();
  readonly metrics = new MetricsModel();
  readonly announcer: Announcer;

  ids: NodeId[] = $derived(this.snapshot.nodes.map((n) => n.id));
  groupsKey: string = $derived(JSON.stringify(groupsOf(this.ids, this.snapshot.cut)));
  groups: NodeId[][] = $derived(JSON.parse(this.groupsKey) as NodeId[][]);
  layout: Layout = $derived(computeLayout(this.groups, this.size.width, this.size.height));
  leader: NodeView | undefined = $derived(leaderOf(this.snapshot.nodes));
  /** The banner area: standing warnings and notices, each text once. */
  banners: Banners = $derived(bannerLines(this.snapshot.warnings, this.notices));

  private frame: number | undefined;
  private unsubscribe: () => void;
  private lastPull = -Infinity;
  private pausedAt: number | undefined;
  private tween: { from: Map<NodeId, Point>; to: Layout; start: number } | undefined;
  /** Which layout the positions show (groups and size): layouts are compared by this key, not identity. */
  private shownLayoutKey = '';
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, not shown
  private lastPulse = new Map<NodeId, number>();
  private lastCommit = 0;
  private lastHistoryBump = 0;
  private historyDirty = true;
  private nextNotice = 1;
  private loadGeneration = 0;
  private disposed = false;

  constructor(
    readonly controller: ClusterController,
    private readonly scheduler: FrameScheduler = browserScheduler,
  ) {
    this.announcer = new Announcer(scheduler, (text) => (this.announcement = text));
    this.snapshot = controller.snapshot();
    this.seedHistory(scheduler.now());
    this.unsubscribe = controller.subscribe((events) => this.onEvents(events));
    this.scheduleFrame();
  }

  // ---- The frame loop -------------------------------------------------------------------------

  private scheduleFrame(): void {
    if (this.disposed) return;
    this.frame = this.scheduler.requestFrame(() => {
      this.frame = undefined;
      this.onFrame(this.scheduler.now());
      this.scheduleFrame();
    });
  }

  /** One animation frame: pull the snapshot when due, move nodes and messages. Public for tests. */
  onFrame(now: number): void {
    if (now - this.lastPull >= SNAPSHOT_MS) this.pull(now);
    const paused = this.snapshot.paused;
    if (paused && this.pausedAt === undefined) this.pausedAt = now;
    if (!paused) this.pausedAt = undefined;
    const animNow = this.pausedAt ?? now;
    this.frameNow = animNow;
    this.movePositions(now);
    const sprites = this.flights.sprites(animNow, (e) => this.endpoint(e), MAX_SPRITES);
    if (sprites.length > 0 || this.sprites.length > 0) this.sprites = sprites;
    if (this.historyDirty && now - this.lastHistoryBump > 250) {
      this.historyDirty = false;
      this.lastHistoryBump = now;
      this.historyVersion++;
    }
  }

  /** Pulls a fresh snapshot now (after an action, so the picture answers at once). */
  refresh(): void {
    this.pull(this.scheduler.now());
  }

  private pull(now: number): void {
    this.lastPull = now;
    const snapshot = this.controller.snapshot();
    this.snapshot = snapshot;
    this.snapshotAt = now;
    this.flights.reconcile(snapshot.inFlight, now);
    this.noteCommits(snapshot, now);
  }

  private movePositions(now: number): void {
    const target = this.layout;
    const key = `${this.groupsKey}|${this.size.width}x${this.size.height}`;
    if (key !== this.shownLayoutKey) {
      const from = this.positions;
      this.shownLayoutKey = key;
      const sameNodes = from.size === target.nodes.size && [...target.nodes.keys()].every((id) => from.has(id));
      this.tween = sameNodes ? { from, to: target, start: now } : undefined;
      if (!sameNodes) this.positions = target.nodes;
    }
    const tween = this.tween;
    if (tween === undefined) return;
    const t = Math.min(1, (now - tween.start) / LAYOUT_TWEEN_MS);
    const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
    this.positions = t >= 1 ? tween.to.nodes : tweenPositions(tween.from, tween.to.nodes, eased);
    if (t >= 1) this.tween = undefined;
  }

  endpoint(e: NodeId | string): Point | undefined {
    if (typeof e === 'string') return this.layout.client;
    return this.positions.get(e);
  }

  // ---- Events -------------------------------------------------------------------------------

  private onEvents(events: ClusterEvent[]): void {
    this.flights.apply(events);
    for (const e of events) {
      if (e.kind === 'role') this.onRole(e);
      else if (e.kind === 'sent') this.onSent(e.message.from, e.message.type, e.at);
      else if (e.kind === 'warning') this.notice(e.message);
    }
  }

  private onRole(e: Extract<ClusterEvent, { kind: 'role' }>): void {
    this.timeline.record(e.node, e.role, e.term, e.at);
    this.historyDirty = true;
    if (e.role === 'leader') this.announcer.say('leader', `Node ${e.node} is the leader in term ${e.term}.`);
    else if (e.role === 'candidate') this.announcer.say('election', `Election: node ${e.node} is a candidate in term ${e.term}.`);
  }

  private onSent(from: NodeId | string, type: string, at: number): void {
    if (typeof from !== 'number' || (type !== 'Heartbeat' && type !== 'AppendEntries')) return;
    if (at - (this.lastPulse.get(from) ?? -Infinity) < PULSE_MIN_GAP_MS) return;
    this.lastPulse.set(from, at);
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a new value for raw state
    const next = new Map(this.pulses);
    next.set(from, (next.get(from) ?? 0) + 1);
    this.pulses = next;
  }

  /** Counts newly committed writes (noops excluded where the log tail shows them). */
  private noteCommits(snapshot: ClusterSnapshot, now: number): void {
    let best: NodeView | undefined;
    for (const n of snapshot.nodes) if (best === undefined || n.commitIndex > best.commitIndex) best = n;
    if (best === undefined) return;
    const commit = best.commitIndex;
    if (commit <= this.lastCommit) return;
    let writes = 0;
    const tailStart = best.logTail[0]?.index ?? Infinity;
    for (let index = this.lastCommit + 1; index <= commit; index++) {
      const entry = index >= tailStart ? best.logTail[index - tailStart] : undefined;
      if (entry?.label !== 'noop') writes++;
    }
    this.lastCommit = commit;
    this.metrics.recordWrites(now, writes);
    this.announcer.commit(commit);
    this.historyDirty = true;
  }

  private seedHistory(now: number): void {
    for (const n of this.snapshot.nodes) this.timeline.record(n.id, n.role, n.term, now);
    this.lastCommit = Math.max(0, ...this.snapshot.nodes.map((n) => n.commitIndex));
  }

  /** Shows a dismissible notice (gone after 12 s unless `sticky`); a text already showing is not added twice. */
  notice(text: string, options: { sticky?: boolean } = {}): void {
    if (this.notices.some((n) => n.text === text)) return;
    const id = this.nextNotice++;
    this.notices = [...this.notices, { id, text }].slice(-MAX_WARNINGS);
    if (options.sticky !== true) this.scheduler.setTimer(() => this.dismiss(id), 12_000);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  // ---- Actions ------------------------------------------------------------------------------

  node(id: NodeId): NodeView | undefined {
    return this.snapshot.nodes.find((n) => n.id === id);
  }

  crash(id: NodeId): void {
    this.act(() => this.controller.crash(id), 'node', `Node ${id} crashed.`);
  }

  restart(id: NodeId): void {
    this.act(() => this.controller.restart(id), 'node', `Node ${id} restarted from its disk.`);
  }

  wipe(id: NodeId): void {
    this.act(() => this.controller.wipe(id), 'node', `Node ${id}'s disk was wiped and it restarted empty.`);
  }

  forceTimeout(id: NodeId): void {
    this.act(() => this.controller.forceTimeout(id), 'action', `Node ${id}'s election timer was forced to expire.`);
  }

  isolate(id: NodeId): void {
    this.act(() => this.controller.isolate(id), 'network', `Node ${id} is isolated.`);
  }

  rejoin(id: NodeId): void {
    this.act(() => this.controller.rejoin(id), 'network', `Node ${id} rejoined the network.`);
  }

  partition(groups: NodeId[][]): void {
    const text = groups.length > 1 ? `Network split: ${describeGroups(groups)}.` : 'Network healed.';
    this.act(() => this.controller.partition(groups), 'network', text);
  }

  /** Slow (or restore) both directions of a link: its own delay range overrides the network's. */
  setLinkDelay(a: NodeId, b: NodeId, delayMs: [number, number] | undefined): void {
    const text = delayMs === undefined ? `Link between node ${a} and node ${b} back to normal speed.` : `Link between node ${a} and node ${b} slowed to ${delayMs[0]} to ${delayMs[1]} ms.`;
    this.act(() => {
      this.controller.setLinkDelay(a, b, delayMs);
      this.controller.setLinkDelay(b, a, delayMs);
    }, 'network', text);
  }

  setLink(from: NodeId, to: NodeId, cut: boolean): void {
    this.act(() => this.controller.setLink(from, to, cut), 'network', `Link from node ${from} to node ${to} ${cut ? 'cut' : 'repaired'}.`);
  }

  heal(): void {
    this.act(() => this.controller.heal(), 'network', 'Network healed: every link is open.');
  }

  setNetwork(settings: Partial<NetworkSettings>): void {
    this.act(() => this.controller.setNetwork(settings));
  }

  setSpeed(speed: number): void {
    this.act(() => this.controller.setSpeed(speed));
  }

  togglePause(): void {
    if (this.snapshot.paused) this.act(() => this.controller.resume(), 'action', 'Resumed.');
    else this.act(() => this.controller.pause(), 'action', 'Paused. Step delivers one message at a time.');
  }

  /** Pauses if needed, then delivers the next message. */
  step(): void {
    this.act(() => {
      if (!this.snapshot.paused) this.controller.pause();
      if (!this.controller.step()) this.announcer.say('action', 'No message is in flight.');
    });
  }

  deliverNow(id: number): void {
    this.act(() => this.controller.deliverNow(id));
  }

  dropMessage(id: number): void {
    this.act(() => this.controller.dropMessage(id), 'action', 'Message dropped.');
  }

  /** Replaces the cluster; auto-writes pause for the swap and go on at the same rate on the new one. */
  async newCluster(nodes: NodeCount): Promise<void> {
    const rate = this.loadRate;
    this.setLoad(0);
    try {
      await this.controller.newCluster(nodes);
    } catch (error) {
      this.notice(`Could not start a new cluster: ${String(error)}`);
    }
    this.flights.clear();
    this.timeline.reset();
    this.metrics.reset();
    this.announcer.resetCommits();
    this.lastCommit = 0;
    this.pull(this.scheduler.now());
    this.seedHistory(this.scheduler.now());
    this.generation++;
    this.setLoad(rate);
    const writes = rate > 0 ? ` Auto-writes go on at ${rate} per second.` : '';
    this.announcer.say('action', `New cluster of ${nodes} nodes.${writes}`);
  }

  hasNode(id: number): boolean {
    return this.controller.snapshot().nodes.some((n) => n.id === id);
  }

  submit(command: KvCommand, options?: SubmitOptions): Promise<ConsoleReply> {
    const reply = this.controller.submit(command, options);
    void reply.then((r) => {
      if (command.op !== 'get' && command.op !== 'keys' && r.ok) this.metrics.recordLatency(this.scheduler.now(), r.latencyMs);
    }, () => undefined);
    return reply;
  }

  retryRequest(requestId: number): boolean {
    return this.controller.retryRequest(requestId);
  }

  cancelRequest(requestId: number): boolean {
    return this.controller.cancelRequest(requestId);
  }

  private act(run: () => void, kind?: Parameters<Announcer['say']>[0], text?: string): void {
    try {
      run();
      if (kind !== undefined && text !== undefined) this.announcer.say(kind, text);
    } catch (error) {
      this.notice(error instanceof Error ? error.message : String(error));
    }
    this.refresh();
  }

  // ---- The auto-writer ---------------------------------------------------------------------------

  /** Writes SET load:k<n> <n> at up to `rate` per second, one at a time, until set to 0. */
  setLoad(rate: number): void {
    this.loadRate = rate;
    this.loadError = '';
    const generation = ++this.loadGeneration;
    if (rate > 0) void this.runLoad(generation, rate);
  }

  private async runLoad(generation: number, rate: number): Promise<void> {
    let n = 0;
    while (generation === this.loadGeneration && !this.disposed) {
      const started = this.scheduler.now();
      n++;
      const reply = await this.submit({ op: 'set', key: `load:k${n % 20}`, value: String(n) });
      if (generation !== this.loadGeneration) return;
      if (!reply.ok) this.loadError = reply.error ?? reply.text;
      const wait = Math.max(0, 1000 / rate - (this.scheduler.now() - started));
      await new Promise((resolve) => this.scheduler.setTimer(() => resolve(undefined), wait));
    }
  }

  dispose(): void {
    this.disposed = true;
    this.loadGeneration++;
    if (this.frame !== undefined) this.scheduler.cancelFrame(this.frame);
    this.unsubscribe();
  }

  /** Drops history older than the timeline keeps. */
  pruneHistory(now: number): void {
    this.timeline.prune(now - HISTORY_KEEP_MS);
  }
}

function leaderOf(nodes: NodeView[]): NodeView | undefined {
  let best: NodeView | undefined;
  for (const n of nodes) if (n.role === 'leader' && (best === undefined || n.term > best.term)) best = n;
  return best;
}
