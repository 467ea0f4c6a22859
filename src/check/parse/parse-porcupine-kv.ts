import { unreachable } from '../../core/assert.ts';
import type { HistoryOp } from '../history.ts';
import { OpenCalls, type Request } from './open-calls.ts';
import { badLine, quoteLine, type ParseResult } from './parse-result.ts';

const STRING = String.raw`"(?:[^"\\]|\\.)*"`;
const EVENT = new RegExp(
  String.raw`^\{\s*:process\s+(\d+),\s*:type\s+:(invoke|ok|fail|info),\s*:f\s+:(get|put|append),\s*` +
    String.raw`:key\s+(${STRING}),\s*:value\s+(nil|${STRING})\s*\}$`,
);
const EXPECTED_EVENT =
  'expected {:process N, :type :invoke|:ok|:fail|:info, :f :get|:put|:append, :key "K", :value "V"|nil}';

type EventType = 'invoke' | 'ok' | 'fail' | 'info';
type KvOp = 'get' | 'put' | 'append';

/**
 * Porcupine's KV test logs: one EDN map a line, a string map where a missing key reads as "".
 * get → get, put → set, append → append; `:ok` returns, `:fail` did not take effect, `:info` or
 * no completion leaves the outcome unknown.
 *
 * Porcupine's "" and our absent (null) are the same state, so the translation keeps them so:
 * a get that read "" read null, a put of "" is a del, and an append of "" (a no-op, always
 * placeable) is paired but not kept. Then no reachable value is "", and the two models agree.
 */
export function parsePorcupineKv(text: string): ParseResult {
  const calls = new OpenCalls();
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const match = EVENT.exec(line.trim());
    if (match === null) return badLine(index + 1, `${EXPECTED_EVENT}, found ${quoteLine(line)}`);
    const [, process = '', type = '', f = '', rawKey = '', rawValue = ''] = match;
    const key = ednString(rawKey);
    const value = rawValue === 'nil' ? null : ednString(rawValue);
    if (key === undefined || value === undefined) return badLine(index + 1, `expected EDN strings for :key and :value, found ${quoteLine(line)}`);
    const problem = applyEvent(calls, { process, type: type as EventType, f: f as KvOp, key, value }, index + 1);
    if (problem !== undefined) return badLine(index + 1, problem);
  }
  if (calls.ops.length === 0) return badLine(1, `no events found: ${EXPECTED_EVENT} lines`);
  return { ok: true, history: { ops: calls.ops } };
}

interface KvEvent {
  process: string;
  type: EventType;
  f: KvOp;
  key: string;
  value: string | null;
}

function applyEvent(calls: OpenCalls, event: KvEvent, line: number): string | undefined {
  const { process, type, f } = event;
  switch (type) {
    case 'invoke': {
      const request = requestOf(event);
      return typeof request === 'string' ? request : calls.invoke(process, f, request, line);
    }
    case 'ok':
      return calls.complete(process, f, okResultOf(event), line);
    case 'fail':
      return calls.complete(process, f, { ok: false }, line);
    case 'info':
      return calls.abandon(process, f);
    default:
      return unreachable(type);
  }
}

/** The request, undefined for an append of "" (it changes nothing), or a problem. */
function requestOf({ f, key, value }: KvEvent): Request | undefined | string {
  switch (f) {
    case 'get':
      return { op: 'get', key };
    case 'put':
      if (value === null) return `expected a put to carry a string value, found nil`;
      return value === '' ? { op: 'del', key } : { op: 'set', key, value };
    case 'append':
      if (value === null) return `expected an append to carry a string value, found nil`;
      return value === '' ? undefined : { op: 'append', key, value };
    default:
      return unreachable(f);
  }
}

function okResultOf({ f, value }: KvEvent): HistoryOp['result'] {
  return f === 'get' ? { ok: true, value: value === '' ? null : value } : { ok: true };
}

/** EDN string escapes (\" \\ \n \t \uXXXX ...) are JSON's. */
function ednString(quoted: string): string | undefined {
  try {
    const value: unknown = JSON.parse(quoted);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
