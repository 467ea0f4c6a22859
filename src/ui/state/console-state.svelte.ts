/**
 * The console: lines typed and their replies, and the command history for the arrow keys.
 * Replies are plain text; the view renders them as text, never as HTML.
 */
import type { ConsoleReply, RequestProgress } from '../../runtime/cluster-api.ts';
import { unreachable } from '../../core/assert.ts';
import { formatCommand, formatRoute, replyText } from '../console/format.ts';
import { helpText, parseLine } from '../console/parse.ts';
import { displayText } from '../model/display-text.ts';
import type { ClusterActions } from './cluster-actions.ts';
import type { SnapshotFeed } from './snapshot-feed.svelte.ts';

export const MAX_LINES = 400;
export const MAX_HISTORY = 200;

export interface ConsoleLine {
  id: number;
  /**
   * echo: what was typed. reply: a result. error: bad input or a failed request. info: help.
   * pending: waiting (the text says for what). held: no answer within the bound, the text says
   * why; the person can retry it (same identity) or cancel it.
   */
  kind: 'echo' | 'reply' | 'error' | 'info' | 'pending' | 'held';
  text: string;
  /** For replies: which node answered, through which redirects, how long it took. */
  route?: string;
  /** For pending and held lines: the request, for retry and cancel. */
  requestId?: number;
}

export class ConsoleState {
  lines: ConsoleLine[] = $state([]);
  /** Oldest first. */
  history: string[] = $state([]);
  private cursor = 0;
  private draft = '';
  private nextId = 1;

  constructor(
    private readonly feed: SnapshotFeed,
    private readonly actions: ClusterActions,
  ) {}

  /** Runs a typed line. Resolves when its reply (if any) is in. */
  async run(line: string): Promise<void> {
    this.remember(line);
    const parsed = parseLine(line, this.feed.snapshot.nodes.length);
    switch (parsed.kind) {
      case 'empty':
        return;
      case 'clear':
        this.lines = [];
        return;
      case 'help':
        this.push('echo', displayText(line.trim()));
        this.push('info', helpText(parsed.topic).join('\n'));
        return;
      case 'error':
        this.push('echo', displayText(line.trim()));
        this.push('error', parsed.message);
        return;
      case 'command':
        break;
    }
    const target = parsed.target;
    this.push('echo', `${target === undefined ? '' : `@${target} `}${formatCommand(parsed.command)}`);
    if (target !== undefined && !this.feed.hasNode(target)) {
      this.push('error', `There is no node n${target} in this cluster.`);
      return;
    }
    const id = this.push('pending', target === undefined ? 'waiting for the cluster…' : `waiting for n${target}…`);
    const onProgress = (p: RequestProgress) => this.update(id, { ...progressLine(p, target), requestId: p.requestId });
    let reply: ConsoleReply;
    try {
      reply = await this.actions.submit(parsed.command, target === undefined ? { onProgress } : { target, onProgress });
    } catch (error) {
      this.update(id, { kind: 'error', text: `(error) ${String(error)}` });
      return;
    }
    this.update(id, { kind: reply.ok || reply.result?.op === 'cas' ? 'reply' : 'error', text: replyText(reply), route: formatRoute(reply), requestId: undefined });
  }

  /** Sends a held request again (same client id and seq: a write still takes effect once). */
  retry(lineId: number): void {
    const line = this.lines.find((l) => l.id === lineId);
    if (line?.kind !== 'held' || line.requestId === undefined) return;
    if (this.actions.retryRequest(line.requestId)) this.update(lineId, { kind: 'pending', text: 'retrying the same request…' });
  }

  /** Gives a waiting or held request up; its line then says what that means. */
  cancel(lineId: number): void {
    const line = this.lines.find((l) => l.id === lineId);
    if (line?.requestId !== undefined) this.actions.cancelRequest(line.requestId);
  }

  /** Up arrow: the previous command (the draft being typed is kept for the way back down). */
  previous(current: string): string {
    if (this.cursor === this.history.length) this.draft = current;
    this.cursor = Math.max(0, this.cursor - 1);
    return this.history[this.cursor] ?? current;
  }

  next(current: string): string {
    if (this.cursor >= this.history.length) return current;
    this.cursor++;
    return this.cursor === this.history.length ? this.draft : this.history[this.cursor]!;
  }

  private remember(line: string): void {
    const trimmed = line.trim();
    if (trimmed !== '' && this.history[this.history.length - 1] !== trimmed) {
      this.history = [...this.history, trimmed].slice(-MAX_HISTORY);
    }
    this.cursor = this.history.length;
    this.draft = '';
  }

  private push(kind: ConsoleLine['kind'], text: string): number {
    const id = this.nextId++;
    const next = [...this.lines, { id, kind, text }];
    this.lines = next.length > MAX_LINES ? next.slice(next.length - MAX_LINES) : next;
    return id;
  }

  private update(id: number, patch: Partial<ConsoleLine>): void {
    this.lines = this.lines.map((l) => (l.id === id ? { ...l, ...patch } : l));
  }
}

/** What the pending line says while a request waits. */
function progressLine(p: RequestProgress, target: number | undefined): Pick<ConsoleLine, 'kind' | 'text'> {
  switch (p.kind) {
    case 'queued':
      return {
        kind: 'pending',
        text: p.why === 'same-key'
          ? `queued behind ${p.behind} earlier request${p.behind === 1 ? '' : 's'} on the same key…`
          : `queued: every console session is busy (${p.behind} requests running)…`,
      };
    case 'sent':
      if (target !== undefined) return { kind: 'pending', text: `waiting for n${target}…` };
      return { kind: 'pending', text: p.attempt === 1 ? `sent to n${p.to}, waiting for its answer…` : `no answer yet; trying n${p.to} (attempt ${p.attempt})…` };
    case 'held':
      return { kind: 'held', text: `no answer after ${(p.waitedMs / 1000).toFixed(1)} s: ${p.reason}. The request is kept: Retry sends the same request again, Cancel gives it up.` };
    default:
      return unreachable(p);
  }
}
