/** How a log entry reads in the UI: "noop", "SET k v", "DEL k", "CAS k a b", with long values cut. */
import { unreachable } from '../../core/assert.ts';
import type { Entry } from '../../core/types.ts';
import type { EntryView } from '../../runtime/cluster-api.ts';

export const MAX_LABEL_PART_CHARS = 24;

const cache = new WeakMap<Entry, EntryView>();

/** Entries are immutable once created, so their views are cached by identity. */
export function entryView(entry: Entry): EntryView {
  const cached = cache.get(entry);
  if (cached !== undefined) return cached;
  const data = entry.data;
  const view: EntryView = data.type === 'noop'
    ? { index: entry.index, term: entry.term, label: 'noop' }
    : { index: entry.index, term: entry.term, label: commandLabel(data.command), clientId: data.clientId };
  cache.set(entry, view);
  return view;
}

function commandLabel(command: Extract<Entry['data'], { type: 'command' }>['command']): string {
  switch (command.op) {
    case 'set':
      return `SET ${short(command.key)} ${short(command.value)}`;
    case 'del':
      return `DEL ${short(command.key)}`;
    case 'cas':
      return `CAS ${short(command.key)} ${command.expected === null ? 'nil' : short(command.expected)} ${short(command.value)}`;
    case 'get':
      return `GET ${short(command.key)}`;
    case 'keys':
      return `KEYS ${short(command.prefix)}`;
    default:
      return unreachable(command);
  }
}

function short(s: string): string {
  return s.length > MAX_LABEL_PART_CHARS ? `${s.slice(0, MAX_LABEL_PART_CHARS - 1)}…` : s;
}
