/** The key-value commands a client can send, and their results. Plain data, structured-clone safe. */

export type KvCommand =
  | { op: 'set'; key: string; value: string }
  | { op: 'get'; key: string }
  | { op: 'del'; key: string }
  | { op: 'cas'; key: string; expected: string | null; value: string }
  | { op: 'keys'; prefix: string };

export type KvOp = KvCommand['op'];

/**
 * set: ok. get: value (null when absent). del: ok, value = the deleted value or null.
 * cas: ok when the current value equalled `expected` (null = absent), value = the value seen.
 * keys: the sorted keys with the prefix.
 */
export type KvResult =
  | { op: 'set'; ok: true }
  | { op: 'get'; ok: true; value: string | null }
  | { op: 'del'; ok: true; value: string | null }
  | { op: 'cas'; ok: boolean; value: string | null }
  | { op: 'keys'; ok: true; keys: string[] };

/** Documented limits; requests over them are rejected with a typed error before they reach the log. */
export const MAX_KEY_BYTES = 1024;
export const MAX_VALUE_BYTES = 64 * 1024;

export type KvErrorCode = 'empty-key' | 'key-too-large' | 'value-too-large' | 'unknown-command' | 'stale-request';

export interface KvError {
  code: KvErrorCode;
  message: string;
}
