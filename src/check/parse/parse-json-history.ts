import type { HistoryOp } from '../history.ts';
import { duplicateId, problemWithOp } from '../validate-history.ts';
import { opLinesInDocument } from './json-op-lines.ts';
import { badLine, type ParseResult } from './parse-result.ts';

const EXPECTED_SHAPE = 'expected a JSON history {"ops": [...]} or one JSON operation per line';

/**
 * The project's own format (docs/history-format.md), in either of two layouts: the document
 * `Simulation.history()` returns, serialised with JSON.stringify, or JSON Lines (one operation
 * object a line, handy for appending while recording). Every operation is validated.
 */
export function parseJsonHistory(text: string): ParseResult {
  if (text.trim() === '') return badLine(1, `${EXPECTED_SHAPE}, found an empty file`);
  const whole = parseJson(text);
  if (whole.ok && isDocument(whole.value)) return fromDocument(text, whole.value);
  if (!whole.ok && !firstLineIsJson(text)) {
    return badLine(lineAtPosition(text, whole.message), `invalid JSON (${whole.message}); ${EXPECTED_SHAPE}`);
  }
  return fromJsonLines(text);
}

function fromDocument(text: string, document: { ops: unknown }): ParseResult {
  if (!Array.isArray(document.ops)) return badLine(1, `expected "ops" to be an array`);
  const lines = opLinesInDocument(text);
  return validated(document.ops, (index) => lines[index] ?? 1);
}

function fromJsonLines(text: string): ParseResult {
  const ops: unknown[] = [];
  const lineOf: number[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const parsed = parseJson(line);
    if (!parsed.ok) return badLine(index + 1, `${EXPECTED_SHAPE}; this line is not JSON (${parsed.message})`);
    ops.push(parsed.value);
    lineOf.push(index + 1);
  }
  return validated(ops, (index) => lineOf[index] ?? 1);
}

function validated(ops: readonly unknown[], lineOf: (index: number) => number): ParseResult {
  for (const [index, op] of ops.entries()) {
    const problem = problemWithOp(op);
    if (problem !== undefined) return badLine(lineOf(index), `operation ${index}: ${problem}`);
  }
  const valid = ops as HistoryOp[];
  const duplicate = duplicateId(valid);
  if (duplicate !== undefined) {
    const second = valid.findIndex((op, index) => op.id === duplicate && valid.findIndex((o) => o.id === duplicate) < index);
    return badLine(lineOf(second), `operation ${second}: id ${duplicate} is already used (ids must be unique)`);
  }
  return { ok: true, history: { ops: valid } };
}

function isDocument(value: unknown): value is { ops: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'ops' in value;
}

function firstLineIsJson(text: string): boolean {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '');
  return first !== undefined && parseJson(first).ok;
}

/** JSON.parse reports "at position N" (V8); turn that into a line number. */
function lineAtPosition(text: string, message: string): number {
  const position = /position (\d+)/.exec(message);
  if (position === null) return 1;
  return text.slice(0, Number(position[1])).split('\n').length;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
