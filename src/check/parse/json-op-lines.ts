/**
 * The line on which each element of a JSON document's top-level "ops" array starts, so that a
 * problem found after JSON.parse can still point at a line. Expects text that JSON.parse
 * accepted; a light scanner (strings, nesting, commas) is enough for that.
 */
export function opLinesInDocument(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let lastString = '';
  let currentKey = '';
  let inOps = false;
  let expectingElement = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') continue;
    if (expectingElement && ch !== ']') {
      lines.push(line);
      expectingElement = false;
    }
    if (ch === '"') {
      const end = stringEnd(text, i);
      lastString = text.slice(i + 1, end);
      i = end;
    } else if (ch === ':' && depth === 1) {
      currentKey = lastString;
    } else if (ch === '{' || ch === '[') {
      depth++;
      if (ch === '[' && depth === 2 && currentKey === 'ops') inOps = expectingElement = true;
    } else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 1) inOps = false;
    } else if (ch === ',' && depth === 2 && inOps) {
      expectingElement = true;
    }
  }
  return lines;
}

/** Index of the quote that closes the string opened at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}
