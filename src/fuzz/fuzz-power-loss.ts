/**
 * Power loss right after a commit: the moment the leader applies a new entry (and so has
 * answered a client), every node loses power. The others come back soon and elect a leader
 * among themselves; the old leader comes back only later.
 *
 * With the correct protocol the entry was durable on a majority before the leader counted it,
 * so whoever wins has it. A node that acknowledged an append before it was durable has lost it
 * in the crash, and the entry the client was told about can be gone: the invariants see a new
 * leader without a committed entry.
 */
import { assert, unreachable } from '../core/assert.ts';
import type { NodeId } from '../core/types.ts';
import type { FaultAction } from './faults.ts';
import { NO_ACTIONS, type ClusterView, type EventWatch } from './fuzz-event-watch.ts';

export interface PowerLossPlan {
  untilMs: number;
  /** Virtual ms after the crash when every node but the old leader restarts. */
  othersBackMs: number;
  /** Virtual ms after the crash when the old leader restarts. */
  leaderBackMs: number;
}

type Phase =
  | { name: 'await-leader' }
  | { name: 'await-apply'; leader: NodeId; term: number; appliedIndex: number }
  | { name: 'down'; leader: NodeId; crashedMs: number }
  | { name: 'others-back'; leader: NodeId; crashedMs: number }
  | { name: 'done' };

export class PowerLoss implements EventWatch {
  private phase: Phase = { name: 'await-leader' };

  constructor(
    private readonly plan: PowerLossPlan,
    private readonly cluster: ClusterView,
  ) {
    assert(plan.othersBackMs >= 0 && plan.leaderBackMs > plan.othersBackMs, 'the others come back before the old leader');
  }

  get done(): boolean {
    return this.phase.name === 'done';
  }

  react(nowMs: number): readonly FaultAction[] {
    // Past the episode's end the schedule heals and restarts everything anyway.
    if (nowMs >= this.plan.untilMs && !this.done) this.phase = { name: 'done' };
    const phase = this.phase;
    switch (phase.name) {
      case 'await-leader':
        return this.awaitLeader();
      case 'await-apply':
        return this.awaitApply(phase, nowMs);
      case 'down':
        if (nowMs < phase.crashedMs + this.plan.othersBackMs) return NO_ACTIONS;
        this.phase = { name: 'others-back', leader: phase.leader, crashedMs: phase.crashedMs };
        return [{ kind: 'restart', nodes: this.cluster.nodeIds.filter((id) => id !== phase.leader) }];
      case 'others-back':
        if (nowMs < phase.crashedMs + this.plan.leaderBackMs) return NO_ACTIONS;
        this.phase = { name: 'done' };
        return [{ kind: 'restart', nodes: [phase.leader] }];
      case 'done':
        return NO_ACTIONS;
      default:
        return unreachable(phase);
    }
  }

  private awaitLeader(): readonly FaultAction[] {
    const leader = this.cluster.leader();
    const s = leader === undefined ? undefined : this.cluster.nodeStatus(leader);
    if (leader === undefined || s === undefined) return NO_ACTIONS;
    this.phase = { name: 'await-apply', leader, term: s.term, appliedIndex: s.appliedIndex };
    return NO_ACTIONS;
  }

  private awaitApply(phase: Extract<Phase, { name: 'await-apply' }>, nowMs: number): readonly FaultAction[] {
    const s = this.cluster.nodeStatus(phase.leader);
    if (s === undefined || s.role !== 'leader' || s.term !== phase.term) {
      this.phase = { name: 'await-leader' };
      return NO_ACTIONS;
    }
    if (s.appliedIndex <= phase.appliedIndex) return NO_ACTIONS;
    this.phase = { name: 'down', leader: phase.leader, crashedMs: nowMs };
    return [{ kind: 'crash', nodes: [...this.cluster.nodeIds] }];
  }
}
