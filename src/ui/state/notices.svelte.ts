/**
 * What the page tells the person: the banner area (standing warnings from the cluster and
 * dismissible notices, each text once) and the screen-reader live region, fed by role changes,
 * commits and the actions' own words (coalesced by the Announcer).
 */
import type { ClusterEvent, ClusterSnapshot } from '../../runtime/cluster-api.ts';
import { Announcer, type AnnouncementKind } from '../model/announcer.ts';
import { bannerLines, type Banners, type Notice } from '../model/banners.ts';
import type { FrameScheduler, SnapshotFeed } from './snapshot-feed.svelte.ts';

const MAX_NOTICES = 4;
const NOTICE_MS = 12_000;
/** How long an announcement waits for the state it describes (a worker answers within a view or two). */
const WATCH_MS = 10_000;
const MAX_WATCHES = 8;

/** An announcement waiting until a snapshot shows what it describes. */
interface Watch {
  kind: AnnouncementKind;
  describe: (snapshot: ClusterSnapshot) => string | undefined;
  untilMs: number;
}

export class Notices {
  #notices: Notice[] = $state([]);
  #announcement = $state('');
  #banners: Banners;
  readonly #announcer: Announcer;
  #watches: Watch[] = [];
  #nextId = 1;

  constructor(
    private readonly feed: SnapshotFeed,
    private readonly scheduler: FrameScheduler,
  ) {
    this.#banners = $derived(bannerLines(feed.snapshot.warnings, this.#notices));
    this.#announcer = new Announcer(scheduler, (text) => (this.#announcement = text));
    feed.onEvents((events) => this.onEvents(events));
    feed.onPull((snapshot) => this.onPull(snapshot));
  }

  /** The banner area: standing warnings and notices. */
  get banners(): Banners {
    return this.#banners;
  }
  /** What the live region says now. */
  get announcement(): string {
    return this.#announcement;
  }

  /** Shows a dismissible notice (gone after 12 s unless `sticky`); a text already showing is not added twice. */
  notice(text: string, options: { sticky?: boolean } = {}): void {
    if (this.#notices.some((n) => n.text === text)) return;
    const id = this.#nextId++;
    this.#notices = [...this.#notices, { id, text }].slice(-MAX_NOTICES);
    if (options.sticky !== true) this.scheduler.setTimer(() => this.dismiss(id), NOTICE_MS);
  }

  dismiss(id: number): void {
    this.#notices = this.#notices.filter((n) => n.id !== id);
  }

  /** Says `text` to screen readers (coalesced with others of its kind). */
  say(kind: AnnouncementKind, text: string): void {
    this.#announcer.say(kind, text);
  }

  /**
   * Says what `describe` returns once a snapshot makes it return text (this one or a later one,
   * within WATCH_MS): an action whose effect the controller shows a moment later (a worker's
   * compaction) is announced with what really happened, not what was asked for.
   */
  sayWhen(kind: AnnouncementKind, describe: (snapshot: ClusterSnapshot) => string | undefined): void {
    this.#watches = [...this.#watches, { kind, describe, untilMs: this.scheduler.now() + WATCH_MS }].slice(-MAX_WATCHES);
    this.checkWatches(this.feed.snapshot);
  }

  /** A new cluster: commit progress starts from zero again; nothing of the old one is awaited. */
  restart(): void {
    this.#announcer.resetCommits();
    this.#watches = [];
  }

  private checkWatches(snapshot: ClusterSnapshot): void {
    const now = this.scheduler.now();
    this.#watches = this.#watches.filter((w) => {
      const text = w.describe(snapshot);
      if (text !== undefined) this.say(w.kind, text);
      return text === undefined && now <= w.untilMs;
    });
  }

  private onEvents(events: ClusterEvent[]): void {
    for (const e of events) {
      if (e.kind === 'warning') this.notice(e.message);
      else if (e.kind === 'role' && e.role === 'leader') this.say('leader', `Node ${e.node} is the leader in term ${e.term}.`);
      else if (e.kind === 'role' && e.role === 'candidate') this.say('election', `Election: node ${e.node} is a candidate in term ${e.term}.`);
    }
  }

  private onPull(snapshot: ClusterSnapshot): void {
    if (this.#watches.length > 0) this.checkWatches(snapshot);
    let commit = 0;
    for (const n of snapshot.nodes) commit = Math.max(commit, n.commitIndex);
    this.#announcer.commit(commit);
  }
}
