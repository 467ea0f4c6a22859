/**
 * What the screen-reader live region says. Elections, crashes and commits arrive far faster than a
 * person can listen, so announcements are coalesced: within a window only the latest message of
 * each kind survives, then they are spoken together; commit progress is said at most every
 * `commitEveryMs`. Time and the output are injected. Pure apart from the timer it is given.
 */
export type AnnouncementKind = 'leader' | 'election' | 'node' | 'commit' | 'network' | 'action';

export interface AnnouncerTimers {
  now(): number;
  setTimer(run: () => void, ms: number): unknown;
}

const ORDER: AnnouncementKind[] = ['action', 'node', 'network', 'election', 'leader', 'commit'];

export class Announcer {
  private pending = new Map<AnnouncementKind, string>();
  private timer: unknown;
  private lastCommitAt = -Infinity;
  private lastCommitIndex = 0;

  constructor(
    private readonly timers: AnnouncerTimers,
    private readonly speak: (text: string) => void,
    private readonly windowMs = 1500,
    private readonly commitEveryMs = 10_000,
  ) {}

  say(kind: AnnouncementKind, text: string): void {
    if (kind === 'leader') this.pending.delete('election'); // a winner makes the campaign old news
    if (kind === 'election' && this.pending.has('leader')) return;
    this.pending.set(kind, text);
    this.arm();
  }

  /** Commit progress: spoken only now and then, and only when it moved. */
  commit(index: number): void {
    if (index <= this.lastCommitIndex) return;
    const now = this.timers.now();
    if (now - this.lastCommitAt < this.commitEveryMs) return;
    this.lastCommitAt = now;
    this.lastCommitIndex = index;
    this.say('commit', `Entries committed through index ${index}.`);
  }

  resetCommits(): void {
    this.lastCommitIndex = 0;
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    this.timer = this.timers.setTimer(() => this.flush(), this.windowMs);
  }

  private flush(): void {
    this.timer = undefined;
    const parts = ORDER.map((k) => this.pending.get(k)).filter((t): t is string => t !== undefined);
    this.pending.clear();
    if (parts.length > 0) this.speak(parts.join(' '));
  }
}
