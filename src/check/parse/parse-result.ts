import type { History } from '../history.ts';

/** A parsed history file, or where and why it could not be read (bad input is not a bug). */
export type ParseResult = { ok: true; history: History } | { ok: false; line: number; message: string };

export function badLine(line: number, message: string): ParseResult {
  return { ok: false, line, message };
}

/** A line for messages: trimmed and cut short. */
export function quoteLine(line: string): string {
  const trimmed = line.trim();
  return JSON.stringify(trimmed.length > 60 ? `${trimmed.slice(0, 57)}...` : trimmed);
}
