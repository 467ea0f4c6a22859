/**
 * The protocol-node contract: all the node loop (node-loop.ts) and its hosts may assume about a
 * protocol node, after etcd-io/raft's Ready/advance rules.
 *
 * - Inputs arrive one at a time: tick() for time (the host decides how long a tick is), step(m)
 *   for a message from a peer or a client. Neither does I/O.
 * - ready() returns what the node needs done, or undefined when it needs nothing. The host must,
 *   in this order: make `hardState` and `entries` durable, then send `messages`, then call
 *   advance(rd), which applies `committed` and may queue replies for the next ready(). Until
 *   advance(rd) the host calls ready() no more (it may keep stepping inputs in).
 * - A message that promises something (a vote, an append acknowledgement) is in the Ready whose
 *   state backs it, so it never leaves before that state is durable.
 * - The node is deterministic: the same inputs in the same order, with the same injected random
 *   generator, give the same Readys.
 */
import type { Message, Ready } from './types.ts';

export interface ProtocolNode {
  tick(): void;
  step(m: Message): void;
  ready(): Ready | undefined;
  advance(rd: Ready): void;
}
