/**
 * The console: lines typed and their replies, and the command history for the arrow keys.
 * Replies are plain text; the view renders them as text, never as HTML.
 */
import type { ConsoleReply } from '../../runtime/cluster-api.ts';
import { formatCommand, formatRoute, replyText } from '../console/format.ts';
import { helpText, parseLine } from '../console/parse.ts';
import type { ClusterStore } from './cluster-store.svelte.ts';

export const MAX_LINES = 400;
export const MAX_HISTORY = 200;

export interface ConsoleLine {
  id: number;
  /** echo: what was typed. reply: a result. error: bad input or a failed request. info: help. */
  kind: 'echo' | 'reply' | 'error' | 'info' | 'pending';
  text: string;
  /** For replies: which node answered, through which redirects, how long it took. */
  route?: string;
}

export class ConsoleState {
  lines: ConsoleLine[] = $state([]);
  /** Oldest first. */
  history: string[] = $state([]);
  private cursor = 0;
  private draft = '';
  private nextId = 1;

  constructor(private readonly store: ClusterStore) {}

  /** Runs a typed line. Resolves when its reply (if any) is in. */
  async run(line: string): Promise<void> {
    this.remember(line);
    const parsed = parseLine(line);
    switch (parsed.kind) {
      case 'empty':
        return;
      case 'clear':
        this.lines = [];
        return;
      case 'help':
        this.push('echo', line.trim());
        this.push('info', helpText(parsed.topic).join('\n'));
        return;
      case 'error':
        this.push('echo', line.trim());
        this.push('error', parsed.message);
        return;
      case 'command':
        break;
    }
    const target = parsed.target;
    this.push('echo', `${target === undefined ? '' : `@${target} `}${formatCommand(parsed.command)}`);
    if (target !== undefined && !this.store.hasNode(target)) {
      this.push('error', `There is no node n${target} in this cluster.`);
      return;
    }
    const id = this.push('pending', target === undefined ? 'waiting for the cluster…' : `waiting for n${target}…`);
    let reply: ConsoleReply;
    try {
      reply = await this.store.submit(parsed.command, target === undefined ? undefined : { target });
    } catch (error) {
      this.update(id, { kind: 'error', text: `(error) ${String(error)}` });
      return;
    }
    this.update(id, { kind: reply.ok || reply.result?.op === 'cas' ? 'reply' : 'error', text: replyText(reply), route: formatRoute(reply) });
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
