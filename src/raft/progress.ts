import { assert } from '../core/assert.ts';

/**
 * What a leader knows about one follower's log.
 *
 * probe:     we do not know where the follower's log matches ours; send one append at a time
 *            and wait for its answer (or the next heartbeat response) before sending another.
 * replicate: the follower is keeping up; stream appends optimistically, at most
 *            `maxInflight` unacknowledged at once.
 *
 * Invariant: matchIndex < nextIndex.
 * Invariant: inflight holds the last index of each unacknowledged append, ascending, and its
 *            length never exceeds maxInflight.
 */
export class Progress {
  matchIndex = 0;
  nextIndex: number;
  state: 'probe' | 'replicate' = 'probe';
  /** In probe state: an append is out and we wait for its answer before sending another. */
  probeSent = false;
  /** Heard from since the last CheckQuorum round. */
  recentActive = false;
  /** Highest ReadIndex context this follower has acknowledged. */
  readAcked = 0;
  /** Lease reads: the leader's tick at which it sent the latest heartbeat this follower answered. */
  leaseAcked = -Infinity;
  private inflight: number[] = [];
  private matchAtLastHeartbeat = -1;

  constructor(
    nextIndex: number,
    readonly maxInflight: number,
  ) {
    assert(nextIndex >= 1, 'nextIndex starts at 1');
    assert(maxInflight >= 1, 'maxInflight at least 1');
    this.nextIndex = nextIndex;
  }

  /** May the leader send an append now? */
  canSend(): boolean {
    if (this.state === 'probe') return !this.probeSent;
    return this.inflight.length < this.maxInflight;
  }

  /** An append covering up to `lastIndex` left (lastIndex = prevLogIndex for an empty probe). */
  sent(lastIndex: number): void {
    if (this.state === 'probe') {
      this.probeSent = true;
      return;
    }
    assert(this.inflight.length < this.maxInflight, 'more appends in flight than maxInflight');
    this.inflight.push(lastIndex);
    this.nextIndex = lastIndex + 1;
  }

  /** The follower confirmed its log matches ours up to `index`. Returns true if that is news. */
  acknowledge(index: number): boolean {
    const progressed = index > this.matchIndex;
    if (progressed) this.matchIndex = index;
    if (this.nextIndex <= index) this.nextIndex = index + 1;
    while (this.inflight.length > 0 && this.inflight[0]! <= index) this.inflight.shift();
    if (this.state === 'probe') {
      this.state = 'replicate';
      this.probeSent = false;
      this.inflight = [];
    }
    assert(this.matchIndex < this.nextIndex, 'matchIndex < nextIndex');
    return progressed;
  }

  /** A rejection: fall back to probing from `nextIndex` (never below matchIndex + 1). */
  backTrack(nextIndex: number): void {
    this.nextIndex = Math.max(this.matchIndex + 1, Math.min(nextIndex, this.nextIndex));
    this.becomeProbe();
  }

  /** The follower no longer has what it acknowledged (its disk was wiped): start over from `index`. */
  forgetMatch(index: number): void {
    assert(index < this.matchIndex, 'forgetMatch only lowers matchIndex');
    this.matchIndex = index;
    this.nextIndex = index + 1;
    this.state = 'probe';
    this.probeSent = false;
    this.inflight = [];
  }

  /** Something may have been lost (a heartbeat answered while appends are unacknowledged). */
  becomeProbe(): void {
    if (this.state === 'replicate') this.nextIndex = this.matchIndex + 1;
    this.state = 'probe';
    this.probeSent = false;
    this.inflight = [];
  }

  /** Called at each heartbeat response: true when matchIndex has not moved since the previous one. */
  stalledSinceLastHeartbeat(): boolean {
    const stalled = this.matchIndex === this.matchAtLastHeartbeat;
    this.matchAtLastHeartbeat = this.matchIndex;
    return stalled;
  }

  inflightCount(): number {
    return this.inflight.length;
  }
}
