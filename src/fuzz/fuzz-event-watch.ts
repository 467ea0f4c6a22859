/**
 * Event watches: fault choreographies that look at the cluster after every simulator event and
 * strike at a precise moment (right after a vote, right after a commit). The fuzzer's runner
 * asks each active watch what is due and applies it between two events.
 */
import type { NodeStatus } from '../raft/node.ts';
import type { NodeId, Role } from '../core/types.ts';
import type { FaultAction } from './faults.ts';

/** What a watch may read from the cluster (cheap enough to ask after every event). */
export interface ClusterView {
  readonly nodeIds: readonly NodeId[];
  leader(): NodeId | undefined;
  /** A running node's status; undefined when it is crashed. */
  nodeStatus(id: NodeId): NodeStatus | undefined;
  /** The same role and term without building a status (for per-event loops); undefined when crashed. */
  roleOf(id: NodeId): Role | undefined;
  termOf(id: NodeId): number;
}

export interface EventWatch {
  readonly done: boolean;
  /** The actions due now (NO_ACTIONS when none), advancing the choreography. */
  react(nowMs: number): readonly FaultAction[];
}

/** What react() returns when nothing is due (shared: the hot path allocates nothing). */
export const NO_ACTIONS: readonly FaultAction[] = Object.freeze([]);
