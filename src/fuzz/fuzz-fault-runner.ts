/**
 * Carries out a fault schedule on a Simulation: applies each step when it falls due and keeps
 * the standing watches (bounce-voters) going between steps. Everything it does is recorded as
 * concrete steps ("crash 3" rather than "crash the leader"), so a failure report shows what
 * actually happened.
 */
import { unreachable } from '../core/assert.ts';
import type { NodeStatus } from '../raft/node.ts';
import type { Configuration, NodeId, Role } from '../core/types.ts';
import type { FaultAction, FaultSchedule, FaultStep } from './faults.ts';
import { BounceVoters } from './fuzz-bounce-voters.ts';
import { NO_ACTIONS, type EventWatch } from './fuzz-event-watch.ts';
import { Figure8 } from './fuzz-figure8.ts';
import { PowerLoss } from './fuzz-power-loss.ts';
import type { NetworkOptions } from '../sim/network.ts';
import type { Simulation } from '../sim/simulation.ts';

/** The part of the Simulation a fault schedule drives. */
export interface FaultTarget {
  readonly nodeIds: readonly NodeId[];
  leader(): NodeId | undefined;
  nodeStatus(id: NodeId): NodeStatus | undefined;
  roleOf(id: NodeId): Role | undefined;
  termOf(id: NodeId): number;
  crash(id: NodeId): void;
  restart(id: NodeId): void;
  partition(groups: NodeId[][]): void;
  isolate(id: NodeId): void;
  cutLink(from: NodeId, to: NodeId): void;
  heal(): void;
  setNetwork(options: Partial<NetworkOptions>): void;
  setClockRate(id: NodeId, rate: number): void;
  /** Throws when it cannot start (no leader, `to` leads already). */
  transferLeadership(to: NodeId): void;
  /** Membership: each throws (changing nothing) when refused. */
  addNode(): NodeId;
  removeNode(id: NodeId): void;
  configuration(): Configuration;
  /** The configuration node `id` acts on (its newest, committed or not); undefined when down. */
  activeConfiguration(id: NodeId): Configuration | undefined;
  /** Throws when it cannot (the node is down, or applied nothing since its last snapshot). */
  compact(id: NodeId): void;
}

/** Removals stop here: fewer voters would leave the fault schedules little to break. */
const MIN_FUZZ_VOTERS = 3;

/** The Simulation as a FaultTarget. */
export function faultTargetOf(sim: Simulation): FaultTarget {
  return {
    get nodeIds() {
      return sim.nodeIds; // grows when a node is added
    },
    leader: () => sim.leader(),
    nodeStatus: (id) => sim.node(id)?.status(),
    roleOf: (id) => sim.node(id)?.raft.role,
    termOf: (id) => sim.node(id)?.raft.term ?? 0,
    crash: (id) => sim.crash(id),
    restart: (id) => sim.restart(id),
    partition: (groups) => sim.partition(groups),
    isolate: (id) => sim.isolate(id),
    cutLink: (from, to) => sim.cutLink(from, to),
    heal: () => sim.heal(),
    setNetwork: (options) => sim.setNetwork(options),
    setClockRate: (id, rate) => sim.setClockRate(id, rate),
    transferLeadership: (to) => sim.transferLeadership(to),
    addNode: () => sim.addNode(),
    removeNode: (id) => sim.removeNode(id),
    configuration: () => sim.configuration(),
    activeConfiguration: (id) => sim.node(id)?.raft.configuration(),
    compact: (id) => sim.compact(id),
  };
}

export class FaultRunner {
  /** What was done, in order, with dynamic targets resolved. */
  readonly applied: FaultStep[] = [];
  /** Choreographies that look at the cluster after every event. */
  private watches: EventWatch[] = [];
  /** Actions a watch found due after an event, applied by react(). */
  private due: readonly FaultAction[] = NO_ACTIONS;

  constructor(
    private readonly sim: FaultTarget,
    private readonly schedule: FaultSchedule | undefined,
  ) {}

  /** Applies the steps due at `nowMs`. */
  step(nowMs: number): void {
    for (const step of this.schedule?.until(nowMs) ?? []) this.apply(nowMs, step.action);
  }

  /** True while a watch needs to look at the cluster after every event (see reactionDue). */
  watchesEvents(): boolean {
    if (this.watches.some((w) => w.done)) this.watches = this.watches.filter((w) => !w.done);
    return this.watches.length > 0;
  }

  /** Called after every event while watchesEvents(): true when something must happen now. */
  reactionDue(nowMs: number): boolean {
    for (let k = 0; k < this.watches.length && this.due.length === 0; k++) this.due = this.watches[k]!.react(nowMs);
    return this.due.length > 0;
  }

  /** Applies what reactionDue found. */
  react(nowMs: number): void {
    const due = this.due;
    this.due = NO_ACTIONS;
    for (const action of due) this.apply(nowMs, action);
  }

  /** Applies one action now (also used to heal at the end of a run). */
  apply(nowMs: number, action: FaultAction): void {
    const record = (a: FaultAction): void => void this.applied.push({ atMs: nowMs, action: a });
    const sim = this.sim;
    switch (action.kind) {
      case 'crash-leader':
        return this.withLeader((id) => this.apply(nowMs, { kind: 'crash', nodes: [id] }));
      case 'isolate-leader':
        return this.withLeader((id) => this.apply(nowMs, { kind: 'isolate', node: id }));
      case 'restart-all': {
        const down = sim.nodeIds.filter((id) => sim.nodeStatus(id) === undefined);
        return down.length === 0 ? undefined : this.apply(nowMs, { kind: 'restart', nodes: down });
      }
      case 'crash':
        action.nodes.forEach((id) => sim.crash(id));
        return record(action);
      case 'restart':
        action.nodes.forEach((id) => sim.restart(id));
        return record(action);
      case 'partition':
        sim.partition(action.groups);
        return record(action);
      case 'isolate':
        sim.isolate(action.node);
        return record(action);
      case 'cut':
        action.links.forEach(([from, to]) => sim.cutLink(from, to));
        return record(action);
      case 'heal':
        sim.heal();
        return record(action);
      case 'network':
        sim.setNetwork(action.network);
        return record(action);
      case 'bounce-voters':
        this.watches.push(new BounceVoters(action, sim));
        return record(action);
      case 'figure-8':
        this.watches.push(new Figure8(action, sim));
        return record(action);
      case 'power-loss':
        this.watches.push(new PowerLoss(action, sim));
        return record(action);
      case 'clock':
        sim.setClockRate(action.node, action.rate);
        return record(action);
      case 'clocks-true':
        sim.nodeIds.forEach((id) => sim.setClockRate(id, 1));
        return record(action);
      case 'transfer-leadership':
        try {
          sim.transferLeadership(action.to);
        } catch {
          return; // no leader right now, or `to` already leads: nothing happened
        }
        return record(action);
      case 'add-node':
        try {
          sim.addNode();
        } catch {
          return; // refused (a change in progress, no leader, full): nothing happened
        }
        return record(action);
      case 'remove-node': {
        const id = action.node === 'leader' ? sim.leader() : action.node;
        if (id === undefined || sim.configuration().voters.length <= MIN_FUZZ_VOTERS) return;
        try {
          sim.removeNode(id);
        } catch {
          return; // refused or not a node: nothing happened
        }
        return record({ kind: 'remove-node', node: id });
      }
      case 'split-around-leader':
        return this.withLeader((id) => {
          const groups = splitAroundLeader(id, sim.activeConfiguration(id)!, sim.nodeIds, action.side);
          this.apply(nowMs, { kind: 'partition', groups });
        });
      case 'compact':
        return compacted(sim, action.node) ? record(action) : undefined;
      default:
        return unreachable(action);
    }
  }

  /** No leader at that moment (an election is under way): the step does nothing. */
  private withLeader(run: (id: NodeId) => void): void {
    const id = this.sim.leader();
    if (id !== undefined) run(id);
  }
}

/** The two sides of a split-around-leader step (see faults.ts). */
export function splitAroundLeader(leader: NodeId, config: Configuration, nodeIds: readonly NodeId[], side: 'new-majority' | 'one-short'): NodeId[][] {
  const others = config.voters.filter((v) => v !== leader);
  const majority = Math.floor(config.voters.length / 2) + 1;
  const withLeader = side === 'new-majority'
    ? [leader, ...others.slice(0, majority - 1)]
    : [leader, ...config.learners, ...others.slice(0, Math.max(0, majority - 2))];
  return [withLeader, nodeIds.filter((id) => !withLeader.includes(id))];
}

/** Compacts node `id`; false when it refused (down, or nothing applied since its last snapshot). */
function compacted(sim: FaultTarget, id: NodeId): boolean {
  try {
    sim.compact(id);
    return true;
  } catch (error) {
    if (error instanceof Error && /is down|cannot compact/.test(error.message)) return false;
    throw error;
  }
}
