/**
 * "Watch an election": the tour's first step needs an election to watch, but the cluster elects
 * its first leader a few seconds after the page loads, before anyone finds the speed slider. So
 * the button slows time down and stops the leader; the others notice the silence and elect a new
 * one in slow motion; once one has won, the stopped node is restarted and follows it. Pure: what
 * to do next and what the caption says, from the nodes as the snapshot shows them.
 */
import { quorumSize } from '../../core/quorum.ts';
import type { NodeId } from '../../core/types.ts';
import type { NodeView } from '../../runtime/cluster-api.ts';

/** Slow enough to see timers run down and votes fly, fast enough to see it through in ~20 s. */
export const WATCH_SPEED = 0.1;

export type WatchPhase =
  | { kind: 'idle' }
  /** The leader `stopped` (of term `term`) was crashed; waiting for a leader of a later term. */
  | { kind: 'electing'; stopped: NodeId; term: number }
  /** No leader when the button was pressed: waiting for the first one. */
  | { kind: 'first'; after: number }
  | { kind: 'elected'; leader: NodeId; term: number; restarted: NodeId | undefined }
  | { kind: 'refused'; reason: string };

type Node = Pick<NodeView, 'id' | 'role' | 'term' | 'alive'>;

/** What pressing the button does to these nodes. */
export function startWatch(nodes: readonly Node[]): WatchPhase {
  const leader = leaderOf(nodes);
  if (leader === undefined) return { kind: 'first', after: Math.max(0, ...nodes.map((n) => n.term)) };
  const othersUp = nodes.filter((n) => n.alive && n.id !== leader.id).length;
  if (othersUp < quorumSize(nodes.length)) {
    return { kind: 'refused', reason: `Stopping n${leader.id} would leave ${othersUp} of ${nodes.length} nodes running, too few to elect anyone (a majority is ${quorumSize(nodes.length)}). Restart the crashed nodes first.` };
  }
  return { kind: 'electing', stopped: leader.id, term: leader.term };
}

/** The next phase once a new snapshot arrives (the same phase when nothing changed). */
export function advanceWatch(phase: WatchPhase, nodes: readonly Node[]): WatchPhase {
  const leader = leaderOf(nodes);
  if (phase.kind === 'electing' && leader !== undefined && leader.term > phase.term) {
    return { kind: 'elected', leader: leader.id, term: leader.term, restarted: phase.stopped };
  }
  if (phase.kind === 'first' && leader !== undefined && leader.term > phase.after) {
    return { kind: 'elected', leader: leader.id, term: leader.term, restarted: undefined };
  }
  // The caption names the winner: once another term begins it would be stale, so it goes.
  if (phase.kind === 'elected' && nodes.some((n) => n.alive && n.term > phase.term)) return { kind: 'idle' };
  return phase;
}

export function watchCaption(phase: WatchPhase): string {
  switch (phase.kind) {
    case 'idle':
      return '';
    case 'electing':
      return `Slow motion (${WATCH_SPEED}×). The leader n${phase.stopped} was stopped so you can watch the others elect a new one: the arc around each follower is its election timer; the first to run out pre-votes (hollow dots), then campaigns in term ${phase.term + 1} or later.`;
    case 'first':
      return `Slow motion (${WATCH_SPEED}×). There is no leader yet: watch the election timers run out and the nodes campaign.`;
    case 'elected':
      return `n${phase.leader} won the election: it leads term ${phase.term}.${phase.restarted === undefined ? '' : ` n${phase.restarted} was restarted from its disk and follows it.`} Drag Speed to the right for real time.`;
    case 'refused':
      return phase.reason;
  }
}

function leaderOf(nodes: readonly Node[]): Node | undefined {
  let best: Node | undefined;
  for (const n of nodes) if (n.alive && n.role === 'leader' && (best === undefined || n.term > best.term)) best = n;
  return best;
}
