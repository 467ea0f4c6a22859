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
import { assert } from '../core/assert.ts';
import type { FaultAction } from './faults.ts';
import { NO_ACTIONS, type ClusterView, type EventWatch } from './fuzz-event-watch.ts';

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
    assert(plan.afterVoteMs >= 0, 'afterVoteMs is not negative');
    const n = cluster.nodeIds.length;
    assert(cluster.nodeIds.every((id, k) => id === k + 1), 'node ids are 1..n');
    this.followerTerm = new Array<number>(n).fill(-1);
    this.followerSinceMs = new Array<number>(n).fill(0);
    this.bouncedTerm = new Array<number>(n).fill(-1);
  }

  get done(): boolean {
    return this.finished;
  }

  /** Called after every event, so it allocates nothing unless an election is contested. */
  react(nowMs: number): readonly FaultAction[] {
    if (nowMs >= this.plan.untilMs) this.finished = true;
    if (this.finished) return NO_ACTIONS;
    const ids = this.cluster.nodeIds;
    let candidates = 0;
    for (let k = 0; k < ids.length; k++) {
      const role = this.cluster.roleOf(ids[k]!);
      if (role === 'candidate') candidates++;
      if (role !== 'follower') continue;
      const term = this.cluster.termOf(ids[k]!);
      if (this.followerTerm[k] !== term) {
        this.followerTerm[k] = term;
        this.followerSinceMs[k] = nowMs;
      }
    }
    return candidates === 0 ? NO_ACTIONS : this.bounce(nowMs);
  }

  private bounce(nowMs: number): readonly FaultAction[] {
    const ids = this.cluster.nodeIds;
    const nodes = [];
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const term = this.cluster.termOf(id);
      if (this.cluster.roleOf(id) !== 'follower' || this.bouncedTerm[k] === term || !this.contested(term)) continue;
      if (nowMs < this.followerSinceMs[k]! + this.plan.afterVoteMs) continue;
      this.bouncedTerm[k] = term;
      nodes.push(id);
    }
    return nodes.length === 0 ? NO_ACTIONS : [{ kind: 'crash', nodes }, { kind: 'restart', nodes }];
  }

  /** A candidate competes in `term` with another candidate or a leader. */
  private contested(term: number): boolean {
    let campaigning = 0;
    let candidates = 0;
    for (const id of this.cluster.nodeIds) {
      if (this.cluster.termOf(id) !== term) continue;
      const role = this.cluster.roleOf(id);
      if (role === 'candidate') candidates++;
      if (role === 'candidate' || role === 'leader') campaigning++;
    }
    return candidates >= 1 && campaigning >= 2;
  }
}
