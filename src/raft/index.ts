/**
 * Raft as the hosts see it: the Protocol that starts a Raft KV node, its safety checks, and the
 * few types a host configures it with. The Simulation, the in-page cluster and the worker host
 * import Raft only from here (ESLint keeps it so); the rest of raft/ is the protocol's inside.
 */
import type { BugName } from '../core/bugs.ts';
import type { Protocol } from '../core/protocol-node.ts';
import { InvariantChecker } from './invariants.ts';
import { KvNode } from './node.ts';
import { DEFAULT_RAFT_TUNING, type RaftConfig } from './raft.ts';

export { KvNode } from './node.ts';
export { DEFAULT_RAFT_TUNING, type RaftConfig } from './raft.ts';
export { InvariantChecker } from './invariants.ts';

/** Raft's timing and feature switches (PreVote, CheckQuorum, ...): everything but who the node is. */
export type RaftTuning = Partial<Omit<RaftConfig, 'id' | 'voters' | 'bug'>>;

export interface RaftProtocolOptions {
  tuning?: RaftTuning;
  /** TEST-ONLY: a known-bad variant (core/bugs.ts), for the fuzzer and the checker's teaching mode. */
  bug?: BugName;
}

export function raftProtocol(options: RaftProtocolOptions = {}): Protocol {
  return {
    system: 'raft',
    start: ({ id, nodeIds, durable, rng }) => new KvNode(
      { ...DEFAULT_RAFT_TUNING, ...options.tuning, id, voters: [...nodeIds], bug: options.bug },
      durable,
      rng,
    ),
    safetyChecker: () => new InvariantChecker(),
  };
}
export { messageSizeBytes } from './message-size.ts';
