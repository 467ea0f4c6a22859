/**
 * Reading a scenario-script command's arguments (script-cluster.ts). A mistake in them is a
 * ScriptError, printed as the command's output (`error: ...`) so the diff shows it.
 */

/** A command the script got wrong: reported as the command's output, so the diff shows it. */
export class ScriptError extends Error {}

export function whole(text: string | undefined, what: string): number {
  const n = Number(text);
  if (text === undefined || !Number.isSafeInteger(n) || n < 0) throw new ScriptError(`${what}: expected a whole number, got "${text ?? ''}"`);
  return n;
}

export function positive(text: string | undefined, what: string): number {
  const n = whole(text, what);
  if (n === 0) throw new ScriptError(`${what}: expected at least 1`);
  return n;
}

export function required(what: string): never {
  throw new ScriptError(`missing ${what}`);
}
