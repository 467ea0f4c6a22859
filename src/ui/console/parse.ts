/**
 * The console's command language: pure parsing, no I/O. Turns a line the person typed into a
 * KvCommand (or help, or a clear error that gives the right form).
 *
 * Words are separated by spaces. A word may be quoted with "double" or 'single' quotes to hold
 * spaces; inside double quotes, \" \\ \n \t \r and \u{HEX} are escapes (\u{HEX} is how the page
 * shows invisible characters, so a shown key can be typed back). For CAS, the unquoted word nil as
 * the expected value means "the key is absent"; a quoted "nil" is the three-letter string.
 */
import { quoteText } from '../model/display-text.ts';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES, type KvCommand } from '../../core/kv-types.ts';

export type ParsedLine =
  /** `target`: the line began with @N, "ask node N only" (no redirects followed). */
  | { kind: 'command'; command: KvCommand; target?: number }
  | { kind: 'help'; topic: string | undefined }
  | { kind: 'clear' }
  | { kind: 'empty' }
  | { kind: 'error'; message: string };

export interface CommandHelp {
  name: string;
  form: string;
  summary: string;
}

/** The commands, their forms and what they do: HELP prints this, errors quote `form`. */
export const COMMANDS: readonly CommandHelp[] = [
  { name: 'SET', form: 'SET key value', summary: 'store value under key (quote values with spaces: SET greeting "hello world")' },
  { name: 'GET', form: 'GET key', summary: 'read the value of key, (nil) when absent (a linearizable read through the leader)' },
  { name: 'DEL', form: 'DEL key', summary: 'delete key; replies with the value it had' },
  { name: 'KEYS', form: 'KEYS [prefix]', summary: 'list the keys, or those starting with prefix' },
  { name: 'CAS', form: 'CAS key expected new', summary: 'set key to new only if its value is expected; expected nil means "key absent" (quote "nil" for the literal text)' },
  { name: 'HELP', form: 'HELP [command]', summary: 'this list, or the form of one command' },
  { name: 'CLEAR', form: 'CLEAR', summary: 'clear the console output' },
];

interface Word {
  text: string;
  quoted: boolean;
}

const utf8 = new TextEncoder();

/**
 * `nodeCount` is the current cluster's size: `@N` errors name the numbers that exist now
 * (a 3-node cluster says "1 to 3"), not the largest cluster the page can make.
 */
export function parseLine(line: string, nodeCount = MAX_NODE_COUNT): ParsedLine {
  const words = splitWords(line);
  if (typeof words === 'string') return { kind: 'error', message: words };
  const lead = words[0];
  if (lead !== undefined && !lead.quoted && lead.text.startsWith('@')) return parseTargeted(lead.text, words.slice(1), nodeCount);
  return parseWords(words);
}

/** The largest cluster the page makes; the default when the caller does not say. */
const MAX_NODE_COUNT = 7;

/** `@N COMMAND ...`: send the command to node N only. */
function parseTargeted(prefix: string, rest: Word[], nodeCount: number): ParsedLine {
  const match = /^@(\d{1,3})$/.exec(prefix);
  const target = match === null ? 0 : Number(match[1]);
  const range = nodeCount === 1 ? 'node number 1' : `node numbers 1 to ${nodeCount}`;
  if (target < 1 || target > nodeCount) {
    return { kind: 'error', message: `${quoteText(prefix.slice(0, 12))} is not a node. Usage: ${TARGET_FORM} (${range})` };
  }
  const parsed = parseWords(rest);
  if (parsed.kind === 'error') return parsed;
  if (parsed.kind !== 'command') return { kind: 'error', message: `Only SET, GET, DEL, KEYS and CAS can be sent to one node. Usage: ${TARGET_FORM}` };
  return { ...parsed, target };
}

export const TARGET_FORM = '@N COMMAND ...';

function parseWords(words: Word[]): ParsedLine {
  const first = words[0];
  if (first === undefined) return { kind: 'empty' };
  const name = first.text.toUpperCase();
  const args = words.slice(1);
  const spec = COMMANDS.find((c) => c.name === name);
  if (spec === undefined || first.quoted) return { kind: 'error', message: unknownCommand(first.text) };
  switch (name) {
    case 'SET':
      return arity(spec, args, 2, 2) ?? checked({ op: 'set', key: args[0]!.text, value: args[1]!.text });
    case 'GET':
      return arity(spec, args, 1, 1) ?? checked({ op: 'get', key: args[0]!.text });
    case 'DEL':
      return arity(spec, args, 1, 1) ?? checked({ op: 'del', key: args[0]!.text });
    case 'KEYS':
      return arity(spec, args, 0, 1) ?? { kind: 'command', command: { op: 'keys', prefix: args[0]?.text ?? '' } };
    case 'CAS': {
      const bad = arity(spec, args, 3, 3);
      if (bad !== undefined) return bad;
      const expected = args[1]!;
      const isNil = !expected.quoted && expected.text.toLowerCase() === 'nil';
      return checked({ op: 'cas', key: args[0]!.text, expected: isNil ? null : expected.text, value: args[2]!.text });
    }
    case 'HELP':
      return arity(spec, args, 0, 1) ?? { kind: 'help', topic: args[0]?.text.toUpperCase() };
    case 'CLEAR':
      return arity(spec, args, 0, 0) ?? { kind: 'clear' };
    default:
      return { kind: 'error', message: unknownCommand(first.text) };
  }
}

/** The help text: every command (or one), one line each. */
export function helpText(topic?: string): string[] {
  if (topic !== undefined) {
    const spec = COMMANDS.find((c) => c.name === topic);
    if (spec === undefined) return [unknownCommand(topic)];
    return [`${spec.form}: ${spec.summary}`];
  }
  return [
    ...COMMANDS.map((c) => `${c.form}\n    ${c.summary}`),
    `${TARGET_FORM}\n    send the command to node N only, e.g. @2 SET k v: no redirect is followed, the reply says what n2 answered (try it on a cut-off leader)`,
    'Quote words with spaces ("two words"). Up/Down arrows recall earlier commands; Esc leaves the console.',
  ];
}

function arity(spec: CommandHelp, args: Word[], min: number, max: number): ParsedLine | undefined {
  if (args.length >= min && args.length <= max) return undefined;
  const got = args.length === 0 ? 'no arguments' : args.length === 1 ? '1 argument' : `${args.length} arguments`;
  const want = min === max ? `${min === 1 ? '1 argument' : `${min} arguments`}` : `${min} to ${max} arguments`;
  const hint = spec.name === 'SET' && args.length > 2 ? ' (quote a value with spaces: SET key "two words")' : '';
  return { kind: 'error', message: `${spec.name} takes ${want}, got ${got}. Usage: ${spec.form}${hint}` };
}

/** Size and emptiness limits, with the same numbers the store enforces (kv-types.ts). */
function checked(command: KvCommand): ParsedLine {
  if ('key' in command) {
    if (command.key.length === 0) return { kind: 'error', message: 'The key must not be empty.' };
    const keyBytes = utf8.encode(command.key).length;
    if (keyBytes > MAX_KEY_BYTES) return { kind: 'error', message: `The key is ${keyBytes} bytes; the limit is ${MAX_KEY_BYTES} bytes.` };
  }
  const values = command.op === 'set' ? [command.value] : command.op === 'cas' ? [command.expected, command.value] : [];
  for (const value of values) {
    if (value === null) continue;
    const bytes = utf8.encode(value).length;
    if (bytes > MAX_VALUE_BYTES) {
      return { kind: 'error', message: `The value is ${bytes} bytes; the limit is ${MAX_VALUE_BYTES} bytes (64 KiB).` };
    }
  }
  return { kind: 'command', command };
}

function unknownCommand(word: string): string {
  const shown = word.length > 40 ? `${word.slice(0, 40)}…` : word;
  return `Unknown command ${quoteText(shown)}. Commands: ${COMMANDS.map((c) => c.name).join(', ')}. Type HELP for their forms.`;
}

/** Splits a line into words, honouring quotes. Returns an error message for a broken line. */
function splitWords(line: string): Word[] | string {
  const words: Word[] = [];
  let k = 0;
  while (k < line.length) {
    const ch = line[k]!;
    if (ch === ' ' || ch === '\t') {
      k++;
      continue;
    }
    const word = ch === '"' || ch === "'" ? readQuoted(line, k) : readBare(line, k);
    if (typeof word === 'string') return word;
    words.push(word.word);
    k = word.end;
  }
  return words;
}

function readBare(line: string, start: number): { word: Word; end: number } | string {
  let k = start;
  while (k < line.length && line[k] !== ' ' && line[k] !== '\t') {
    if (line[k] === '"' || line[k] === "'") return `A quote must start a word (at column ${k + 1}); put the whole word in quotes.`;
    k++;
  }
  return { word: { text: line.slice(start, k), quoted: false }, end: k };
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', "'": "'" };
const ESCAPE_HELP = 'use \\" \\\\ \\n \\t \\r or \\u{HEX}';

/**
 * One escape at `line[k]` (a backslash). `\\u{HEX}` is the form every view shows an invisible or
 * control character in (display-text.ts), so whatever the page shows can be typed back.
 */
function readEscape(line: string, k: number): { text: string; length: number } | string {
  const next = line[k + 1];
  if (next === 'u') {
    const hex = /^\\u\{([0-9a-fA-F]{1,6})\}/.exec(line.slice(k, k + 10));
    const code = hex === null ? NaN : parseInt(hex[1]!, 16);
    if (hex === null || code > 0x10ffff) return `Bad escape at column ${k + 1}: write \\u{HEX}, e.g. \\u{202E} (at most 10FFFF).`;
    return { text: String.fromCodePoint(code), length: hex[0].length };
  }
  const escaped = next === undefined ? undefined : ESCAPES[next];
  if (escaped === undefined) return `Unknown escape \\${next ?? ''} at column ${k + 1}; ${ESCAPE_HELP}.`;
  return { text: escaped, length: 2 };
}

function readQuoted(line: string, start: number): { word: Word; end: number } | string {
  const quote = line[start]!;
  let text = '';
  let k = start + 1;
  while (k < line.length && line[k] !== quote) {
    const ch = line[k]!;
    if (ch === '\\' && quote === '"') {
      const escape = readEscape(line, k);
      if (typeof escape === 'string') return escape;
      text += escape.text;
      k += escape.length;
      continue;
    }
    text += ch;
    k++;
  }
  if (k >= line.length) return `Unterminated ${quote === '"' ? 'double' : 'single'} quote starting at column ${start + 1}.`;
  const after = line[k + 1];
  if (after !== undefined && after !== ' ' && after !== '\t') return `Put a space after the closing quote at column ${k + 1}.`;
  return { word: { text, quoted: true }, end: k + 1 };
}
