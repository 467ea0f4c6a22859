/**
 * The replicated key-value state machine, with exactly-once client sessions.
 *
 * A session remembers, per client, the highest sequence number applied and its result. A retried
 * request (same client, same seq) is not applied again: it gets the remembered result. The session
 * table is replicated state: every node applies the same entries and so holds the same table.
 *
 * Invariant: every session's lastSeq only grows.
 * Invariant: sessions.size <= maxSessions (the least recently used session is evicted first,
 *            deterministically, by the index of the entry that last touched it).
 */
import { assert, unreachable } from './assert.ts';
import type { BugName } from './bugs.ts';
import {
  MAX_KEY_BYTES,
  MAX_VALUE_BYTES,
  type KvCommand,
  type KvError,
  type KvResult,
} from './kv-types.ts';
import type { ClientId, Entry } from './types.ts';

export interface Session {
  lastSeq: number;
  lastResult: KvResult;
  lastIndex: number;
}

export const DEFAULT_MAX_SESSIONS = 4096;

export class KvStore {
  readonly data = new Map<string, string>();
  readonly sessions = new Map<ClientId, Session>();
  appliedIndex = 0;

  constructor(
    private readonly maxSessions = DEFAULT_MAX_SESSIONS,
    private readonly bug?: BugName,
  ) {}

  /** Applies one committed entry. Returns the client's result for command entries. */
  apply(entry: Entry): KvResult | undefined {
    assert(entry.index === this.appliedIndex + 1, `apply out of order: ${entry.index} after ${this.appliedIndex}`);
    this.appliedIndex = entry.index;
    if (entry.data.type !== 'command') return undefined; // a noop or a membership change
    const { clientId, seq, command } = entry.data;
    const session = this.sessions.get(clientId);
    if (session !== undefined && seq <= session.lastSeq && this.bug !== 'no-dedup') {
      // A retry of something already applied (or an even older request): do not apply twice.
      return session.lastResult;
    }
    const result = this.execute(command);
    this.sessions.delete(clientId); // re-insert: Map order is the LRU order
    this.sessions.set(clientId, { lastSeq: Math.max(seq, session?.lastSeq ?? 0), lastResult: result, lastIndex: entry.index });
    if (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    return result;
  }

  /** The remembered answer to a request that was already applied, if any. */
  cachedResult(clientId: ClientId, seq: number): KvResult | undefined {
    const session = this.sessions.get(clientId);
    if (session === undefined || this.bug === 'no-dedup') return undefined;
    return session.lastSeq === seq ? session.lastResult : undefined;
  }

  /** True when the client has already moved past `seq` (its answer is no longer kept). */
  isStale(clientId: ClientId, seq: number): boolean {
    const session = this.sessions.get(clientId);
    return session !== undefined && seq < session.lastSeq;
  }

  /**
   * The whole state machine as text, for a snapshot: the data and the session table (without it,
   * a retry of a write the snapshot covers would be applied twice on the node that installed it).
   */
  encode(): string {
    const snapshot: EncodedKv = { version: KV_ENCODING_VERSION, appliedIndex: this.appliedIndex, data: [...this.data], sessions: [...this.sessions] };
    return JSON.stringify(snapshot);
  }

  /** Replaces the whole state machine with encode()'s text. Throws a clear error (changing nothing) for anything else. */
  restore(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`the snapshot is not valid JSON (${(e as Error).message})`, { cause: e });
    }
    const problem = encodedKvProblem(parsed);
    if (problem !== undefined) throw new Error(`the snapshot is malformed: ${problem}`);
    const encoded = parsed as EncodedKv;
    this.data.clear();
    this.sessions.clear();
    for (const [key, value] of encoded.data) this.data.set(key, value);
    for (const [client, session] of encoded.sessions) this.sessions.set(client, session);
    this.appliedIndex = encoded.appliedIndex;
  }

  /** Reads never enter the log; they are answered from applied state after ReadIndex. */
  read(command: KvCommand & { op: 'get' | 'keys' }): KvResult {
    return this.execute(command);
  }

  private execute(command: KvCommand): KvResult {
    switch (command.op) {
      case 'set':
        this.data.set(command.key, command.value);
        return { op: 'set', ok: true };
      case 'get':
        return { op: 'get', ok: true, value: this.data.get(command.key) ?? null };
      case 'del': {
        const value = this.data.get(command.key) ?? null;
        this.data.delete(command.key);
        return { op: 'del', ok: true, value };
      }
      case 'cas': {
        const value = this.data.get(command.key) ?? null;
        if (value !== command.expected) return { op: 'cas', ok: false, value };
        this.data.set(command.key, command.value);
        return { op: 'cas', ok: true, value };
      }
      case 'keys': {
        const keys = [...this.data.keys()].filter((k) => k.startsWith(command.prefix)).sort();
        return { op: 'keys', ok: true, keys };
      }
      default:
        return unreachable(command);
    }
  }
}

const KV_ENCODING_VERSION = 1;

interface EncodedKv {
  version: number;
  appliedIndex: number;
  data: [string, string][];
  sessions: [ClientId, Session][];
}

function encodedKvProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const v = value as Record<string, unknown>;
  if (v['version'] !== KV_ENCODING_VERSION) return `unknown version ${JSON.stringify(v['version'])}`;
  if (typeof v['appliedIndex'] !== 'number' || !Number.isInteger(v['appliedIndex']) || v['appliedIndex'] < 0) return 'bad applied index';
  if (!Array.isArray(v['data']) || !v['data'].every((p) => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string')) return 'the data is not a list of [key, value] strings';
  if (!Array.isArray(v['sessions']) || !v['sessions'].every((p) => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'object' && p[1] !== null)) return 'the session table is malformed';
  return undefined;
}

const utf8 = new TextEncoder();

/** UTF-8 size, computed only when the string could exceed `limit` (a UTF-16 unit is at most 3 bytes). */
function bytesIfOver(s: string, limit: number): number {
  if (s.length * 3 <= limit) return 0;
  const bytes = utf8.encode(s).length;
  return bytes > limit ? bytes : 0;
}

/** Checks a command before it reaches the log. Returns undefined when it is acceptable. */
export function validateCommand(command: KvCommand): KvError | undefined {
  if (typeof command !== 'object' || command === null) return unknownCommand();
  switch (command.op) {
    case 'set':
    case 'cas':
      return validateKey(command.key) ?? validateValue(command.value) ??
        (command.op === 'cas' && command.expected !== null ? validateValue(command.expected) : undefined);
    case 'get':
    case 'del':
      return validateKey(command.key);
    case 'keys':
      return typeof command.prefix === 'string' ? undefined : unknownCommand();
    default:
      return unknownCommand();
  }
}

function unknownCommand(): KvError {
  return { code: 'unknown-command', message: 'unknown command: expected SET, GET, DEL, CAS or KEYS' };
}

function validateKey(key: unknown): KvError | undefined {
  if (typeof key !== 'string' || key.length === 0) return { code: 'empty-key', message: 'the key must not be empty' };
  const bytes = bytesIfOver(key, MAX_KEY_BYTES);
  if (bytes > 0) return { code: 'key-too-large', message: `key is ${bytes} bytes; the limit is ${MAX_KEY_BYTES} bytes` };
  return undefined;
}

function validateValue(value: unknown): KvError | undefined {
  if (typeof value !== 'string') return { code: 'unknown-command', message: 'the value must be a string' };
  const bytes = bytesIfOver(value, MAX_VALUE_BYTES);
  if (bytes > 0) return { code: 'value-too-large', message: `value is ${bytes} bytes; the limit is ${MAX_VALUE_BYTES} bytes (64 KiB)` };
  return undefined;
}
