/**
 * Fault schedules for the fuzzer: a seeded, endless sequence of fault episodes.
 *
 * An episode starts after a quiet gap, breaks something (crashes, a partition, bad network
 * weather, or several at once), and ends by putting everything right again: heal, restart every
 * crashed node, default network. Episodes never overlap, so the end of one cannot undo half of
 * the next, and the cluster always gets a chance to recover in between.
 *
 * Targets are mostly concrete node ids drawn from the seed; "the leader" is resolved when the
 * step runs (the simulation is deterministic, so that is deterministic too). The schedule is a
 * pure function of (seed, options): the same seed always yields the same steps.
 */
import { assert, unreachable } from '../core/assert.ts';
import type { NodeId } from '../core/types.ts';
import { DEFAULT_NETWORK, type NetworkOptions } from '../sim/network.ts';
import { SeededRng, deriveSeed } from '../core/rng.ts';

export const FAULT_KINDS = ['crash', 'partition', 'drop', 'duplicate', 'delay', 'drift', 'transfer', 'compact', 'membership'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(name: string): name is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(name);
}

/** What one step does to the cluster. */
export type FaultAction =
  | { kind: 'crash'; nodes: NodeId[] }
  | { kind: 'crash-leader' }
  | { kind: 'restart'; nodes: NodeId[] }
  /** Restart every crashed node. */
  | { kind: 'restart-all' }
  | { kind: 'partition'; groups: NodeId[][] }
  | { kind: 'isolate-leader' }
  /** Cut every link to and from the node (clients still reach it). */
  | { kind: 'isolate'; node: NodeId }
  /** One-way cuts: each [from, to] link loses every message from `from` to `to`. */
  | { kind: 'cut'; links: [NodeId, NodeId][] }
  | { kind: 'heal' }
  | { kind: 'network'; network: NetworkOptions }
  /** Until `untilMs`: crash and restart the voters of contested elections (see fuzz-bounce-voters.ts). */
  | { kind: 'bounce-voters'; untilMs: number; afterVoteMs: number }
  /** Until `untilMs`: play Raft's Figure 8 with partitions and crashes (see fuzz-figure8.ts). */
  | { kind: 'figure-8'; untilMs: number; writeMs: number; partners: NodeId[] }
  /** Until `untilMs`: all nodes crash the moment the leader applies an entry (see fuzz-power-loss.ts). */
  | { kind: 'power-loss'; untilMs: number; othersBackMs: number; leaderBackMs: number }
  /** One node's clock runs at `rate` times true time. */
  | { kind: 'clock'; node: NodeId; rate: number }
  /** Every clock keeps true time again. */
  | { kind: 'clocks-true' }
  /** The leader hands leadership to `to` (nothing when there is no leader or `to` leads). */
  | { kind: 'transfer-leadership'; to: NodeId }
  /** A new node joins as a learner (nothing when a change is in progress or the cluster is full). */
  | { kind: 'add-node' }
  /** `node` ('leader': whoever leads) leaves the cluster (nothing when refused, or it would leave fewer than 3 voters). */
  | { kind: 'remove-node'; node: NodeId | 'leader' }
  /**
   * A partition drawn around the leader's newest configuration: the leader with the smallest
   * majority of it ('new-majority'), or with its learners and one voter short of a majority
   * ('one-short'); everyone else on the other side. Right after a membership change, that is
   * where a change made too early, or a learner counted as a voter, lets two sides commit.
   */
  | { kind: 'split-around-leader'; side: 'new-majority' | 'one-short' }
  /** Node `node` snapshots now and drops the entries it covers (nothing when it is down or has nothing new). */
  | { kind: 'compact'; node: NodeId };

export interface FaultStep {
  atMs: number;
  action: FaultAction;
}

export interface FaultScheduleOptions {
  nodes: number;
  faults: readonly FaultKind[];
  /** [min, max] quiet virtual ms between episodes. */
  gapMs: [number, number];
  /** [min, max] virtual ms an episode lasts. */
  episodeMs: [number, number];
  /** The simulated disk's slowest write: bounce-voters waits past it to catch votes never made durable. */
  diskLatencyMaxMs: number;
}

/** Choreographies need time: Figure 8 takes three elections, a power loss one and a restart. */
const MIN_EPISODE_MS: Partial<Record<EpisodeKind, number>> = { 'figure-8': 1500, 'power-loss': 1000 };

export const DEFAULT_FAULT_TIMING: Pick<FaultScheduleOptions, 'gapMs' | 'episodeMs' | 'diskLatencyMaxMs'> = {
  diskLatencyMaxMs: 15,
  gapMs: [50, 400],
  episodeMs: [100, 1200],
};

/** The endless schedule. `until(ms)` hands out the steps due up to `ms`, in time order. */
export class FaultSchedule {
  private readonly rng: SeededRng;
  private readonly pending: FaultStep[] = [];
  private plannedUntilMs = 0;

  constructor(
    readonly seed: number,
    readonly options: FaultScheduleOptions,
  ) {
    assert(options.nodes >= 1, 'a schedule needs nodes');
    for (const kind of options.faults) assert(isFaultKind(kind), `unknown fault kind ${String(kind)}`);
    assert(options.gapMs[0] >= 1 && options.gapMs[1] >= options.gapMs[0], 'gapMs is [min, max] with 1 <= min <= max');
    assert(options.episodeMs[0] >= 1 && options.episodeMs[1] >= options.episodeMs[0], 'episodeMs is [min, max] with 1 <= min <= max');
    this.rng = new SeededRng(deriveSeed(seed, 7001));
  }

  /** Removes and returns the steps at or before `nowMs`. */
  until(nowMs: number): FaultStep[] {
    while (this.plannedUntilMs <= nowMs && this.options.faults.length > 0) this.planEpisode();
    const due: FaultStep[] = [];
    while (this.pending.length > 0 && this.pending[0]!.atMs <= nowMs) due.push(this.pending.shift()!);
    return due;
  }

  /** The first `count` episodes' steps, for tests and for printing a schedule. */
  preview(count: number): FaultStep[] {
    const fresh = new FaultSchedule(this.seed, this.options);
    for (let k = 0; k < count && this.options.faults.length > 0; k++) fresh.planEpisode();
    return fresh.pending;
  }

  private planEpisode(): void {
    const { gapMs, episodeMs } = this.options;
    const startMs = this.plannedUntilMs + this.rng.int(gapMs[0], gapMs[1]);
    const kind = this.rng.pick(episodeKinds(this.options.faults));
    const durationMs = Math.max(this.rng.int(episodeMs[0], episodeMs[1]), MIN_EPISODE_MS[kind] ?? 0);
    const endMs = startMs + durationMs;
    const steps = planEpisodeSteps(kind, this.rng, this.options, startMs, endMs);
    assert(steps.every((s) => s.atMs >= startMs && s.atMs <= endMs), 'an episode stays within its time');
    const restore: FaultAction[] = [{ kind: 'heal' }, { kind: 'restart-all' }, { kind: 'network', network: { ...DEFAULT_NETWORK } }];
    if (this.options.faults.includes('drift')) restore.push({ kind: 'clocks-true' });
    for (const action of restore) steps.push({ atMs: endMs, action });
    steps.sort((a, b) => a.atMs - b.atMs);
    this.pending.push(...steps);
    this.plannedUntilMs = endMs;
  }
}

/** The shapes an episode can take; which are possible depends on the enabled fault kinds. */
type EpisodeKind =
  | 'crash-leader'
  | 'crash-some'
  | 'crash-churn'
  | 'election-crashes'
  | 'power-loss'
  | 'split'
  | 'isolate-leader'
  | 'one-way'
  | 'partition-churn'
  | 'figure-8'
  | 'weather'
  | 'drift'
  | 'transfers'
  | 'reconfigure'
  | 'compactions';

function episodeKinds(faults: readonly FaultKind[]): EpisodeKind[] {
  const kinds: EpisodeKind[] = [];
  if (faults.includes('crash')) kinds.push('crash-leader', 'crash-some', 'crash-churn', 'election-crashes', 'power-loss');
  if (faults.includes('partition')) kinds.push('split', 'isolate-leader', 'one-way', 'partition-churn');
  if (faults.includes('partition') && faults.includes('crash')) kinds.push('figure-8');
  if (hasWeather(faults)) kinds.push('weather');
  if (faults.includes('drift')) kinds.push('drift');
  if (faults.includes('transfer')) kinds.push('transfers');
  if (faults.includes('membership')) kinds.push('reconfigure');
  if (faults.includes('compact')) kinds.push('compactions');
  return kinds;
}

function hasWeather(faults: readonly FaultKind[]): boolean {
  return faults.includes('drop') || faults.includes('duplicate') || faults.includes('delay');
}

interface EpisodeContext {
  rng: SeededRng;
  nodes: number;
  diskLatencyMaxMs: number;
  faults: readonly FaultKind[];
  startMs: number;
  endMs: number;
}

/** One episode's steps between startMs and endMs (the caller appends the restoring steps). */
function planEpisodeSteps(first: EpisodeKind, rng: SeededRng, o: FaultScheduleOptions, startMs: number, endMs: number): FaultStep[] {
  const kinds = episodeKinds(o.faults);
  const ctx: EpisodeContext = { rng, nodes: o.nodes, diskLatencyMaxMs: o.diskLatencyMaxMs, faults: o.faults, startMs, endMs };
  const steps = planShape(first, ctx);
  // Faults combine in real outages: a crash during a partition is how Figure 8 happens.
  if (kinds.length > 1 && first !== 'figure-8' && rng.chance(0.3)) {
    const second = rng.pick(kinds.filter((k) => k !== first && k !== 'figure-8'));
    steps.push(...planShape(second, { ...ctx, startMs: startMs + rng.int(0, 100) }));
  }
  if (first !== 'weather' && hasWeather(o.faults) && rng.chance(0.5)) steps.push(...planShape('weather', ctx));
  // Compactions during crashes and partitions leave followers behind the leader's snapshot: InstallSnapshot.
  if (first !== 'compactions' && o.faults.includes('compact') && rng.chance(0.5)) steps.push(...planShape('compactions', ctx));
  // Elections follow most faults, and the end of every episode; crashing their voters finds vote bugs.
  if (first !== 'election-crashes' && o.faults.includes('crash')) steps.push({ atMs: startMs, action: bounceVoters(ctx, endMs + AFTERMATH_MS) });
  return steps.map((step) => ({ ...step, atMs: Math.min(step.atMs, endMs) }));
}

function planShape(kind: EpisodeKind, ctx: EpisodeContext): FaultStep[] {
  const { rng, nodes, startMs: atMs } = ctx;
  switch (kind) {
    case 'crash-leader':
      return planCrashLeader(ctx);
    case 'crash-some':
      return planCrashSome(ctx);
    case 'crash-churn':
      return planCrashChurn(ctx);
    case 'election-crashes':
      return planElectionCrashes(ctx);
    case 'power-loss':
      return [{ atMs, action: { kind: 'power-loss', untilMs: ctx.endMs, othersBackMs: rng.int(1, 50), leaderBackMs: rng.int(300, 800) } }];
    case 'split':
      return [{ atMs, action: { kind: 'partition', groups: randomSplit(rng, nodes) } }];
    case 'isolate-leader':
      return [{ atMs, action: { kind: 'isolate-leader' } }];
    case 'one-way':
      return [{ atMs, action: { kind: 'cut', links: randomLinks(rng, nodes) } }];
    case 'partition-churn':
      return planPartitionChurn(ctx);
    case 'figure-8':
      return [{ atMs, action: { kind: 'figure-8', untilMs: ctx.endMs, writeMs: rng.int(20, 120), partners: shuffled(rng, allNodes(nodes)) } }];
    case 'weather':
      return [{ atMs, action: { kind: 'network', network: randomWeather(rng, ctx.faults) } }];
    case 'drift':
      return planDrift(ctx);
    case 'transfers':
      return planTransfers(ctx);
    case 'reconfigure':
      return planReconfigure(ctx);
    case 'compactions':
      return planCompactions(ctx);
    default:
      return unreachable(kind);
  }
}

/**
 * Clocks that drift apart: one or two nodes run fast or slow, within MAX_FUZZ_DRIFT of true time.
 * That is inside Raft's default maxClockDrift, so even lease reads must stay linearizable: drift
 * past the bound is a lesson (src/sim/lease.test.ts), not a bug.
 */
function planDrift({ rng, nodes, startMs }: EpisodeContext): FaultStep[] {
  const drifting = shuffled(rng, allNodes(nodes)).slice(0, rng.int(1, Math.min(2, nodes)));
  return drifting.map((node) => ({ atMs: startMs, action: { kind: 'clock', node, rate: 1 + (rng.int(-MAX_FUZZ_DRIFT_PERMILLE, MAX_FUZZ_DRIFT_PERMILLE) / 1000) } }));
}

/** Up to 10% fast or slow, in thousandths (a whole number keeps schedules printable). */
const MAX_FUZZ_DRIFT_PERMILLE = 90;

/** Leadership handed around: one to three transfers to random nodes during the episode. */
function planTransfers({ rng, nodes, startMs, endMs }: EpisodeContext): FaultStep[] {
  const steps: FaultStep[] = [];
  for (let k = rng.int(1, 3), t = startMs; k > 0 && t <= endMs; k--, t += rng.int(20, 300)) {
    steps.push({ atMs: t, action: { kind: 'transfer-leadership', to: rng.int(1, nodes) } });
  }
  return steps;
}

/**
 * Membership changes: a node joins and (later, or at once) one leaves, maybe the leader; half
 * the time a second change follows within a few milliseconds, which the leader must refuse
 * while the first is uncommitted. Node ids of later joiners go past the original ones.
 */
function planReconfigure(ctx: EpisodeContext): FaultStep[] {
  const { rng, nodes, startMs, endMs } = ctx;
  const removal = (): FaultAction => ({ kind: 'remove-node', node: rng.chance(0.3) ? 'leader' : rng.int(1, nodes + 2) });
  const shape = rng.int(0, 2);
  if (shape === 0) {
    // Two removals in a row, then the leader's side is cut down to a majority of the newest configuration.
    const t = startMs + rng.int(0, 2);
    return [
      { atMs: startMs, action: { kind: 'remove-node', node: rng.int(1, nodes) } },
      { atMs: t, action: { kind: 'remove-node', node: rng.int(1, nodes) } },
      { atMs: t + rng.int(0, 3), action: { kind: 'split-around-leader', side: 'new-majority' } },
    ];
  }
  if (shape === 1) {
    // A node joins, and before it is promoted the leader is left with it and too few voters.
    return [
      { atMs: startMs, action: { kind: 'add-node' } },
      { atMs: startMs + rng.int(0, 5), action: { kind: 'split-around-leader', side: 'one-short' } },
    ];
  }
  const steps: FaultStep[] = [];
  const first: FaultAction = rng.chance(0.5) ? { kind: 'add-node' } : removal();
  steps.push({ atMs: startMs, action: first });
  if (rng.chance(0.5)) steps.push({ atMs: startMs + rng.int(0, 5), action: first.kind === 'add-node' ? removal() : { kind: 'add-node' } });
  steps.push({ atMs: rng.int(startMs, endMs), action: first.kind === 'add-node' ? removal() : { kind: 'add-node' } });
  return steps;
}

/**
 * One to four nodes compact at random moments of the episode, on top of the snapshot threshold:
 * snapshots at odd indexes, on leaders and followers, while others are down or cut off.
 */
function planCompactions({ rng, nodes, startMs, endMs }: EpisodeContext): FaultStep[] {
  const steps: FaultStep[] = [];
  for (let k = rng.int(1, 4); k > 0; k--) steps.push({ atMs: rng.int(startMs, endMs), action: { kind: 'compact', node: rng.int(1, nodes) } });
  return steps;
}

/** The leader crashes, comes back after a while, and (sometimes) the next leader does too. */
function planCrashLeader({ rng, startMs, endMs }: EpisodeContext): FaultStep[] {
  const steps: FaultStep[] = [];
  for (let t = startMs; t < endMs; t += rng.int(50, 500)) {
    steps.push({ atMs: t, action: { kind: 'crash-leader' } });
    steps.push({ atMs: t + rng.int(5, 400), action: { kind: 'restart-all' } });
    if (rng.chance(0.5)) break;
  }
  return steps;
}

/**
 * Leaders crash one after another, messages are slow (so elections overlap and vote requests
 * arrive late), and followers that vote in a contested election are bounced right after voting.
 */
function planElectionCrashes(ctx: EpisodeContext): FaultStep[] {
  const { rng, startMs, endMs } = ctx;
  const steps: FaultStep[] = [{ atMs: startMs, action: bounceVoters(ctx, endMs + AFTERMATH_MS) }];
  if (ctx.faults.includes('delay')) steps.push({ atMs: startMs, action: { kind: 'network', network: { ...DEFAULT_NETWORK, delayMs: [0, rng.int(20, 100)] } } });
  for (let t = startMs; t < endMs; t += rng.int(100, 300)) {
    steps.push({ atMs: t, action: { kind: 'crash-leader' } });
    steps.push({ atMs: t + rng.int(5, 50), action: { kind: 'restart-all' } });
  }
  return steps;
}

/** The elections right after an episode ends (everything restarts at once) are the most contested. */
const AFTERMATH_MS = 300;

/** Half the time right after the vote (before it can be durable), else just past the disk latency. */
function bounceVoters({ rng, diskLatencyMaxMs }: EpisodeContext, untilMs: number): FaultAction {
  return { kind: 'bounce-voters', untilMs, afterVoteMs: rng.chance(0.5) ? 0 : diskLatencyMaxMs + rng.int(1, 5) };
}

/** Several nodes at once: a minority, a majority (no quorum) or all; restarts staggered or not. */
function planCrashSome({ rng, nodes, startMs, endMs }: EpisodeContext): FaultStep[] {
  const roll = rng.int(0, 2);
  const count = roll === 0 ? rng.int(1, Math.max(1, minorityMax(nodes))) : roll === 1 ? rng.int(minorityMax(nodes) + 1, nodes) : nodes;
  const victims = shuffled(rng, allNodes(nodes)).slice(0, count);
  const steps: FaultStep[] = [{ atMs: startMs, action: { kind: 'crash', nodes: victims } }];
  const together = rng.chance(0.5);
  const togetherMs = rng.int(startMs + 1, endMs);
  for (const id of victims) {
    steps.push({ atMs: together ? togetherMs : rng.int(startMs + 1, endMs), action: { kind: 'restart', nodes: [id] } });
  }
  return steps;
}

/** Quick crash-restart cycles of random nodes: elections and persistence get interrupted. */
function planCrashChurn({ rng, nodes, startMs, endMs }: EpisodeContext): FaultStep[] {
  const steps: FaultStep[] = [];
  for (let t = startMs; t < endMs; t += rng.int(5, 80)) {
    const id = rng.int(1, nodes);
    steps.push({ atMs: t, action: { kind: 'crash', nodes: [id] } });
    steps.push({ atMs: t + rng.int(1, 100), action: { kind: 'restart', nodes: [id] } });
  }
  return steps;
}

/** A new random split every little while: leaders come and go on both sides. */
function planPartitionChurn({ rng, nodes, startMs, endMs }: EpisodeContext): FaultStep[] {
  const steps: FaultStep[] = [];
  for (let t = startMs; t < endMs; t += rng.int(50, 300)) {
    steps.push({ atMs: t, action: { kind: 'partition', groups: randomSplit(rng, nodes) } });
  }
  return steps;
}

/** Majority and minority, or (sometimes) three groups where nobody has a majority. */
function randomSplit(rng: SeededRng, nodes: number): NodeId[][] {
  const order = shuffled(rng, allNodes(nodes));
  if (nodes < 2) return [order];
  const minority = rng.int(1, Math.max(1, minorityMax(nodes)));
  if (nodes >= 3 && rng.chance(0.2)) {
    const second = rng.int(minority + 1, nodes - 1);
    return [order.slice(0, minority), order.slice(minority, second), order.slice(second)];
  }
  return [order.slice(0, minority), order.slice(minority)];
}

/** A few one-way link cuts: a node that hears but is not heard, or the reverse. */
function randomLinks(rng: SeededRng, nodes: number): [NodeId, NodeId][] {
  const links: [NodeId, NodeId][] = [];
  if (nodes < 2) return links;
  const count = rng.int(1, nodes);
  for (let k = 0; k < count; k++) {
    const from = rng.int(1, nodes);
    const to = 1 + ((from - 1 + rng.int(1, nodes - 1)) % nodes);
    links.push([from, to]);
  }
  return links;
}

/** Bad network weather from the enabled kinds; wide delays also reorder messages. */
function randomWeather(rng: SeededRng, faults: readonly FaultKind[]): NetworkOptions {
  const network: NetworkOptions = { ...DEFAULT_NETWORK };
  if (faults.includes('drop') && rng.chance(0.7)) network.dropRate = rng.int(2, 30) / 100;
  if (faults.includes('duplicate') && rng.chance(0.7)) network.duplicateRate = rng.int(2, 30) / 100;
  if (faults.includes('delay') && rng.chance(0.7)) network.delayMs = [rng.int(0, 2), rng.int(20, 150)];
  return network;
}

function minorityMax(nodes: number): number {
  return Math.floor((nodes - 1) / 2);
}

function allNodes(nodes: number): NodeId[] {
  return Array.from({ length: nodes }, (_, k) => k + 1);
}

function shuffled<T>(rng: SeededRng, items: T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** One line per step, for failure reports. */
export function describeFaultStep(step: FaultStep): string {
  const a = step.action;
  const what = a.kind === 'crash' || a.kind === 'restart' ? `${a.kind} ${a.nodes.join(',')}`
    : a.kind === 'partition' ? `partition ${a.groups.map((g) => g.join(',')).join(' | ')}`
    : a.kind === 'cut' ? `cut ${a.links.map(([f, t]) => `${f}->${t}`).join(' ')}`
    : a.kind === 'network' ? `network drop=${a.network.dropRate} dup=${a.network.duplicateRate} delay=${a.network.delayMs.join('-')}ms`
    : a.kind === 'isolate' ? `isolate ${a.node}`
    : a.kind === 'compact' ? `compact ${a.node}`
    : a.kind === 'bounce-voters' ? `bounce voters of contested elections ${a.afterVoteMs} ms after they vote, until ${a.untilMs} ms`
    : a.kind === 'power-loss' ? `power loss after the next commit (others back after ${a.othersBackMs} ms, leader after ${a.leaderBackMs} ms), until ${a.untilMs} ms`
    : a.kind === 'figure-8' ? `figure 8 (partners ${a.partners.join(',')}, ${a.writeMs} ms of writes), until ${a.untilMs} ms`
    : a.kind === 'remove-node' ? `remove node ${a.node}`
    : a.kind === 'split-around-leader' ? `split around the leader (${a.side})`
    : a.kind;
  return `${String(step.atMs).padStart(7)} ms  ${what}`;
}
