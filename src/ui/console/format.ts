/**
 * How console replies read: the result in the style of redis-cli, and a line saying which node
 * answered, through which redirects and retries, and how long it took. Pure; returns plain text
 * (the view renders it as text, never as HTML).
 */
import { unreachable } from '../../core/assert.ts';
import type { KvCommand, KvResult } from '../../core/kv-types.ts';
import type { ConsoleReply } from '../../runtime/cluster-api.ts';
import { displayText, quoteText } from '../model/display-text.ts';

/** A long value is shown in full up to this many characters, then cut with a note. */
export const MAX_SHOWN_CHARS = 2000;

export function formatResult(result: KvResult): string {
  switch (result.op) {
    case 'set':
      return 'OK';
    case 'get':
      return quoteValue(result.value);
    case 'del':
      return result.value === null ? '(nil): the key did not exist' : `deleted, was ${quoteValue(result.value)}`;
    case 'cas':
      return result.ok ? `OK: swapped (was ${quoteValue(result.value)})` : `NOT SWAPPED: the value is ${quoteValue(result.value)}`;
    case 'keys':
      return result.keys.length === 0 ? '(empty list)' : result.keys.map((k, n) => `${n + 1}) ${quoteValue(k)}`).join('\n');
    default:
      return unreachable(result);
  }
}

export function quoteValue(value: string | null): string {
  if (value === null) return '(nil)';
  const shown = value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}… (${value.length} characters)` : value;
  return quoteText(shown);
}

/** "answered by n3 after n1 → n3, 12 ms" (or "no node answered" when nobody did). */
export function formatRoute(reply: ConsoleReply): string {
  const ms = `${Math.round(reply.latencyMs)} ms`;
  const tried = reply.path.map((id) => `n${id}`);
  if (reply.answeredBy === undefined) {
    return tried.length === 0 ? `no node answered, ${ms}` : `no node answered (tried ${tried.join(' → ')}), ${ms}`;
  }
  const answered = `n${reply.answeredBy}`;
  const hops = tried.length > 1 ? ` via ${tried.join(' → ')}` : '';
  return `answered by ${answered}${hops}, ${ms}`;
}

/** The text of a reply: the result, or the error, as the console shows it. */
export function replyText(reply: ConsoleReply): string {
  if (reply.result !== undefined && reply.ok) return formatResult(reply.result);
  if (reply.result !== undefined && reply.result.op === 'cas') return formatResult(reply.result);
  if (reply.error !== undefined) return `(error) ${reply.error}`;
  return reply.text;
}

/** The command as it would be typed, for the echo line and the history. */
export function formatCommand(command: KvCommand): string {
  // A bare word only when it has nothing to hide; otherwise quoted with the escapes the parser reads.
  const w = (s: string) => (/^[^\s"']+$/.test(s) && s.toLowerCase() !== 'nil' && displayText(s) === s ? s : quoteText(s));
  switch (command.op) {
    case 'set':
      return `SET ${w(command.key)} ${w(command.value)}`;
    case 'get':
      return `GET ${w(command.key)}`;
    case 'del':
      return `DEL ${w(command.key)}`;
    case 'keys':
      return command.prefix === '' ? 'KEYS' : `KEYS ${w(command.prefix)}`;
    case 'cas':
      return `CAS ${w(command.key)} ${command.expected === null ? 'nil' : w(command.expected)} ${w(command.value)}`;
    default:
      return unreachable(command);
  }
}
