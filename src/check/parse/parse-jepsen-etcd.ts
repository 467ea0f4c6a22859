import { unreachable } from '../../core/assert.ts';
import type { HistoryOp } from '../history.ts';
import { OpenCalls, type Request } from './open-calls.ts';
import { badLine, quoteLine, type ParseResult } from './parse-result.ts';

/** The register's key in the histories this parser builds (Jepsen's etcd test has one register). */
export const JEPSEN_REGISTER_KEY = 'register';

/** Lines that claim to be client events; Jepsen's other log lines are skipped. */
const CLIENT_EVENT = /^INFO\s+jepsen\.util\s+-\s+\d+\s+:/;
const EVENT = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(\S.*?)\s*$/;
const NUMBER = /^-?\d+$/;
const PAIR = /^\[(-?\d+)\s+(-?\d+)\]$/;
const EXPECTED_EVENT = 'expected "INFO jepsen.util - P :invoke|:ok|:fail|:info :read|:write|:cas ARGUMENT"';

type EventType = 'invoke' | 'ok' | 'fail' | 'info';
type RegisterOp = 'read' | 'write' | 'cas';

/**
 * Jepsen etcd logs (one CAS register that starts as nil), as in Porcupine's test data:
 * `INFO  jepsen.util - 3	:invoke	:cas	[0 4]`. read → get, write N → set "N",
 * cas [A B] → cas "A" to "B". `:ok` returns with a result; `:fail` on a cas is a refused swap, on
 * a read (`:timed-out`) or write an operation that did not take effect; `:info` leaves the
 * outcome unknown. Check the result with the 'cas-register' model.
 */
export function parseJepsenEtcd(text: string): ParseResult {
  const calls = new OpenCalls();
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (!CLIENT_EVENT.test(line)) continue;
    const match = EVENT.exec(line);
    if (match === null) return badLine(index + 1, `${EXPECTED_EVENT}, found ${quoteLine(line)}`);
    const [, process = '', type = '', f = '', argument = ''] = match;
    const problem = applyEvent(calls, { process, type: type as EventType, f: f as RegisterOp, argument }, index + 1);
    if (problem !== undefined) return badLine(index + 1, problem);
  }
  if (calls.ops.length === 0) return badLine(1, `no client events found: ${EXPECTED_EVENT} lines`);
  return { ok: true, history: { ops: calls.ops } };
}

interface JepsenEvent {
  process: string;
  type: EventType;
  f: RegisterOp;
  argument: string;
}

function applyEvent(calls: OpenCalls, event: JepsenEvent, line: number): string | undefined {
  const { process, type, f, argument } = event;
  switch (type) {
    case 'invoke': {
      const request = requestOf(f, argument);
      return typeof request === 'string' ? request : calls.invoke(process, f, request, line);
    }
    case 'ok': {
      const result = okResultOf(f, argument);
      return typeof result === 'string' ? result : calls.complete(process, f, result, line);
    }
    case 'fail':
      if (f === 'cas' && !PAIR.test(argument)) return `expected a failed cas to carry [FROM TO], found ${quoteLine(argument)}`;
      return calls.complete(process, f, { ok: false }, line);
    case 'info':
      return calls.abandon(process, f);
    default:
      return unreachable(type);
  }
}

function requestOf(f: RegisterOp, argument: string): Request | string {
  const key = JEPSEN_REGISTER_KEY;
  switch (f) {
    case 'read':
      return argument === 'nil' ? { op: 'get', key } : `expected a read call to carry nil, found ${quoteLine(argument)}`;
    case 'write':
      return NUMBER.test(argument) ? { op: 'set', key, value: argument } : `expected a write of an integer, found ${quoteLine(argument)}`;
    case 'cas': {
      const pair = PAIR.exec(argument);
      if (pair === null) return `expected a cas to carry [FROM TO], found ${quoteLine(argument)}`;
      return { op: 'cas', key, expected: pair[1] ?? '', value: pair[2] ?? '' };
    }
    default:
      return unreachable(f);
  }
}

function okResultOf(f: RegisterOp, argument: string): HistoryOp['result'] | string {
  switch (f) {
    case 'read':
      if (argument === 'nil') return { ok: true, value: null };
      return NUMBER.test(argument) ? { ok: true, value: argument } : `expected a read to return nil or an integer, found ${quoteLine(argument)}`;
    case 'write':
      return NUMBER.test(argument) ? { ok: true } : `expected a write of an integer, found ${quoteLine(argument)}`;
    case 'cas':
      return PAIR.test(argument) ? { ok: true } : `expected a cas to carry [FROM TO], found ${quoteLine(argument)}`;
    default:
      return unreachable(f);
  }
}
