/**
 * How messages and log entries look to the UI: short labels, summaries without bulky payloads.
 * Pure functions; used by the bus (main thread) and by the node worker (log tails).
 */
import { unreachable } from '../core/assert.ts';
import type { KvCommand } from '../core/kv-types.ts';
import type { ClientReplyBody, Entry, Message } from '../core/types.ts';
import type { EntryView } from './cluster-api.ts';
import { configChangeLabel } from '../core/config-change.ts';

/** Values longer than this are cut in labels and summaries ("…" marks the cut). */
export const LABEL_VALUE_CHARS = 24;

export function shorten(text: string, maxChars = LABEL_VALUE_CHARS): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

export function commandLabel(command: KvCommand, maxChars = LABEL_VALUE_CHARS): string {
  switch (command.op) {
    case 'set':
      return `SET ${shorten(command.key, maxChars)} ${shorten(command.value, maxChars)}`;
    case 'get':
      return `GET ${shorten(command.key, maxChars)}`;
    case 'del':
      return `DEL ${shorten(command.key, maxChars)}`;
    case 'cas': {
      const expected = command.expected === null ? '(nil)' : shorten(command.expected, maxChars);
      return `CAS ${shorten(command.key, maxChars)} ${expected} ${shorten(command.value, maxChars)}`;
    }
    case 'keys':
      return `KEYS ${shorten(command.prefix, maxChars)}`.trimEnd();
    default:
      return unreachable(command);
  }
}

const entryViews = new WeakMap<Entry, EntryView>();

/** Entries never change once created, so their views are cached by identity. */
export function entryView(entry: Entry): EntryView {
  const cached = entryViews.get(entry);
  if (cached !== undefined) return cached;
  const d = entry.data;
  const view: EntryView = d.type === 'noop'
    ? { index: entry.index, term: entry.term, label: 'noop' }
    : d.type === 'config'
      ? { index: entry.index, term: entry.term, label: configChangeLabel(d.change), config: true }
      : { index: entry.index, term: entry.term, label: commandLabel(d.command), clientId: d.clientId };
  entryViews.set(entry, view);
  return view;
}

/** A response that refuses: a vote not granted, an append rejected, a client request refused. */
export function isRejection(m: Message): boolean {
  switch (m.type) {
    case 'PreVoteResp':
    case 'RequestVoteResp':
      return !m.granted;
    case 'AppendEntriesResp':
      return !m.success;
    case 'ClientReply':
      return m.body.kind === 'error';
    default:
      return false;
  }
}

/** Every field of the message, except that entries and long values are summarised. */
export function summarizeMessage(m: Message): Record<string, unknown> {
  switch (m.type) {
    case 'AppendEntries': {
      const { entries, ...rest } = m;
      const first = entries[0];
      const last = entries[entries.length - 1];
      return {
        ...rest,
        entries: entries.length,
        ...(first && last ? { entryRange: [first.index, last.index], entryLabels: entries.slice(0, 8).map((e) => entryView(e).label) } : {}),
      };
    }
    case 'InstallSnapshot': {
      const { chunk, ...rest } = m;
      return { ...rest, chunkChars: chunk.length };
    }
    case 'ClientRequest':
      return { type: m.type, from: m.from, to: m.to, seq: m.seq, command: commandLabel(m.command) };
    case 'ClientReply':
      return { type: m.type, from: m.from, to: m.to, seq: m.seq, body: replyBodyLabel(m.body) };
    default:
      return { ...m };
  }
}

function replyBodyLabel(body: ClientReplyBody): string {
  switch (body.kind) {
    case 'result': {
      const r = body.result;
      if (r.op === 'keys') return `${r.keys.length} keys @${body.index}`;
      if (r.op === 'set') return `OK @${body.index}`;
      const value = r.value === null ? '(nil)' : shorten(r.value);
      return `${r.ok ? 'OK' : 'FAILED'} ${value} @${body.index}`;
    }
    case 'redirect':
      return body.leaderHint === 0 ? 'redirect: leader unknown' : `redirect to ${body.leaderHint}`;
    case 'error':
      return `error: ${body.error.code}`;
    case 'retry':
      return `retry: ${body.reason}`;
    default:
      return unreachable(body);
  }
}

/** The term a message carries (client messages carry none: 0). */
export function messageTerm(m: Message): number {
  return 'term' in m ? m.term : 0;
}
