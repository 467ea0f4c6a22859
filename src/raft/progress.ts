import { assert } from '../core/assert.ts';

/**
 * What a leader knows about one follower's log.
 *
 * probe:     we do not know where the follower's log matches ours; send one append at a time
 *            and wait for its answer (or the next heartbeat response) before sending another.
 * replicate: the follower is keeping up; stream appends optimistically, at most
 *            `maxInflight` unacknowledged at once.
 * snapshot:  the entries the follower needs next were compacted away; send it the snapshot
 *            ending at `pendingSnapshot`, one chunk at a time, and no appends until it has it.
 *
 * Invariant: matchIndex < nextIndex.
 * Invariant: inflight holds the last index of each unacknowledged append, ascending, and its
 *            length never exceeds maxInflight.
 */
export class Progress {
  matchIndex = 0;
  nextIndex: number;
  state: 'probe' | 'replicate' | 'snapshot' = 'probe';
  /** In snapshot state: the index the snapshot being sent ends at. */
  pendingSnapshot = 0;
  /** In snapshot state: how much of the snapshot the follower said it holds (the next chunk's offset). */
  snapshotOffset = 0;
  /** In snapshot state: the offset of the chunk sent and not yet answered (-1 = none). */
  snapshotChunkInFlight = -1;
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
  private chunksAnswered = 0;
  private chunksAtLastHeartbeat = 0;

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
    if (this.state === 'snapshot') return false;
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
    // A stale append answer does not end a snapshot transfer; reaching the snapshot does.
    if (this.state === 'snapshot' && index >= this.pendingSnapshot) this.state = 'probe';
    if (this.state === 'probe') {
      this.state = 'replicate';
      this.probeSent = false;
      this.inflight = [];
    }
    assert(this.matchIndex < this.nextIndex, 'matchIndex < nextIndex');
    return progressed;
  }

  /** The follower needs entries we compacted away: send it the snapshot that ends at `index`. */
  becomeSnapshot(index: number): void {
    assert(index > this.matchIndex, 'a snapshot for a follower that already has it');
    this.state = 'snapshot';
    this.pendingSnapshot = index;
    this.snapshotOffset = 0;
    this.snapshotChunkInFlight = -1;
    this.chunksAnswered = 0;
    this.chunksAtLastHeartbeat = 0;
    this.probeSent = false;
    this.inflight = [];
  }

  /** The follower answered the chunk in flight, holding `received` characters of the snapshot now. */
  chunkAnswered(received: number): void {
    this.snapshotChunkInFlight = -1;
    this.snapshotOffset = received;
    this.chunksAnswered++;
  }

  /** Called at each heartbeat response in snapshot state: true when no chunk was answered since the previous one. */
  snapshotStalledSinceLastHeartbeat(): boolean {
    const stalled = this.chunksAnswered === this.chunksAtLastHeartbeat;
    this.chunksAtLastHeartbeat = this.chunksAnswered;
    return stalled;
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
    if (this.state !== 'probe') this.nextIndex = this.matchIndex + 1;
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
