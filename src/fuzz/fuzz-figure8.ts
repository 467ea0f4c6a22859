/**
 * The Figure 8 choreography (Raft paper, §5.4.2), played with real partitions and crashes and
 * targets chosen from what the cluster does. It is the one way an entry of an earlier term that
 * sits on a majority can still be overwritten, which is why a leader may only commit entries of
 * its own term by counting replicas.
 *
 *  1. split:        the leader L1 and a few partners (a minority) are cut off from the rest. L1
 *                   keeps accepting client writes for a while: a suffix of term u on the minority.
 *  2. isolate L2:   the moment the majority side elects L2 (term v > u), L2 is cut off too, before
 *                   its first appends arrive: its no-op of term v sits at the same index, on L2 only.
 *  3. await L3:     after `writeMs`, everyone but L2 is reconnected. A minority node (its log ends
 *                   in term u, the highest around) wins term t and replicates the term-u suffix.
 *  4. crash:        the moment L3 has applied the entry at the index of L2's no-op, the minority
 *                   crashes and L2 comes back. A correct L3 got there by committing its own no-op
 *                   on a majority, so L2 cannot win. A leader that counted replicas of the term-u
 *                   suffix has committed an entry that L2 (last term v > u) now overwrites: the
 *                   invariants see it.
 * Any step that does not happen as planned (another node wins, leadership is lost) ends it early.
 */
import { assert, unreachable } from '../core/assert.ts';
import type { NodeId } from '../core/types.ts';
import type { FaultAction } from './faults.ts';
import { NO_ACTIONS, type ClusterView, type EventWatch } from './fuzz-event-watch.ts';

export interface Figure8Plan {
  untilMs: number;
  /** How long L1 (phase 1) and L2 (phase 2) each stay cut off, taking writes. */
  writeMs: number;
  /** Random order of nodes; L1's partners are the first ones that are not L1. */
  partners: NodeId[];
}

type Phase =
  | { name: 'await-l1' }
  | { name: 'split'; l1Term: number; minority: NodeId[] }
  /** divergeIndex: where L2's no-op sits, the first index at which L2's log differs from L1's. */
  | { name: 'l2-isolated'; minority: NodeId[]; l2: NodeId; l2Term: number; divergeIndex: number; releaseMs: number }
  | { name: 'await-l3'; minority: NodeId[]; l2: NodeId; l2Term: number; divergeIndex: number }
  | { name: 'await-commit'; minority: NodeId[]; l3: NodeId; l3Term: number; divergeIndex: number }
  | { name: 'done' };

export class Figure8 implements EventWatch {
  private phase: Phase = { name: 'await-l1' };

  constructor(
    private readonly plan: Figure8Plan,
    private readonly cluster: ClusterView,
  ) {
    // Nodes that joined after the schedule was drawn are in no group: alone, as partition() has it.
    assert(plan.partners.every((id) => cluster.nodeIds.includes(id)), 'partners are nodes of the cluster');
  }

  get done(): boolean {
    return this.phase.name === 'done';
  }

  react(nowMs: number): readonly FaultAction[] {
    if (nowMs >= this.plan.untilMs && !this.done) this.phase = { name: 'done' };
    const phase = this.phase;
    switch (phase.name) {
      case 'await-l1':
        return this.split();
      case 'split':
        return this.isolateL2(phase, nowMs);
      case 'l2-isolated':
        return nowMs < phase.releaseMs ? NO_ACTIONS : this.reconnect(phase);
      case 'await-l3':
        return this.awaitL3(phase);
      case 'await-commit':
        return this.awaitCommit(phase);
      case 'done':
        return NO_ACTIONS;
      default:
        return unreachable(phase);
    }
  }

  private split(): readonly FaultAction[] {
    const l1 = this.cluster.leader();
    if (l1 === undefined) return NO_ACTIONS;
    const size = Math.max(1, Math.floor((this.cluster.nodeIds.length - 1) / 2));
    const minority = [l1, ...this.plan.partners.filter((id) => id !== l1)].slice(0, size);
    assert(minority.length * 2 < this.cluster.nodeIds.length || this.cluster.nodeIds.length < 3, 'L1 is cut off in a minority');
    this.phase = { name: 'split', l1Term: this.termOf(l1), minority };
    return [{ kind: 'partition', groups: [minority, this.others(minority)] }];
  }

  private isolateL2(phase: Extract<Phase, { name: 'split' }>, nowMs: number): readonly FaultAction[] {
    const l2 = this.cluster.leader();
    if (l2 === undefined || phase.minority.includes(l2) || this.termOf(l2) <= phase.l1Term) return NO_ACTIONS;
    const rest = this.others([...phase.minority, l2]);
    const divergeIndex = this.cluster.nodeStatus(l2)!.lastIndex;
    assert(divergeIndex >= 1, 'a new leader has at least its no-op');
    this.phase = { name: 'l2-isolated', minority: phase.minority, l2, l2Term: this.termOf(l2), divergeIndex, releaseMs: nowMs + this.plan.writeMs };
    return [{ kind: 'partition', groups: [phase.minority, [l2], rest] }];
  }

  private reconnect(phase: Extract<Phase, { name: 'l2-isolated' }>): readonly FaultAction[] {
    this.phase = { name: 'await-l3', minority: phase.minority, l2: phase.l2, l2Term: phase.l2Term, divergeIndex: phase.divergeIndex };
    return [{ kind: 'partition', groups: [[phase.l2], this.others([phase.l2])] }];
  }

  private awaitL3(phase: Extract<Phase, { name: 'await-l3' }>): readonly FaultAction[] {
    const l3 = this.cluster.leader();
    if (l3 === undefined || this.termOf(l3) <= phase.l2Term) return NO_ACTIONS;
    if (!phase.minority.includes(l3)) {
      this.phase = { name: 'done' };
      return NO_ACTIONS;
    }
    this.phase = { name: 'await-commit', minority: phase.minority, l3, l3Term: this.termOf(l3), divergeIndex: phase.divergeIndex };
    return NO_ACTIONS;
  }

  private awaitCommit(phase: Extract<Phase, { name: 'await-commit' }>): readonly FaultAction[] {
    const s = this.cluster.nodeStatus(phase.l3);
    if (s === undefined || s.role !== 'leader' || s.term !== phase.l3Term) {
      this.phase = { name: 'done' };
      return NO_ACTIONS;
    }
    // Applied, not just committed: a commit nobody acted on is invisible, and harmless.
    if (s.appliedIndex < phase.divergeIndex) return NO_ACTIONS;
    this.phase = { name: 'done' };
    return [{ kind: 'crash', nodes: phase.minority }, { kind: 'heal' }];
  }

  private termOf(id: NodeId): number {
    return this.cluster.nodeStatus(id)?.term ?? 0;
  }

  private others(excluded: readonly NodeId[]): NodeId[] {
    return this.cluster.nodeIds.filter((id) => !excluded.includes(id));
  }
}
