import { unreachable } from '../../core/assert.ts';
import type { ModelName } from '../model.ts';
import { parseJepsenEdn, type JepsenEdnOptions } from './parse-jepsen-edn.ts';
import { parseJepsenEtcd } from './parse-jepsen-etcd.ts';
import { parseJsonHistory } from './parse-json-history.ts';
import { parsePorcupineKv } from './parse-porcupine-kv.ts';
import type { ParseResult } from './parse-result.ts';

export type HistoryFormat = 'json' | 'jepsen-etcd' | 'jepsen-edn' | 'porcupine-kv';
export const HISTORY_FORMATS: readonly HistoryFormat[] = ['json', 'jepsen-etcd', 'jepsen-edn', 'porcupine-kv'];

/**
 * Reads a history file. Bad input is a result, not an exception: the line (1-based) where
 * reading stopped and what was expected there. `options` apply to jepsen-edn (the register's
 * starting value).
 */
export function parseHistoryFile(text: string, format: HistoryFormat, options: JepsenEdnOptions = {}): ParseResult {
  switch (format) {
    case 'json':
      return parseJsonHistory(text);
    case 'jepsen-etcd':
      return parseJepsenEtcd(text);
    case 'jepsen-edn':
      return parseJepsenEdn(text, options);
    case 'porcupine-kv':
      return parsePorcupineKv(text);
    default:
      return unreachable(format);
  }
}

/** The model a format's histories are meant for: Jepsen's etcd test is one CAS register. */
export function modelForFormat(format: HistoryFormat): ModelName {
  switch (format) {
    case 'json':
    case 'porcupine-kv':
      return 'kv';
    case 'jepsen-etcd':
    case 'jepsen-edn': // registers, one per key with jepsen.independent
      return 'cas-register';
    default:
      return unreachable(format);
  }
}
