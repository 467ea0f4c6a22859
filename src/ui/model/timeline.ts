/**
 * The history behind the timeline: for each node, the roles it held and when; for each term,
 * when it began and who led it; and the elections (a node starting a campaign, a node winning).
 * Fed by 'role' events. Times are wall-clock ms. Bounded: older history is pruned.
 */
import type { NodeId, Role } from '../../core/types.ts';

export type NodeRole = Role | 'crashed';

export interface RoleSegment {
  /** Unique within the model: two role changes of one node can share a millisecond. */
  id: number;
  node: NodeId;
  role: NodeRole;
  term: number;
  start: number;
  /** undefined while it lasts. */
  end: number | undefined;
}

export interface TermSpan {
  term: number;
  start: number;
  end: number | undefined;
  leader: NodeId | undefined;
}

export interface ElectionMark {
  /** Unique within the model (a node can campaign twice within one millisecond's batch of views). */
  id: number;
  at: number;
  node: NodeId;
  term: number;
  kind: 'campaign' | 'won';
}

export const MAX_SEGMENTS = 3000;
export const MAX_MARKS = 1000;

export class TimelineModel {
  readonly segments: RoleSegment[] = [];
  readonly terms: TermSpan[] = [];
  readonly marks: ElectionMark[] = [];
  private readonly open = new Map<NodeId, RoleSegment>();
  private nextId = 1;

  /** Records that `node` holds `role` in `term` from `at` on (a repeat of the current state is ignored). */
  record(node: NodeId, role: NodeRole, term: number, at: number): void {
    const current = this.open.get(node);
    if (current !== undefined && current.role === role && current.term === term) return;
    if (current !== undefined) current.end = at;
    const segment: RoleSegment = { id: this.nextId++, node, role, term, start: at, end: undefined };
    this.open.set(node, segment);
    this.segments.push(segment);
    this.noteTerm(term, at);
    if (role === 'candidate') this.mark({ id: this.nextId++, at, node, term, kind: 'campaign' });
    if (role === 'leader') {
      this.mark({ id: this.nextId++, at, node, term, kind: 'won' });
      const span = this.terms.find((t) => t.term === term);
      if (span !== undefined) span.leader = node;
    }
    this.bound();
  }

  /** The nodes now shown: a node that disappeared (smaller cluster) stops its segment. */
  reset(): void {
    this.segments.length = 0;
    this.terms.length = 0;
    this.marks.length = 0;
    this.open.clear();
  }

  /** Drops what ended before `before`. */
  prune(before: number): void {
    removeWhere(this.segments, (s) => s.end !== undefined && s.end < before);
    removeWhere(this.terms, (t) => t.end !== undefined && t.end < before);
    removeWhere(this.marks, (m) => m.at < before);
  }

  private noteTerm(term: number, at: number): void {
    if (term === 0) return;
    const last = this.terms[this.terms.length - 1];
    if (last !== undefined && last.term >= term) return;
    if (last !== undefined) last.end = at;
    this.terms.push({ term, start: at, end: undefined, leader: undefined });
  }

  private mark(m: ElectionMark): void {
    this.marks.push(m);
  }

  private bound(): void {
    if (this.segments.length > MAX_SEGMENTS) this.segments.splice(0, this.segments.length - MAX_SEGMENTS);
    if (this.marks.length > MAX_MARKS) this.marks.splice(0, this.marks.length - MAX_MARKS);
    if (this.terms.length > MAX_SEGMENTS) this.terms.splice(0, this.terms.length - MAX_SEGMENTS);
  }
}

function removeWhere<T>(items: T[], predicate: (item: T) => boolean): void {
  let kept = 0;
  for (const item of items) if (!predicate(item)) items[kept++] = item;
  items.length = kept;
}
