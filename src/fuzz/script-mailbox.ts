/**
 * The scenario scripts' network (script-cluster.ts): one mailbox where every message waits until
 * a command delivers or drops it, and the links a partition cut. No clock, no random delays.
 */
import type { Message, NodeId } from '../core/types.ts';
import { ScriptError, whole } from './script-args.ts';

/** Which mailbox messages a `deliver` or `drop` takes: `from=IDS to=IDS type=A,B count=N`. */
export interface Filter {
  from?: Set<number>;
  to?: Set<number>;
  types?: Set<string>;
  count?: number;
}

export class ScriptMailbox {
  private messages: Message[] = [];
  /** Cut links as "a-b" (both directions). */
  private readonly cuts = new Set<string>();

  get size(): number {
    return this.messages.length;
  }

  /** What waits, oldest first. */
  waiting(): readonly Message[] {
    return this.messages;
  }

  push(m: Message): void {
    this.messages.push(m);
  }

  /** Removes and returns the messages matching the filter, oldest first. */
  take(filter: Filter): Message[] {
    const chosen: Message[] = [];
    const kept: Message[] = [];
    for (const m of this.messages) {
      const matches = (filter.count === undefined || chosen.length < filter.count)
        && (filter.from === undefined || filter.from.has(m.from as number))
        && (filter.to === undefined || filter.to.has(m.to as number))
        && (filter.types === undefined || filter.types.has(m.type));
      (matches ? chosen : kept).push(m);
    }
    this.messages = kept;
    return chosen;
  }

  /** `1->3 is cut` when the link the message needs is cut, else undefined. */
  cutReason(m: Message): string | undefined {
    return this.cuts.has(`${m.from}-${m.to}`) ? `${m.from}->${m.to} is cut` : undefined;
  }

  /** Cuts every link between two different groups (and heals the rest); returns the line to print. */
  partition(groups: readonly NodeId[][]): string {
    this.cuts.clear();
    for (const [g, group] of groups.entries()) {
      for (const other of groups.slice(g + 1)) {
        for (const a of group) for (const b of other) this.cuts.add(`${a}-${b}`).add(`${b}-${a}`);
      }
    }
    return `partition ${groups.map((g) => `{${g.join(',')}}`).join(' ')}`;
  }

  heal(): void {
    this.cuts.clear();
  }
}

/** Reads `from=IDS to=IDS type=A,B count=N`; `ids` reads a list of node ids. */
export function parseFilter(named: ReadonlyMap<string, string>, ids: (text: string) => NodeId[]): Filter {
  const filter: Filter = {};
  for (const [key, value] of named) {
    if (key === 'from') filter.from = new Set(ids(value));
    else if (key === 'to') filter.to = new Set(ids(value));
    else if (key === 'type') filter.types = new Set(value.split(','));
    else if (key === 'count') filter.count = whole(value, 'count');
    else throw new ScriptError(`unknown filter "${key}" (from, to, type, count)`);
  }
  return filter;
}
