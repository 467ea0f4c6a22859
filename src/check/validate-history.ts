import { HISTORY_OP_NAMES, type HistoryOp, type HistoryOpName } from './history.ts';

/**
 * Well-formedness of history operations. Files are untrusted input, so the parsers turn a problem
 * into a typed error with a line number; `checkHistory` asserts instead, because a malformed
 * history handed over in code is a bug in whoever built it.
 */

/** What is wrong with one would-be operation, or undefined when it is a valid `HistoryOp`. */
export function problemWithOp(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'expected an operation object';
  const op = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(op.id)) return `expected "id" to be an integer, found ${show(op.id)}`;
  if (typeof op.client !== 'string') return `expected "client" to be a string, found ${show(op.client)}`;
  if (!isOpName(op.op)) return `expected "op" to be one of ${HISTORY_OP_NAMES.join(', ')}, found ${show(op.op)}`;
  if (typeof op.key !== 'string') return `expected "key" to be a string, found ${show(op.key)}`;
  return problemWithArguments(op.op, op) ?? problemWithTimes(op);
}

/** The first duplicate id, if any: ids name operations in explanations, so they must be unique. */
export function duplicateId(ops: readonly HistoryOp[]): number | undefined {
  const seen = new Set<number>();
  for (const op of ops) {
    if (seen.has(op.id)) return op.id;
    seen.add(op.id);
  }
  return undefined;
}

function problemWithArguments(name: HistoryOpName, op: Record<string, unknown>): string | undefined {
  const needsValue = name === 'set' || name === 'append' || name === 'cas';
  if (needsValue && typeof op.value !== 'string') return `expected "value" (a string) on ${name}, found ${show(op.value)}`;
  if (!needsValue && op.value !== undefined) return `unexpected "value" on ${name}`;
  if (name === 'cas' && !isValue(op.expected)) return `expected "expected" (a string or null) on cas, found ${show(op.expected)}`;
  if (name !== 'cas' && op.expected !== undefined) return `unexpected "expected" on ${name}`;
  return undefined;
}

function problemWithTimes(op: Record<string, unknown>): string | undefined {
  if (!isTime(op.call)) return `expected "call" to be a finite number, found ${show(op.call)}`;
  if (op.return === undefined) {
    return op.result === undefined ? undefined : 'unexpected "result" without "return" (an unknown outcome has no result)';
  }
  if (!isTime(op.return)) return `expected "return" to be a finite number, found ${show(op.return)}`;
  if (op.return < op.call) return `"return" (${op.return}) is before "call" (${op.call})`;
  return problemWithResult(op.result);
}

function problemWithResult(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return `expected "result" with "ok" when "return" is present, found ${show(result)}`;
  const { ok, value } = result as Record<string, unknown>;
  if (typeof ok !== 'boolean') return `expected "result.ok" to be a boolean, found ${show(ok)}`;
  if (value !== undefined && !isValue(value)) return `expected "result.value" to be a string or null, found ${show(value)}`;
  return undefined;
}

function isOpName(value: unknown): value is HistoryOpName {
  return typeof value === 'string' && (HISTORY_OP_NAMES as readonly string[]).includes(value);
}

function isValue(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
