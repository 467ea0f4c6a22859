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

export class Notices {
  #notices: Notice[] = $state([]);
  #announcement = $state('');
  #banners: Banners;
  readonly #announcer: Announcer;
  #nextId = 1;

  constructor(
    feed: SnapshotFeed,
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

  /** A new cluster: commit progress starts from zero again. */
  restart(): void {
    this.#announcer.resetCommits();
  }

  private onEvents(events: ClusterEvent[]): void {
    for (const e of events) {
      if (e.kind === 'warning') this.notice(e.message);
      else if (e.kind === 'role' && e.role === 'leader') this.say('leader', `Node ${e.node} is the leader in term ${e.term}.`);
      else if (e.kind === 'role' && e.role === 'candidate') this.say('election', `Election: node ${e.node} is a candidate in term ${e.term}.`);
    }
  }

  private onPull(snapshot: ClusterSnapshot): void {
    let commit = 0;
    for (const n of snapshot.nodes) commit = Math.max(commit, n.commitIndex);
    this.#announcer.commit(commit);
  }
}
