import type { HistoryOp } from '../history.ts';
import { EdnMap, Keyword, printed, readEdn, type EdnValue } from './edn.ts';
import { OpenCalls, type Request } from './open-calls.ts';
import { badLine, type ParseResult } from './parse-result.ts';

/** The register's key when a history has one register (no `[key value]` tuples). */
export const EDN_REGISTER_KEY = 'register';

export interface JepsenEdnOptions {
  /** The register's value before the history starts (default: absent). */
  initial?: string;
}

type EventType = 'invoke' | 'ok' | 'fail' | 'info';
type RegisterF = 'read' | 'write' | 'cas';

const EXPECTED_EVENT = 'expected an operation map like {:type :invoke, :f :write, :value 3, :process 0}';

/**
 * A Jepsen / Knossos history in EDN: one operation map per form, or one vector of them (as
 * history.edn files hold). Register operations `:read`, `:write` and `:cas [old new]`; with
 * jepsen.independent, values are `[key value]` tuples (`[k [old new]]` for a cas) and each key is
 * its own register. Jepsen's meaning: `:fail` did not happen (dropped); `:info` may or may not
 * have happened (no return); a read whose value is nil observed nothing definite (it constrains
 * nothing). Nemesis events (`:process :nemesis`) are faults, not client operations: skipped.
 * Times are event positions: the order Jepsen recorded them in is real-time order.
 */
export function parseJepsenEdn(text: string, options: JepsenEdnOptions = {}): ParseResult {
  const read = readEdn(text);
  if (!read.ok) return badLine(read.line, `not EDN: ${read.message}`);
  const events: { value: EdnValue; line: number; what: string }[] = [];
  for (const form of read.forms) {
    if (Array.isArray(form.value)) form.value.forEach((value, k) => events.push({ value, line: form.line, what: `operation ${k + 1} of the vector` }));
    else events.push({ value: form.value, line: form.line, what: 'this operation' });
  }
  const calls = new OpenCalls();
  const dropped = new Set<number>();
  const keys = new Set<string>();
  let time = 0;
  for (const event of events) {
    if (!(event.value instanceof EdnMap)) return badLine(event.line, `${EXPECTED_EVENT}, found ${short(printed(event.value))}`);
    const op = event.value;
    const process = op.get(':process');
    if (process instanceof Keyword && process.name === 'nemesis') continue;
    time++;
    const problem = applyEvent(calls, op, time, keys, dropped);
    if (problem !== undefined) return badLine(event.line, `${event.what}: ${problem} (${short(printed(op))})`);
  }
  if (calls.ops.length === 0) return badLine(1, `no client operations found: ${EXPECTED_EVENT}`);
  const ops: HistoryOp[] = [];
  if (options.initial !== undefined) {
    // Written before anything else was called, so every operation sees it (or a later write).
    for (const key of keys) ops.push({ id: ops.length, client: 'initial', op: 'set', key, value: options.initial, call: -1, return: 0, result: { ok: true } });
  }
  for (const op of calls.ops) if (!dropped.has(op.id)) ops.push({ ...op, id: ops.length });
  return { ok: true, history: { ops } };
}

function applyEvent(calls: OpenCalls, op: EdnMap, time: number, keys: Set<string>, dropped: Set<number>): string | undefined {
  const type = keywordOf(op.get(':type'), ['invoke', 'ok', 'fail', 'info']) as EventType | undefined;
  if (type === undefined) return 'expected :type to be :invoke, :ok, :fail or :info';
  const f = keywordOf(op.get(':f'), ['read', 'write', 'cas']) as RegisterF | undefined;
  if (f === undefined) return `expected :f to be :read, :write or :cas (register operations), found ${short(printed(op.get(':f') ?? null))}`;
  const processValue = op.get(':process');
  if (processValue === undefined) return 'expected a :process';
  const process = printed(processValue);
  const parsed = splitValue(f, op.get(':value') ?? null);
  if (typeof parsed === 'string') return parsed;
  const { key, value } = parsed;
  keys.add(key);
  switch (type) {
    case 'invoke': {
      const request = requestOf(f, key, value);
      return typeof request === 'string' ? request : calls.invoke(process, f, request, time);
    }
    case 'ok': {
      if (f !== 'read') return calls.complete(process, f, { ok: true }, time);
      // Jepsen: a read of nil observed nothing definite, so its result constrains nothing.
      if (value === null) return calls.complete(process, f, { ok: true }, time);
      const seen = scalar(value);
      return seen === undefined ? `expected a read to return a number, string or nil, found ${short(printed(value))}` : calls.complete(process, f, { ok: true, value: seen }, time);
    }
    case 'fail': {
      // Jepsen: a failed operation did not happen. Closed here, then left out of the history.
      const problem = calls.complete(process, f, { ok: false }, time);
      if (problem !== undefined) return problem;
      const failed = calls.ops.findLast((o) => o.client === process && o.return === time);
      if (failed !== undefined) dropped.add(failed.id);
      return undefined;
    }
    case 'info':
      return calls.abandon(process, f);
  }
}

/** `[key value]` tuples (jepsen.independent) or a bare value on the one register. */
function splitValue(f: RegisterF, value: EdnValue): { key: string; value: EdnValue } | string {
  const tuple = Array.isArray(value) && value.length === 2 && (f !== 'cas' || Array.isArray(value[1]));
  if (!tuple) return { key: EDN_REGISTER_KEY, value };
  const key = scalar(value[0]!);
  if (key === undefined || key === null) return `expected a tuple's key to be a number, string or keyword, found ${short(printed(value[0]!))}`;
  return { key, value: value[1]! };
}

function requestOf(f: RegisterF, key: string, value: EdnValue): Request | string {
  switch (f) {
    case 'read':
      return { op: 'get', key };
    case 'write': {
      const written = scalar(value);
      if (written === undefined || written === null) return `expected a write of a number or string, found ${short(printed(value))}`;
      return { op: 'set', key, value: written };
    }
    case 'cas': {
      if (!Array.isArray(value) || value.length !== 2) return `expected a cas to carry [old new], found ${short(printed(value))}`;
      const expected = scalar(value[0]!);
      const next = scalar(value[1]!);
      if (expected === undefined || next === undefined || next === null) return `expected a cas of numbers or strings, found ${short(printed(value))}`;
      return { op: 'cas', key, expected, value: next };
    }
  }
}

/** A register value as the checker's string (null = absent), or undefined when it is not one. */
function scalar(value: EdnValue): string | null | undefined {
  if (value === null) return null;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return value;
  if (value instanceof Keyword) return String(value);
  return undefined;
}

function keywordOf(value: EdnValue | undefined, allowed: readonly string[]): string | undefined {
  return value instanceof Keyword && allowed.includes(value.name) ? value.name : undefined;
}

function short(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
