/**
 * Bounce the voters of contested elections: while two nodes campaign in the same term (or one
 * already leads it), every follower of that term crashes and restarts at once, `afterVoteMs`
 * after it joined the term (that is, after it voted), each at most once per term. The rival's
 * vote requests are often still in flight.
 *
 * A follower that granted its vote made it durable first, so after the restart it still refuses
 * the rival. One that did not persist the vote, or sent it before it was durable, comes back free
 * to vote again, and two leaders in one term follow. A short `afterVoteMs` catches votes sent
 * before they were durable; one past the disk latency catches votes never made durable at all.
 */
import type { NodeStatus } from '../core/node.ts';
import type { FaultAction } from './faults.ts';
import type { ClusterView, EventWatch } from './fuzz-event-watch.ts';

export class BounceVoters implements EventWatch {
  /** Per node (index id - 1): the term it was last seen in as a follower, and since when. */
  private readonly followerTerm: number[];
  private readonly followerSinceMs: number[];
  /** Per node: the last term in which it was bounced (once per term is enough). */
  private readonly bouncedTerm: number[];
  private finished = false;

  constructor(
    private readonly plan: { untilMs: number; afterVoteMs: number },
    private readonly cluster: ClusterView,
  ) {
    const n = cluster.nodeIds.length;
    this.followerTerm = new Array<number>(n).fill(-1);
    this.followerSinceMs = new Array<number>(n).fill(0);
    this.bouncedTerm = new Array<number>(n).fill(-1);
  }

  get done(): boolean {
    return this.finished;
  }

  react(nowMs: number): FaultAction[] {
    if (nowMs >= this.plan.untilMs) this.finished = true;
    if (this.finished) return [];
    const status = this.cluster.nodeIds.map((id) => this.cluster.nodeStatus(id));
    status.forEach((s, k) => {
      if (s?.role === 'follower' && this.followerTerm[k] !== s.term) {
        this.followerTerm[k] = s.term;
        this.followerSinceMs[k] = nowMs;
      }
    });
    const contested = contestedTerms(status);
    if (contested.length === 0) return [];
    const nodes = [];
    for (const [k, s] of status.entries()) {
      if (s?.role !== 'follower' || !contested.includes(s.term) || this.bouncedTerm[k] === s.term) continue;
      if (nowMs < this.followerSinceMs[k]! + this.plan.afterVoteMs) continue;
      this.bouncedTerm[k] = s.term;
      nodes.push(s.id);
    }
    return nodes.length === 0 ? [] : [{ kind: 'crash', nodes }, { kind: 'restart', nodes }];
  }
}

/** Terms in which a candidate competes with another candidate or a leader. */
function contestedTerms(status: readonly (NodeStatus | undefined)[]): number[] {
  const terms: number[] = [];
  for (const s of status) {
    if (s?.role !== 'candidate') continue;
    const rival = status.some((o) => o !== undefined && o.id !== s.id && o.term === s.term && (o.role === 'candidate' || o.role === 'leader'));
    if (rival && !terms.includes(s.term)) terms.push(s.term);
  }
  return terms;
}
