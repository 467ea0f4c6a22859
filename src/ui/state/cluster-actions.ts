/**
 * Everything the person can do to the cluster, in one place: each action goes to the controller,
 * is announced to screen readers, turns a refusal into a notice, and pulls a fresh snapshot so
 * the picture answers at once.
 */
import type { KvCommand } from '../../core/kv-types.ts';
import type { NodeId } from '../../core/types.ts';
import type { ClusterController, ConsoleReply, EntryView, NetworkSettings, NodeCount, ProtocolSwitches, SubmitOptions } from '../../runtime/cluster-api.ts';
import type { AnnouncementKind } from '../model/announcer.ts';
import { protocolNotes } from '../model/protocol-notes.ts';
import { compactedText } from '../model/snapshot-text.ts';
import { describeGroups } from '../model/topology.ts';
import type { LoadGenerator } from './load-generator.svelte.ts';
import type { Notices } from './notices.svelte.ts';
import type { RunHistory } from './run-history.svelte.ts';
import type { FrameScheduler, SnapshotFeed } from './snapshot-feed.svelte.ts';

export interface ActionDeps {
  controller: ClusterController;
  scheduler: FrameScheduler;
  feed: SnapshotFeed;
  notices: Notices;
  history: RunHistory;
  /** Paused while a new cluster replaces the old one. */
  load: LoadGenerator;
  /** Called after a new cluster replaced the old one (views drop what they drew). */
  onNewCluster: () => void;
}

export class ClusterActions {
  constructor(private readonly deps: ActionDeps) {}

  private get controller(): ClusterController {
    return this.deps.controller;
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
    const next = this.deps.feed.snapshot.config.protocol.preVote ? ' It asks for pre-votes first: its term rises only if a majority would vote for it.' : '';
    this.act(() => this.controller.forceTimeout(id), 'action', `Node ${id}'s election timer was forced to expire.${next}`);
  }

  /** The leader hands leadership to `id` (it catches `id` up, then tells it to campaign now). */
  transferLeadership(id: NodeId): void {
    this.act(() => this.controller.transferLeadership(id), 'action', `Leadership is being handed to node ${id}: writes wait until it leads.`);
  }

  /**
   * Node `id` snapshots now. Announced once its view shows the snapshot (from a worker that is a
   * view later), at the index it really took; a refusal becomes a notice, as for every action.
   */
  compact(id: NodeId): void {
    const before = this.deps.feed.node(id)?.snapshotIndex ?? 0;
    if (!this.act(() => this.controller.compact(id))) return;
    this.deps.notices.sayWhen('action', (snapshot) => {
      const index = snapshot.nodes.find((n) => n.id === id)?.snapshotIndex ?? 0;
      return index > before ? compactedText(id, index) : undefined;
    });
  }

  /**
   * A new node joins as a learner; announced again when the leader has promoted it (it caught up).
   */
  addNode(): void {
    let id = 0;
    if (!this.act(() => (id = this.controller.addNode()), 'node',
      'A new node joins as a learner: it receives the log (or a snapshot) but has no vote until it has caught up; then the leader promotes it.')) return;
    this.deps.notices.sayWhen('node', (snapshot) => {
      const node = snapshot.nodes.find((n) => n.id === id);
      return node?.committedConfiguration?.voters.includes(id) === true ? `Node ${id} caught up and is a voter now.` : undefined;
    });
  }

  /** `id` leaves the cluster once the change commits (a leader steps down then). */
  removeNode(id: NodeId): void {
    const leader = this.deps.feed.node(id)?.role === 'leader';
    const text = leader
      ? `Node ${id}, the leader, is removing itself: it leads until the change commits, without counting its own vote, then steps down and the others elect a leader.`
      : `Node ${id} is being removed: once the change commits it is out of the cluster and hears nothing more.`;
    this.act(() => this.controller.removeNode(id), 'node', text);
  }

  /** One node's clock runs fast or slow (1 = true time). */
  setClockRate(id: NodeId, rate: number): void {
    const text = rate === 1 ? `Node ${id}'s clock keeps true time again.` : `Node ${id}'s clock now runs at ${rate} times true time.`;
    this.act(() => this.controller.setClockRate(id, rate), 'action', text);
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
    if (this.deps.feed.snapshot.paused) this.act(() => this.controller.resume(), 'action', 'Resumed.');
    else this.act(() => this.controller.pause(), 'action', 'Paused. Step delivers one message at a time.');
  }

  /** Pauses if needed, then delivers the next message. */
  step(): void {
    this.act(() => {
      if (!this.deps.feed.snapshot.paused) this.controller.pause();
      if (!this.controller.step()) this.deps.notices.say('action', 'No message is in flight.');
    });
  }

  deliverNow(id: number): void {
    this.act(() => this.controller.deliverNow(id));
  }

  dropMessage(id: number): void {
    this.act(() => this.controller.dropMessage(id), 'action', 'Message dropped.');
  }

  /** Replaces the cluster; auto-writes pause for the swap and go on at the same rate on the new one. */
  async newCluster(nodes: NodeCount, protocol?: ProtocolSwitches): Promise<void> {
    const load = this.deps.load;
    const rate = load.rate;
    load.setRate(0);
    try {
      await this.controller.newCluster(nodes, protocol);
    } catch (error) {
      this.deps.notices.notice(`Could not start a new cluster: ${String(error)}`);
    }
    this.deps.onNewCluster();
    load.setRate(rate);
    const writes = rate > 0 ? ` Auto-writes go on at ${rate} per second.` : '';
    const off = protocolNotes(this.deps.feed.snapshot.config.protocol);
    this.deps.notices.say('action', `New cluster of ${nodes} nodes${off.length > 0 ? ` (${off.join(', ')})` : ''}.${writes}`);
  }

  /** A console command (or an auto-write); committed writes' latency goes to the chart. */
  submit(command: KvCommand, options?: SubmitOptions): Promise<ConsoleReply> {
    const reply = this.controller.submit(command, options);
    void reply.then((r) => {
      if (command.op !== 'get' && command.op !== 'keys' && r.ok) this.deps.history.recordLatency(this.deps.scheduler.now(), r.latencyMs);
    }, () => undefined);
    return reply;
  }

  retryRequest(requestId: number): boolean {
    return this.controller.retryRequest(requestId);
  }

  cancelRequest(requestId: number): boolean {
    return this.controller.cancelRequest(requestId);
  }

  readLog(id: NodeId, from: number, to: number): Promise<EntryView[]> {
    return this.controller.readLog(id, from, to);
  }

  /** Runs the action; false when it was refused (the reason is shown as a notice). */
  private act(run: () => void, kind?: AnnouncementKind, text?: string): boolean {
    let done = true;
    try {
      run();
      if (kind !== undefined && text !== undefined) this.deps.notices.say(kind, text);
    } catch (error) {
      done = false;
      this.deps.notices.notice(error instanceof Error ? error.message : String(error));
    }
    this.deps.feed.refresh();
    return done;
  }
}
