/**
 * Event watches: fault choreographies that look at the cluster after every simulator event and
 * strike at a precise moment (right after a vote, right after a commit). The fuzzer's runner
 * asks each active watch what is due and applies it between two events.
 */
import type { NodeStatus } from '../core/node.ts';
import type { NodeId } from '../core/types.ts';
import type { FaultAction } from './faults.ts';

/** What a watch may read from the cluster (cheap enough to ask after every event). */
export interface ClusterView {
  readonly nodeIds: readonly NodeId[];
  leader(): NodeId | undefined;
  /** A running node's status; undefined when it is crashed. */
  nodeStatus(id: NodeId): NodeStatus | undefined;
}

export interface EventWatch {
  readonly done: boolean;
  /** The actions due now (empty when none), advancing the choreography. */
  react(nowMs: number): FaultAction[];
}
