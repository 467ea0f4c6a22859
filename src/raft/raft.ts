/**
 * The Raft protocol as a pure state machine (election with PreVote and CheckQuorum, log
 * replication with pipelining and fast back-tracking, ReadIndex, leader transfer, log
 * compaction and InstallSnapshot, single-server membership changes with learners). No I/O, no clock, no randomness of its own: time arrives as
 * tick(), randomness from the injected Rng.
 *
 * THE READY / ADVANCE CONTRACT (the same shape as etcd's raft):
 *  1. The host feeds inputs: tick(), step(message), propose(data), requestRead(id).
 *  2. The host calls ready(). If it returns a Ready, the host must, in this order:
 *     a. make `snapshot`, `entries` and `hardState` durable, atomically (core/storage.ts);
 *     b. only then send `messages` (a vote or an append acknowledgement promises durable state);
 *     c. apply `committed` to the state machine;
 *     d. call advance(ready).
 *     While a Ready is outstanding the host may keep stepping inputs but must not call ready()
 *     again before advance().
 *  3. A restarted node is built from DurableState only; everything else is rebuilt.
 *  4. Compaction: the host takes a snapshot of its state machine at the applied index and hands
 *     it to compactTo(); the entries it covers leave the log, and the snapshot is in the next
 *     Ready. A snapshot installed from the leader is in a Ready too; the host rebuilds its state
 *     machine from it in step 2c, before any later committed entry.
 *  5. Membership: a config entry takes effect on a node as soon as it is in its log (see
 *     configuration.ts). Only voters campaign and count toward quorums; learners receive the log
 *     and are promoted by the leader once caught up. One change at a time, and only after the
 *     leader committed an entry of its own term (the known fix for single-server changes).
 *
 * Assertions guard every invariant; a failed one throws and the host crashes this node.
 */
import { assert, unreachable } from '../core/assert.ts';
import type { BugName } from '../core/bugs.ts';
import { RaftLog } from './log.ts';
import { Progress } from './progress.ts';
import { majorityIndex, quorumSize } from '../core/quorum.ts';
import { ConfigurationLog, applyChange, isVoter } from './configuration.ts';
import { ReadIndexQueue } from './read-index.ts';
import type { Rng } from '../core/rng.ts';
import { checksum } from '../core/checksum.ts';
import type {
  AppendEntries,
  AppendEntriesResp,
  ConfigChange,
  Configuration,
  DurableState,
  Entry,
  EntryData,
  HardState,
  Heartbeat,
  HeartbeatResp,
  InstallSnapshot,
  InstallSnapshotResp,
  NodeId,
  RaftMessage,
  Ready,
  Role,
  Snapshot,
  SnapshotWrite,
  TimeoutNow,
  VoteRequest,
  VoteResponse,
} from '../core/types.ts';

export interface RaftConfig {
  id: NodeId;
  /**
   * The bootstrap configuration: the voters the cluster was created with (the same on every
   * node, also on one added later, which finds its own place in the log's config entries).
   */
  voters: NodeId[];
  /** The election timer is drawn uniformly from [electionTimeoutTicks, 2 * electionTimeoutTicks - 1]. */
  electionTimeoutTicks: number;
  heartbeatIntervalTicks: number;
  maxEntriesPerAppend: number;
  maxBytesPerAppend: number;
  maxInflightAppends: number;
  maxPendingReads: number;
  preVote: boolean;
  checkQuorum: boolean;
  /**
   * 'read-index' (default): every read is confirmed by a heartbeat round. 'lease': the leader
   * answers reads at once while its lease holds (needs checkQuorum; see leaseHolds()).
   */
  reads: 'read-index' | 'lease';
  /**
   * Lease reads assume no node's clock runs more than this fraction faster or slower than true
   * time; the lease is shortened by it (see leaseHolds()). 0.1 = 10%.
   */
  maxClockDrift: number;
  /** A node compacts its log once this many entries were applied since its last snapshot (0 = never). */
  snapshotThresholdEntries: number;
  /** InstallSnapshot sends the snapshot in chunks of at most this many characters. */
  maxSnapshotChunkBytes: number;
  /** TEST-ONLY: a known-bad protocol variant (see bugs.ts). */
  bug?: BugName;
}

export const DEFAULT_RAFT_TUNING = {
  electionTimeoutTicks: 10,
  heartbeatIntervalTicks: 2,
  maxEntriesPerAppend: 64,
  maxBytesPerAppend: 256 * 1024,
  maxInflightAppends: 8,
  maxPendingReads: 1024,
  preVote: true,
  checkQuorum: true,
  reads: 'read-index' as 'read-index' | 'lease',
  maxClockDrift: 0.1,
  snapshotThresholdEntries: 1000,
  maxSnapshotChunkBytes: 64 * 1024,
} as const;

/** A snapshot being received chunk by chunk, from the leader of `leaderTerm`. */
interface SnapshotAssembly {
  leaderTerm: number;
  index: number;
  term: number;
  checksum: number;
  totalLength: number;
  received: number;
  parts: string[];
}

export class Raft {
  readonly id: NodeId;
  readonly log: RaftLog;
  role: Role = 'follower';
  term: number;
  vote: NodeId;
  /** Invariant: commitIndex <= log.lastIndex(); commitIndex never decreases. */
  commitIndex: number;
  /** Highest index handed out in a Ready for applying. Invariant: appliedIndex <= commitIndex. */
  appliedIndex = 0;
  leaderId: NodeId = 0;
  readonly reads: ReadIndexQueue;
  /** The leader's view of each follower. Empty unless leader. */
  readonly progress = new Map<NodeId, Progress>();

  private readonly config: RaftConfig;
  private readonly rng: Rng;
  /** Every other member (voters and learners) of the active configuration. */
  private peers: NodeId[] = [];
  private readonly configs: ConfigurationLog;
  private readonly votes = new Map<NodeId, boolean>();
  private electionElapsedTicks = 0;
  private heartbeatElapsedTicks = 0;
  private randomizedElectionTimeoutTicks = 0;
  private outbox: RaftMessage[] = [];
  private lastSavedHardState: HardState;
  /** Highest log index known to be durable on this node's storage. */
  private durableIndex: number;
  private unsyncedBatch: { lastIndex: number; term: number } | undefined;
  private broadcastPending = false;
  /** Reused by maybeCommit, which runs on every append acknowledgement. */
  private readonly matchScratch: number[] = [];
  private heartbeatPending = false;
  /**
   * Leader only: the follower leadership is being handed to (0 = none). While set the leader
   * takes no proposals; it is cleared when the transfer succeeds (we step down), fails (an
   * election timeout passes) or leadership ends otherwise.
   */
  private transferee: NodeId = 0;
  private transferElapsedTicks = 0;
  /** Ticks since this node started: the clock a lease is measured on. */
  private ticks = 0;
  /** The latest snapshot (durable, or in the next Ready): what a lagging follower is sent. */
  private snapshot: Snapshot | undefined;
  /** A snapshot for the next Ready to make durable. */
  private snapshotWrite: SnapshotWrite | undefined;
  /** A complete snapshot from the leader, installed at the next ready() (never while a Ready is out). */
  private pendingInstall: Snapshot | undefined;
  private assembly: SnapshotAssembly | undefined;

  constructor(config: RaftConfig, durable: DurableState, rng: Rng) {
    assert(config.voters.length > 0, 'a bootstrap configuration has voters');
    assert(config.heartbeatIntervalTicks < config.electionTimeoutTicks, 'heartbeat must beat the election timer');
    this.config = config;
    this.id = config.id;
    this.rng = rng;
    const snapshot = durable.snapshot;
    this.log = new RaftLog(durable.entries, snapshot?.index, snapshot?.term);
    this.configs = new ConfigurationLog(snapshot?.config ?? { voters: config.voters, learners: [] }, durable.entries);
    this.onConfigurationChanged();
    this.term = durable.hardState.term;
    this.vote = durable.hardState.vote;
    assert(durable.hardState.commit <= this.log.lastIndex(), 'durable commit beyond durable log');
    // The commit index may be written after the snapshot that covers it; the snapshot is committed.
    this.commitIndex = Math.max(durable.hardState.commit, snapshot?.index ?? 0);
    this.appliedIndex = snapshot?.index ?? 0;
    this.snapshot = snapshot;
    this.durableIndex = this.log.lastIndex();
    this.lastSavedHardState = { ...durable.hardState };
    this.reads = new ReadIndexQueue(config.maxPendingReads);
    this.resetElectionTimer();
  }

  get bug(): BugName | undefined {
    return this.config.bug;
  }

  /** While a (pre-)candidate: who granted (true) or refused (false) so far, self included. */
  votesReceived(): { from: NodeId; granted: boolean }[] {
    if (this.role !== 'candidate' && this.role !== 'pre-candidate') return [];
    return [...this.votes].map(([from, granted]) => ({ from, granted }));
  }

  electionTimerTicks(): { elapsed: number; timeout: number } {
    return { elapsed: this.electionElapsedTicks, timeout: this.randomizedElectionTimeoutTicks };
  }

  // ---- Inputs ---------------------------------------------------------------------------------

  tick(): void {
    this.ticks++;
    this.electionElapsedTicks++;
    if (this.role === 'leader') {
      this.tickLeader();
      return;
    }
    // Learners and removed nodes never campaign: they have no vote to win with.
    if (this.electionElapsedTicks >= this.randomizedElectionTimeoutTicks && this.isVoter()) this.startElection();
  }

  /** Start an election now (the UI's "force timeout"). PreVote still applies. Voters only. */
  forceElectionTimeout(): void {
    if (this.role !== 'leader' && this.isVoter()) this.startElection();
  }

  // ---- Membership -----------------------------------------------------------------------------

  /** The configuration this node acts on (the latest in its log, committed or not). */
  configuration(): Configuration {
    return this.configs.active();
  }

  /** The configuration as of the commit index. */
  committedConfiguration(): Configuration {
    return this.configs.at(this.commitIndex);
  }

  isVoter(id: NodeId = this.id): boolean {
    return isVoter(this.configs.active(), id);
  }

  /**
   * Leader only: propose one membership change. Returns why it cannot, or undefined once the
   * config entry is in the leader's log (it takes effect there at once; it is done when committed).
   */
  proposeConfigChange(change: ConfigChange): string | undefined {
    if (this.role !== 'leader') return `n${this.id} is not the leader`;
    if (this.transferee !== 0) return `leadership is moving to n${this.transferee}; try again once it has`;
    if (!this.committedInCurrentTerm()) {
      return `the leader has not yet committed an entry of its term ${this.term}; until it has, a change could overlap one an earlier leader left uncommitted. Try again in a moment`;
    }
    const pending = this.configs.latestIndex();
    // TEST-ONLY bug: a second change before the first commits (two changes can make disjoint majorities).
    if (pending > this.commitIndex && this.config.bug !== 'concurrent-config-change') {
      return `a membership change is still in progress (entry ${pending} is not committed yet): one change at a time`;
    }
    const next = applyChange(this.configs.active(), change.op, change.node);
    if (typeof next === 'string') return next;
    this.propose({ type: 'config', config: next, change });
    return undefined;
  }

  /** Learners that have caught up (they hold everything committed) become voters, one at a time. */
  private maybePromoteLearners(): void {
    const learners = this.configs.active().learners;
    if (learners.length === 0 || this.transferee !== 0 || this.configs.latestIndex() > this.commitIndex || !this.committedInCurrentTerm()) return;
    for (const learner of learners) {
      const pr = this.progress.get(learner);
      if (pr !== undefined && pr.matchIndex > 0 && pr.matchIndex >= this.commitIndex) {
        this.proposeConfigChange({ op: 'promote', node: learner });
        return;
      }
    }
  }

  /** After any change of the log that may have added or removed config entries. */
  private noteLogChanged(appended: readonly Entry[]): void {
    const before = this.configs.active();
    this.configs.dropOverwritten(this.log);
    const latest = this.configs.latestIndex();
    for (const entry of appended) {
      if (entry.data.type === 'config' && entry.index > latest && this.log.matchTerm(entry.index, entry.term)) this.configs.noteAppended([entry]);
    }
    if (this.configs.active() !== before) this.onConfigurationChanged();
  }

  private onConfigurationChanged(): void {
    const c = this.configs.active();
    this.peers = [...c.voters, ...c.learners].filter((id) => id !== this.id);
    if (this.role !== 'leader') return;
    for (const peer of this.peers) {
      if (this.progress.has(peer)) continue;
      const pr = new Progress(this.log.lastIndex() + 1, this.config.maxInflightAppends);
      pr.recentActive = true;
      this.progress.set(peer, pr);
    }
    for (const peer of [...this.progress.keys()]) if (!this.peers.includes(peer)) this.progress.delete(peer);
  }

  private voterCount(): number {
    return this.configs.active().voters.length;
  }

  /** Other voters than this node (for "am I alone?" shortcuts). */
  private otherVoters(): number {
    return this.voterCount() - (this.isVoter() ? 1 : 0);
  }

  /**
   * Leader only: hand leadership to voter `to`. The leader stops taking proposals, brings `to`
   * up to date, then sends it TimeoutNow; `to` campaigns at once, without a pre-vote (a pre-vote
   * would be refused: the others still hear from this leader). Gives up after an election
   * timeout. Returns why it cannot start, or undefined when it started.
   */
  transferLeadership(to: NodeId): string | undefined {
    if (this.role !== 'leader') return `n${this.id} is not the leader`;
    if (to === this.id) return `n${to} is already the leader`;
    if (!this.isVoter(to)) {
      return this.configs.active().learners.includes(to) ? `n${to} is a learner: it becomes a voter once it has caught up` : `n${to} is not a voter of this cluster`;
    }
    if (this.transferee === to) return undefined; // already under way
    this.transferee = to;
    this.transferElapsedTicks = 0;
    const pr = this.progress.get(to)!;
    if (pr.matchIndex === this.log.lastIndex()) this.sendTimeoutNow(to);
    else this.sendAppend(to, true); // even if appends are out: they may be lost, and time matters here
    return undefined;
  }

  /** The follower leadership is being handed to, or 0. */
  transferTarget(): NodeId {
    return this.transferee;
  }

  /** Leader only: append a client command. Returns the new entry's index. */
  propose(data: EntryData): number {
    assert(this.role === 'leader', 'propose on a non-leader');
    // A no-op from becomeLeader is ours; a command during a transfer is refused by the node first.
    assert(this.transferee === 0 || data.type === 'noop', 'propose during a leader transfer');
    const entry = this.log.appendNew(this.term, data);
    this.broadcastPending = true;
    if (data.type === 'config') this.noteLogChanged([entry]);
    if (this.otherVoters() === 0) this.maybeCommit();
    return entry.index;
  }

  /** Leader only: start a ReadIndex round for read `readId`; the answer appears in reads.confirmed. */
  requestRead(readId: number): void {
    assert(this.role === 'leader', 'requestRead on a non-leader');
    if (!this.committedInCurrentTerm()) {
      this.reads.deferUntilTermCommit(readId);
      return;
    }
    this.reads.add(readId, this.commitIndex);
    if (this.leaseHolds()) {
      // Nobody else can have been elected since the lease started: answer without a round.
      this.reads.confirmUpTo(this.reads.currentContext());
      return;
    }
    if (this.otherVoters() === 0) this.reads.confirmUpTo(this.reads.currentContext());
    else this.heartbeatPending = true;
  }

  step(m: RaftMessage): void {
    assert(m.to === this.id, `message for ${m.to} delivered to ${this.id}`);
    if (m.term > this.term && !this.acceptHigherTerm(m)) return;
    if (m.term < this.term) {
      this.answerStaleTerm(m);
      return;
    }
    switch (m.type) {
      case 'PreVote':
      case 'RequestVote':
        return this.handleVoteRequest(m);
      case 'PreVoteResp':
      case 'RequestVoteResp':
        return this.handleVoteResponse(m);
      case 'AppendEntries':
        return this.handleAppendEntries(m);
      case 'AppendEntriesResp':
        return this.handleAppendResponse(m);
      case 'Heartbeat':
        return this.handleHeartbeat(m);
      case 'HeartbeatResp':
        return this.handleHeartbeatResponse(m);
      case 'TimeoutNow':
        return this.handleTimeoutNow(m);
      case 'InstallSnapshot':
        return this.handleInstallSnapshot(m);
      case 'InstallSnapshotResp':
        return this.handleInstallSnapshotResponse(m);
      default:
        return unreachable(m);
    }
  }

  // ---- Ready / advance ------------------------------------------------------------------------

  hasReady(): boolean {
    return (
      this.outbox.length > 0 ||
      this.snapshotWrite !== undefined ||
      this.pendingInstall !== undefined ||
      this.broadcastPending ||
      this.heartbeatPending ||
      this.log.hasUnstable() ||
      this.appliedIndex < this.commitIndex ||
      this.hardStateChanged()
    );
  }

  ready(): Ready | undefined {
    if (this.pendingInstall !== undefined) this.installPendingSnapshot();
    this.flushBroadcasts();
    if (!this.hasReady()) return undefined;
    const changed = this.hardStateChanged();
    const hardState = this.savedFormOfHardState();
    const entries = this.log.takeUnstable();
    const last = entries[entries.length - 1];
    if (last !== undefined) this.unsyncedBatch = { lastIndex: last.index, term: last.term };
    const committed =
      this.appliedIndex < this.commitIndex ? this.log.slice(this.appliedIndex + 1, this.commitIndex) : [];
    const messages = this.outbox;
    this.outbox = [];
    // Two literals rather than a conditional spread: a spread is a generic copy on the hottest path.
    const rd: Ready = changed ? { hardState, entries, messages, committed } : { entries, messages, committed };
    if (this.snapshotWrite !== undefined) {
      rd.snapshot = this.snapshotWrite;
      this.snapshotWrite = undefined;
    }
    return rd;
  }

  advance(rd: Ready): void {
    if (rd.hardState) this.lastSavedHardState = { ...rd.hardState };
    if (rd.snapshot?.from === 'leader') this.durableIndex = Math.max(this.durableIndex, rd.snapshot.snapshot.index);
    const lastCommitted = rd.committed[rd.committed.length - 1];
    if (lastCommitted !== undefined) {
      assert(lastCommitted.index === this.appliedIndex + rd.committed.length, 'applied entries contiguous');
      this.appliedIndex = lastCommitted.index;
    }
    const batch = this.unsyncedBatch;
    this.unsyncedBatch = undefined;
    if (batch !== undefined) {
      // The batch is durable; entries truncated since the Ready was taken are not ours to count.
      this.durableIndex = Math.min(batch.lastIndex, this.log.firstUnstable() - 1);
      if (this.role === 'leader') this.maybeCommit();
    }
  }

  // ---- Snapshots ------------------------------------------------------------------------------

  /**
   * The host's snapshot of its state machine at an applied index: the entries it covers leave
   * the log (they are durable: applied entries always are), and the next Ready makes it durable.
   */
  compactTo(snapshot: Snapshot): void {
    assert(snapshot.index > this.log.snapshotIndex(), `snapshot at ${snapshot.index} is not past the last one at ${this.log.snapshotIndex()}`);
    // TEST-ONLY bug snapshot-uncommitted: the host's snapshot reaches past what is applied.
    const uncommitted = this.config.bug === 'snapshot-uncommitted' && snapshot.index > this.appliedIndex;
    if (!uncommitted) assert(snapshot.index <= this.appliedIndex, `snapshot at ${snapshot.index} covers entries not applied (applied ${this.appliedIndex})`);
    assert(snapshot.term === this.log.term(snapshot.index), `snapshot term ${snapshot.term} differs from the log's at ${snapshot.index}`);
    const withConfig: Snapshot = { ...snapshot, config: this.configs.at(snapshot.index) };
    this.log.compact(snapshot.index);
    this.configs.compact(snapshot.index);
    this.snapshot = withConfig;
    this.snapshotWrite = { snapshot: withConfig, from: 'compaction' };
    if (uncommitted) {
      // A snapshot stands for committed entries (a restarted node counts it so), and the entries
      // it covers are gone from the log: the node takes them as applied and committed.
      this.appliedIndex = snapshot.index;
      if (snapshot.index > this.commitIndex) this.setCommit(snapshot.index);
    }
  }

  latestSnapshot(): Snapshot | undefined {
    return this.snapshot;
  }

  /** A follower receiving a snapshot: how far it is (for the inspector). */
  snapshotReceipt(): { index: number; received: number; total: number } | undefined {
    const a = this.assembly;
    return a === undefined ? undefined : { index: a.index, received: a.received, total: a.totalLength };
  }

  /** One chunk of the leader's snapshot. Answers with how much we hold, or the index we match up to. */
  private handleInstallSnapshot(m: InstallSnapshot): void {
    this.followLeader(m.from);
    const answer = (received: number, matchIndex: number) => this.send({
      type: 'InstallSnapshotResp', from: this.id, to: m.from, term: this.term,
      snapshotIndex: m.snapshotIndex, offset: m.offset, received, matchIndex,
    });
    const pending = this.pendingInstall?.index ?? 0;
    if (m.snapshotIndex <= Math.max(this.commitIndex, pending)) {
      // Committed entries (or a snapshot about to be installed) cover it: nothing to install.
      this.assembly = undefined;
      return answer(m.totalLength, Math.max(this.commitIndex, pending));
    }
    if (this.log.matchTerm(m.snapshotIndex, m.snapshotTerm)) {
      // Our log already holds the snapshot's last entry, so everything before it matches too.
      this.assembly = undefined;
      this.advanceCommit(m.snapshotIndex);
      return answer(m.totalLength, m.snapshotIndex);
    }
    const a = this.assemblyFor(m);
    if (a === undefined) return answer(0, 0); // a chunk of a transfer we do not hold: start over
    if (m.offset !== a.received) return answer(a.received, 0); // a duplicate or a gap: say where we are
    a.parts.push(m.chunk);
    a.received += m.chunk.length;
    if (a.received < a.totalLength) return answer(a.received, 0);
    this.assembly = undefined;
    const data = a.parts.join('');
    if (data.length !== a.totalLength || checksum(data) !== a.checksum) return answer(0, 0); // damaged: start over
    this.pendingInstall = { index: a.index, term: a.term, data, checksum: a.checksum };
    if (m.config !== undefined) this.pendingInstall.config = m.config;
    answer(data.length, a.index);
  }

  /** The assembly this chunk continues, a new one when it is a first chunk, else undefined. */
  private assemblyFor(m: InstallSnapshot): SnapshotAssembly | undefined {
    const a = this.assembly;
    if (a !== undefined && a.leaderTerm === this.term && a.index === m.snapshotIndex && a.term === m.snapshotTerm && a.checksum === m.checksum) return a;
    this.assembly = undefined;
    if (m.offset !== 0) return undefined;
    this.assembly = { leaderTerm: this.term, index: m.snapshotIndex, term: m.snapshotTerm, checksum: m.checksum, totalLength: m.totalLength, received: 0, parts: [] };
    return this.assembly;
  }

  /** The leader's snapshot replaces our log; the host rebuilds its state machine from the Ready. */
  private installPendingSnapshot(): void {
    const snapshot = this.pendingInstall!;
    this.pendingInstall = undefined;
    if (snapshot.index <= this.commitIndex) return; // caught up by appends meanwhile
    this.log.restore(snapshot.index, snapshot.term);
    this.configs.restore(snapshot.config ?? { voters: this.config.voters, learners: [] });
    this.onConfigurationChanged();
    this.setCommit(snapshot.index);
    this.appliedIndex = snapshot.index;
    this.snapshot = snapshot;
    this.snapshotWrite = { snapshot, from: 'leader' };
  }

  private sendSnapshotChunk(to: NodeId, pr: Progress): void {
    const snapshot = this.snapshot;
    assert(snapshot !== undefined, 'a snapshot to send, since entries were compacted');
    if (pr.state !== 'snapshot' || pr.pendingSnapshot !== snapshot.index) pr.becomeSnapshot(snapshot.index);
    const offset = pr.snapshotOffset;
    const chunk = snapshot.data.slice(offset, offset + this.config.maxSnapshotChunkBytes);
    const m: InstallSnapshot = {
      type: 'InstallSnapshot', from: this.id, to, term: this.term, snapshotIndex: snapshot.index, snapshotTerm: snapshot.term,
      offset, chunk, totalLength: snapshot.data.length, checksum: snapshot.checksum,
    };
    if (snapshot.config !== undefined) m.config = snapshot.config;
    this.send(m);
    pr.snapshotChunkInFlight = offset;
  }

  private handleInstallSnapshotResponse(m: InstallSnapshotResp): void {
    const pr = this.progress.get(m.from);
    if (this.role !== 'leader' || pr === undefined) return;
    pr.recentActive = true;
    if (m.matchIndex > 0) {
      // Installed, or it had the entries: a true claim whenever it arrives.
      if (pr.state === 'snapshot' && m.offset === pr.snapshotChunkInFlight) pr.chunkAnswered(m.received);
      if (pr.acknowledge(m.matchIndex)) this.maybeCommit();
      if (this.role !== 'leader') return; // our own removal committed
      if (m.from === this.transferee && pr.matchIndex === this.log.lastIndex()) this.sendTimeoutNow(m.from);
      this.sendAppend(m.from);
      return;
    }
    // Only the answer to the chunk in flight moves the transfer on (duplicates and stale ones do not).
    if (pr.state !== 'snapshot' || m.snapshotIndex !== pr.pendingSnapshot || m.offset !== pr.snapshotChunkInFlight) return;
    pr.chunkAnswered(m.received);
    this.sendSnapshotChunk(m.from, pr);
  }

  // ---- Elections ------------------------------------------------------------------------------

  private startElection(): void {
    this.campaign(this.config.preVote ? 'pre-candidate' : 'candidate');
  }

  /** Our leader handed us leadership: campaign now, as a candidate straight away. */
  private handleTimeoutNow(m: TimeoutNow): void {
    if (this.role === 'leader' || m.from !== this.leaderId || !this.isVoter()) return; // stale, misrouted, or we cannot win
    this.campaign('candidate', true);
  }

  private campaign(role: 'pre-candidate' | 'candidate', transfer = false): void {
    this.failReads();
    this.role = role;
    this.leaderId = 0;
    this.progress.clear();
    this.electionElapsedTicks = 0;
    this.resetElectionTimer();
    if (role === 'candidate') {
      this.term++;
      this.vote = this.id;
    }
    this.votes.clear();
    this.votes.set(this.id, true);
    if (this.hasVoteQuorum()) {
      if (role === 'pre-candidate') this.campaign('candidate');
      else this.becomeLeader();
      return;
    }
    const type = role === 'pre-candidate' ? 'PreVote' : 'RequestVote';
    const term = role === 'pre-candidate' ? this.term + 1 : this.term;
    for (const to of this.configs.active().voters) {
      if (to === this.id) continue;
      const request: VoteRequest = { type, from: this.id, to, term, lastLogIndex: this.log.lastIndex(), lastLogTerm: this.log.lastTerm() };
      if (transfer) request.transfer = true;
      this.send(request);
    }
  }

  /** A message from a higher term. Returns false when it must be ignored. */
  private acceptHigherTerm(m: RaftMessage): boolean {
    const isVoteRequest = m.type === 'PreVote' || m.type === 'RequestVote';
    // CheckQuorum lease: while we hear from a live leader, nobody may depose it by asking for
    // votes, unless that leader itself handed leadership over.
    if (isVoteRequest && this.inLease() && !(m.type === 'RequestVote' && m.transfer === true)) return false;
    if (m.type === 'PreVote') return true; // a pre-vote changes nobody's term
    if (m.type === 'PreVoteResp' && m.granted) return true; // a grant for the term we would start
    const leader = m.type === 'AppendEntries' || m.type === 'Heartbeat' ? m.from : 0;
    this.becomeFollower(m.term, leader);
    return true;
  }

  /**
   * Lease reads. A follower that answered a heartbeat refuses every vote for an election
   * timeout after it received it (CheckQuorum's lease, inLease()), so once a majority answered
   * a heartbeat sent at tick T, no other leader can exist before T + electionTimeoutTicks as the
   * followers' clocks count. This leader counts on its own clock, which may run slow by up to
   * maxClockDrift while a follower's runs fast by as much, so it trusts the lease only until
   * T + electionTimeoutTicks * (1 - maxClockDrift) / (1 + maxClockDrift). Past that drift,
   * a read may be stale (the checker shows it). Not during a transfer: its votes ignore leases.
   */
  private leaseHolds(): boolean {
    if (this.config.reads !== 'lease' || !this.config.checkQuorum || this.role !== 'leader' || this.transferee !== 0) return false;
    const acks = this.isVoter() ? [this.ticks] : [];
    for (const [peer, pr] of this.progress) if (this.isVoter(peer)) acks.push(pr.leaseAcked);
    const start = majorityIndex(acks);
    return this.ticks < start + this.leaseTicks();
  }

  private leaseTicks(): number {
    const drift = this.config.maxClockDrift;
    return Math.floor((this.config.electionTimeoutTicks * (1 - drift)) / (1 + drift));
  }

  private inLease(): boolean {
    const timeout = this.config.electionTimeoutTicks;
    // With lease reads, a node that just (re)started may have acknowledged a leader's heartbeat
    // before it crashed and forgotten it: it keeps quiet for an election timeout, as if it had.
    if (this.config.reads === 'lease' && this.config.checkQuorum && this.ticks < timeout) return true;
    return this.config.checkQuorum && this.leaderId !== 0 && this.electionElapsedTicks < timeout;
  }

  /** A message from an older term: tell a stale leader or pre-candidate the current term. */
  private answerStaleTerm(m: RaftMessage): void {
    if (m.type === 'AppendEntries' || m.type === 'Heartbeat') {
      this.send(this.appendResponse(m.from, false, 0, 0, 0, 0));
    } else if (m.type === 'PreVote') {
      this.send({ type: 'PreVoteResp', from: this.id, to: m.from, term: this.term, granted: false });
    }
  }

  private handleVoteRequest(m: VoteRequest): void {
    const logOk = this.config.bug === 'vote-ignores-log' || this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);
    if (m.type === 'PreVote') {
      const granted = logOk && m.term > this.term;
      this.send({ type: 'PreVoteResp', from: this.id, to: m.from, term: granted ? m.term : this.term, granted });
      return;
    }
    const canVote = this.vote === 0 || this.vote === m.from;
    const granted = canVote && logOk && (this.leaderId === 0 || m.transfer === true);
    if (granted) {
      this.vote = m.from;
      this.electionElapsedTicks = 0;
    }
    this.send({ type: 'RequestVoteResp', from: this.id, to: m.from, term: this.term, granted });
  }

  private handleVoteResponse(m: VoteResponse): void {
    const expected = this.role === 'pre-candidate' ? 'PreVoteResp' : 'RequestVoteResp';
    if (m.type !== expected) return;
    if (m.type === 'PreVoteResp' && m.term !== this.term + 1 && m.granted) return;
    if (m.type === 'RequestVoteResp' && this.role !== 'candidate') return;
    this.votes.set(m.from, m.granted);
    if (this.hasVoteQuorum()) {
      if (this.role === 'pre-candidate') this.campaign('candidate');
      else this.becomeLeader();
      return;
    }
    let rejections = 0;
    for (const [from, granted] of this.votes) if (!granted && this.isVoter(from)) rejections++;
    if (rejections >= quorumSize(this.voterCount())) this.becomeFollower(this.term, 0);
  }

  /** Only voters' answers count (a learner asked by mistake, or a removed node, does not). */
  private hasVoteQuorum(): boolean {
    let grants = 0;
    for (const [from, granted] of this.votes) if (granted && this.isVoter(from)) grants++;
    return grants >= quorumSize(this.voterCount());
  }

  private becomeFollower(term: number, leaderId: NodeId): void {
    assert(term >= this.term, `becomeFollower into older term ${term} < ${this.term}`);
    if (term > this.term) {
      this.term = term;
      this.vote = 0;
    }
    if (this.role === 'leader' || leaderId !== this.leaderId) this.failReads();
    this.transferee = 0;
    this.role = 'follower';
    this.leaderId = leaderId;
    this.progress.clear();
    this.electionElapsedTicks = 0;
    this.resetElectionTimer();
  }

  private becomeLeader(): void {
    assert(this.role === 'candidate', `only a candidate becomes leader, not a ${this.role}`);
    this.role = 'leader';
    this.leaderId = this.id;
    this.electionElapsedTicks = 0;
    this.heartbeatElapsedTicks = 0;
    this.onConfigurationChanged(); // a Progress for every peer
    // A no-op of our own term: it lets entries of earlier terms commit, and ReadIndex needs it.
    this.propose({ type: 'noop' });
  }

  private resetElectionTimer(): void {
    const base = this.config.electionTimeoutTicks;
    this.randomizedElectionTimeoutTicks = this.rng.int(base, 2 * base - 1);
  }

  private tickLeader(): void {
    this.heartbeatElapsedTicks++;
    if (this.transferee !== 0 && ++this.transferElapsedTicks >= this.config.electionTimeoutTicks) {
      // The target did not win within an election timeout (crashed, cut off, slow): lead on.
      this.transferee = 0;
    }
    if (this.heartbeatElapsedTicks >= this.config.heartbeatIntervalTicks) {
      this.heartbeatElapsedTicks = 0;
      this.heartbeatPending = true;
    }
    this.maybePromoteLearners();
    if (this.electionElapsedTicks < this.config.electionTimeoutTicks) return;
    this.electionElapsedTicks = 0;
    if (!this.config.checkQuorum) return;
    let active = this.isVoter() ? 1 : 0;
    for (const [peer, pr] of this.progress) {
      if (pr.recentActive && this.isVoter(peer)) active++;
      pr.recentActive = false;
    }
    // CheckQuorum: a leader cut off from a majority steps down instead of serving a minority.
    if (active < quorumSize(this.voterCount())) this.becomeFollower(this.term, 0);
  }

  // ---- Replication: follower side -------------------------------------------------------------

  private handleAppendEntries(m: AppendEntries): void {
    this.followLeader(m.from);
    if (m.prevLogIndex < this.commitIndex) {
      // Everything up to our commit index matches any leader's log; say so.
      this.send(this.appendResponse(m.from, true, this.commitIndex, m.prevLogIndex, 0, 0));
      return;
    }
    if (!this.log.matchTerm(m.prevLogIndex, m.prevLogTerm)) {
      this.rejectAppend(m);
      return;
    }
    const lastCovered = Math.max(m.prevLogIndex, this.log.appendFromLeader(m.entries, this.config.bug !== 'no-truncate'));
    this.noteLogChanged(m.entries);
    if (this.config.bug !== 'no-truncate') this.durableIndex = Math.min(this.durableIndex, this.log.firstUnstable() - 1);
    assert(this.log.lastIndex() >= this.commitIndex, `an append truncated committed entries (commit ${this.commitIndex}, last ${this.log.lastIndex()})`);
    this.advanceCommit(Math.min(m.commit, lastCovered));
    this.send(this.appendResponse(m.from, true, lastCovered, m.prevLogIndex, 0, 0));
  }

  private rejectAppend(m: AppendEntries): void {
    const ours = this.log.termOrUndefined(m.prevLogIndex);
    const conflictTerm = ours ?? 0;
    // The hint never points at or below our commit index: committed entries match every leader,
    // even when the conflicting term also covers some of them.
    const conflictIndex =
      ours === undefined ? this.log.lastIndex() + 1 : this.log.firstIndexOfTerm(ours, m.prevLogIndex, this.commitIndex + 1);
    assert(conflictIndex > this.commitIndex && conflictIndex <= m.prevLogIndex + 1, 'conflict hint within (commit, prevLogIndex + 1]');
    this.send(this.appendResponse(m.from, false, 0, m.prevLogIndex, conflictTerm, conflictIndex));
  }

  private handleHeartbeat(m: Heartbeat): void {
    this.followLeader(m.from);
    this.advanceCommit(Math.min(m.commit, this.log.lastIndex()));
    const resp: HeartbeatResp = {
      type: 'HeartbeatResp', from: this.id, to: m.from, term: this.term, readContext: m.readContext, lastIndex: this.log.lastIndex(),
    };
    if (m.lease !== undefined) resp.lease = m.lease;
    this.send(resp);
  }

  private followLeader(leader: NodeId): void {
    if (this.role !== 'follower' || this.leaderId !== leader) this.becomeFollower(this.term, leader);
    this.electionElapsedTicks = 0;
  }

  private advanceCommit(index: number): void {
    if (index > this.commitIndex) this.setCommit(index);
  }

  /** The one place commitIndex moves: forward only, and never past the end of the log. */
  private setCommit(index: number): void {
    assert(index > this.commitIndex, `commit index moves back from ${this.commitIndex} to ${index}`);
    assert(index <= this.log.lastIndex(), `commit index ${index} beyond the last index ${this.log.lastIndex()}`);
    this.commitIndex = index;
  }

  private appendResponse(
    to: NodeId,
    success: boolean,
    matchIndex: number,
    rejectedIndex: number,
    conflictTerm: number,
    conflictIndex: number,
  ): AppendEntriesResp {
    return { type: 'AppendEntriesResp', from: this.id, to, term: this.term, success, matchIndex, rejectedIndex, conflictTerm, conflictIndex };
  }

  // ---- Replication: leader side ---------------------------------------------------------------

  private handleAppendResponse(m: AppendEntriesResp): void {
    const pr = this.progress.get(m.from);
    if (this.role !== 'leader' || pr === undefined) return;
    pr.recentActive = true;
    if (m.success) {
      if (pr.acknowledge(m.matchIndex)) this.maybeCommit();
      if (this.role !== 'leader') return; // our own removal committed
      if (m.from === this.transferee && pr.matchIndex === this.log.lastIndex()) this.sendTimeoutNow(m.from);
      this.sendAppend(m.from);
      return;
    }
    // A follower whose log is shorter than what it once acknowledged lost its disk (the
    // playground's "wipe"; unsafe, and textbook Raft assumes it never happens). Without this,
    // its refusals would look stale for ever and it would only catch up under a new leader.
    if (m.conflictTerm === 0 && m.conflictIndex <= pr.matchIndex && m.rejectedIndex === pr.nextIndex - 1) {
      pr.forgetMatch(m.conflictIndex - 1);
      this.sendAppend(m.from);
      return;
    }
    const stale = pr.state === 'replicate' ? m.rejectedIndex <= pr.matchIndex : m.rejectedIndex !== pr.nextIndex - 1;
    if (stale) return;
    let next = m.conflictIndex;
    if (m.conflictTerm > 0) {
      const ourLast = this.log.lastIndexOfTerm(m.conflictTerm);
      if (ourLast > 0) next = ourLast + 1;
    }
    pr.backTrack(Math.min(next, m.rejectedIndex));
    this.sendAppend(m.from);
  }

  private handleHeartbeatResponse(m: HeartbeatResp): void {
    const pr = this.progress.get(m.from);
    if (this.role !== 'leader' || pr === undefined) return;
    pr.recentActive = true;
    if (m.lease !== undefined && m.lease > pr.leaseAcked) pr.leaseAcked = m.lease;
    if (m.readContext > pr.readAcked) {
      pr.readAcked = m.readContext;
      this.confirmReads();
    }
    const stalled = pr.stalledSinceLastHeartbeat();
    if (stalled && m.lastIndex < pr.matchIndex) {
      // It no longer has what it acknowledged and has made no progress for a heartbeat
      // interval: a wiped disk (a merely reordered, older answer arrives while it progresses).
      // Start over from what it has.
      pr.forgetMatch(m.lastIndex);
      this.sendAppend(m.from);
      return;
    }
    if (pr.state === 'snapshot') {
      // A chunk or its answer may have been lost: send the chunk the follower waits for again.
      if (pr.snapshotStalledSinceLastHeartbeat()) this.sendSnapshotChunk(m.from, pr);
      return;
    }
    if (pr.matchIndex >= this.log.lastIndex()) return;
    // The follower is alive but behind. In probe state the probe may have been lost: resend.
    // In replicate state, if it made no progress for a whole heartbeat interval, an append or its
    // answer was lost, or it crashed and lost an unsynced batch: probe again, with an empty
    // append if need be; it either confirms the entries or refuses and we back off.
    if (pr.state === 'replicate' && !stalled) return;
    pr.becomeProbe();
    this.sendAppend(m.from, true);
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send({ type: 'TimeoutNow', from: this.id, to, term: this.term });
  }

  private confirmReads(): void {
    if (!this.reads.hasUnconfirmed()) return;
    const acked = this.isVoter() ? [this.reads.currentContext()] : [];
    for (const [peer, pr] of this.progress) if (this.isVoter(peer)) acked.push(pr.readAcked);
    this.reads.confirmUpTo(majorityIndex(acked));
  }

  /** Sends the follower what it lacks; an empty append only as a probe or when `poke` is set. */
  private sendAppend(to: NodeId, poke = false): void {
    const pr = this.progress.get(to);
    assert(pr !== undefined, `no progress for ${to}`);
    if (pr.state === 'snapshot') {
      if (poke) this.sendSnapshotChunk(to, pr);
      return;
    }
    if (!pr.canSend()) return;
    if (pr.nextIndex <= this.log.snapshotIndex()) {
      // What it needs next was compacted away: only the snapshot can bring it up to date.
      this.sendSnapshotChunk(to, pr);
      return;
    }
    const last = this.log.lastIndex();
    const hasEntries = pr.nextIndex <= last;
    if (!hasEntries && !poke && pr.state === 'replicate') return;
    const prevLogIndex = pr.nextIndex - 1;
    const entries = hasEntries
      ? this.log.slice(pr.nextIndex, last, this.config.maxEntriesPerAppend, this.config.maxBytesPerAppend)
      : [];
    this.send({
      type: 'AppendEntries', from: this.id, to, term: this.term,
      prevLogIndex, prevLogTerm: this.log.term(prevLogIndex), entries, commit: this.commitIndex,
    });
    pr.sent(prevLogIndex + entries.length);
  }

  private flushBroadcasts(): void {
    if (this.role !== 'leader') {
      this.broadcastPending = false;
      this.heartbeatPending = false;
      return;
    }
    if (this.broadcastPending) {
      this.broadcastPending = false;
      for (const peer of this.peers) this.sendAppend(peer);
    }
    if (this.heartbeatPending) {
      this.heartbeatPending = false;
      for (const [to, pr] of this.progress) {
        const hb: Heartbeat = {
          type: 'Heartbeat', from: this.id, to, term: this.term,
          commit: Math.min(pr.matchIndex, this.commitIndex), readContext: this.reads.currentContext(),
        };
        if (this.config.reads === 'lease') hb.lease = this.ticks;
        this.send(hb);
      }
    }
  }

  /** Commit the highest index a majority holds, but only by counting entries of our own term. */
  private maybeCommit(): void {
    const matches = this.matchScratch;
    matches.length = 0;
    // A leader removing itself still leads until that change commits, but no longer counts itself.
    if (this.isVoter()) matches.push(this.durableIndex);
    // TEST-ONLY bug: learners' acknowledgements count toward the voters' majority.
    const learnersCount = this.config.bug === 'learner-in-quorum';
    for (const [peer, pr] of this.progress) if (learnersCount || this.isVoter(peer)) matches.push(pr.matchIndex);
    const index = majorityIndex(matches, quorumSize(this.voterCount()));
    if (index <= this.commitIndex) return;
    // Figure 8: an entry of an earlier term on a majority can still be overwritten.
    if (this.log.term(index) !== this.term && this.config.bug !== 'commit-old-term') return;
    this.setCommit(index);
    if (!isVoter(this.committedConfiguration(), this.id)) {
      // Our own removal is committed: lead no more (and, not a voter, never campaign again).
      this.becomeFollower(this.term, 0);
      return;
    }
    // Followers learn the new commit index from the next append or heartbeat (at most one
    // heartbeat interval away): no extra round of empty appends just to announce it.
    if (this.reads.releaseDeferred(this.commitIndex)) {
      if (this.otherVoters() === 0) this.reads.confirmUpTo(this.reads.currentContext());
      else this.heartbeatPending = true;
    }
  }

  private committedInCurrentTerm(): boolean {
    return this.log.termOrUndefined(this.commitIndex) === this.term;
  }

  private failReads(): void {
    this.reads.failAll();
  }

  private send(m: RaftMessage): void {
    this.outbox.push(m);
  }

  private savedFormOfHardState(): HardState {
    return { term: this.term, vote: this.savedVote(), commit: this.commitIndex };
  }

  private savedVote(): NodeId {
    // TEST-ONLY bug: the vote never reaches storage, so a restarted node can vote twice in a term.
    return this.config.bug === 'forget-vote' ? 0 : this.vote;
  }

  /** Allocation-free: this runs on every input. */
  private hardStateChanged(): boolean {
    const saved = this.lastSavedHardState;
    return saved.term !== this.term || saved.vote !== this.savedVote() || saved.commit !== this.commitIndex;
  }
}

