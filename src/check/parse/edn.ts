/**
 * A small reader for EDN (extensible data notation), the text format of Jepsen and Knossos
 * histories: maps, vectors, lists, sets, keywords, symbols, strings, integers, decimals, nil,
 * booleans, characters, `;` comments, commas as whitespace, `#_` discards and tagged values
 * (`#jepsen.history.Op{...}` reads as its map: the tag is dropped). Bad input is a result with
 * the line where reading stopped, never an exception.
 */

export class Keyword {
  constructor(readonly name: string) {}
  toString(): string {
    return `:${this.name}`;
  }
}

export class EdnSymbol {
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}

/** A map's keys are compared by their printed form (`:type`, `"a"`, `3`), which EDN keys need. */
export class EdnMap {
  readonly entries = new Map<string, EdnValue>();
  get(key: string): EdnValue | undefined {
    return this.entries.get(key);
  }
}

export type EdnValue = null | boolean | number | bigint | string | Keyword | EdnSymbol | EdnValue[] | EdnMap;

/** A value read from the text, with the line it starts on. */
export interface EdnForm {
  value: EdnValue;
  line: number;
}

export type EdnResult = { ok: true; forms: EdnForm[] } | { ok: false; line: number; message: string };

const DELIMITERS = new Set(['(', ')', '[', ']', '{', '}', '"', ';']);
const INTEGER = /^[+-]?\d+N?$/;
const DECIMAL = /^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/;

class ReadError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads every top-level value in `text`. */
export function readEdn(text: string): EdnResult {
  const reader = new Reader(text);
  const forms: EdnForm[] = [];
  try {
    for (;;) {
      reader.skipSpace();
      if (reader.atEnd()) break;
      const line = reader.line;
      const value = reader.read();
      if (value !== DISCARDED) forms.push({ value, line });
    }
  } catch (error) {
    if (error instanceof ReadError) return { ok: false, line: error.line, message: error.message };
    throw error;
  }
  return { ok: true, forms };
}

/** What `#_` leaves: nothing. */
const DISCARDED = Symbol('discarded');

class Reader {
  private pos = 0;
  line = 1;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '\n') this.line++;
      if (c === ';') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (c !== ',' && c.trim() !== '') return;
      this.pos++;
    }
  }

  read(): EdnValue | typeof DISCARDED {
    this.skipSpace();
    if (this.atEnd()) throw new ReadError(this.line, 'expected a value, found the end of the file');
    const c = this.text[this.pos]!;
    switch (c) {
      case '(':
      case '[':
        this.pos++;
        return this.readSequence(c);
      case '{':
        this.pos++;
        return this.readMap();
      case ')':
      case ']':
      case '}':
        throw new ReadError(this.line, `unexpected "${c}"`);
      case '"':
        return this.readString();
      case '\\':
        return this.readCharacter();
      case '#':
        return this.readDispatch();
      default:
        return this.readAtom();
    }
  }

  private readValue(): EdnValue {
    for (;;) {
      const value = this.read();
      if (value !== DISCARDED) return value;
    }
  }

  private readSequence(open: '(' | '[' | '{' | '#{'): EdnValue[] {
    const close = open === '(' ? ')' : open === '[' ? ']' : '}';
    const start = this.line;
    const items: EdnValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.atEnd()) throw new ReadError(start, `a "${open}" opened here is never closed`);
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      const value = this.read();
      if (value !== DISCARDED) items.push(value);
    }
  }

  private readMap(): EdnMap {
    const start = this.line;
    const items = this.readSequence('{');
    if (items.length % 2 !== 0) throw new ReadError(start, 'a map needs a value for every key');
    const map = new EdnMap();
    for (let k = 0; k < items.length; k += 2) map.entries.set(printed(items[k]!), items[k + 1]!);
    return map;
  }

  private readString(): string {
    const start = this.line;
    let out = '';
    this.pos++;
    for (;;) {
      if (this.atEnd()) throw new ReadError(start, 'a string opened here is never closed');
      const c = this.text[this.pos++]!;
      if (c === '"') return out;
      if (c === '\n') this.line++;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
      if (e !== undefined && e in escapes) out += escapes[e];
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(parseInt(this.text.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else throw new ReadError(this.line, `unknown escape "\\${e ?? ''}" in a string`);
    }
  }

  private readCharacter(): string {
    this.pos++;
    const token = this.token();
    const named: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r' };
    if (token.length === 1) return token;
    if (token in named) return named[token]!;
    throw new ReadError(this.line, `unknown character "\\${token}"`);
  }

  private readDispatch(): EdnValue | typeof DISCARDED {
    this.pos++;
    const next = this.text[this.pos];
    if (next === '{') {
      this.pos++;
      return this.readSequence('#{');
    }
    if (next === '_') {
      this.pos++;
      this.readValue();
      return DISCARDED;
    }
    // A tagged value (#inst "...", #jepsen.history.Op{...}): keep the value, drop the tag.
    const tag = this.token();
    if (tag === '') throw new ReadError(this.line, 'expected a tag after "#"');
    return this.readValue();
  }

  private readAtom(): EdnValue {
    const token = this.token();
    if (token === '') throw new ReadError(this.line, `unexpected "${this.text[this.pos]}"`);
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token.startsWith(':')) {
      if (token.length === 1) throw new ReadError(this.line, 'a keyword needs a name after ":"');
      return new Keyword(token.slice(1));
    }
    if (INTEGER.test(token)) {
      const digits = token.endsWith('N') ? token.slice(0, -1) : token;
      const n = Number(digits);
      return Number.isSafeInteger(n) ? n : BigInt(digits);
    }
    if (DECIMAL.test(token)) return Number(token.endsWith('M') ? token.slice(0, -1) : token);
    if (/^[+-]?\d/.test(token)) throw new ReadError(this.line, `"${token}" is not a number`);
    return new EdnSymbol(token);
  }

  /** Characters up to the next whitespace, comma or delimiter. */
  private token(): string {
    const start = this.pos;
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === ',' || c.trim() === '' || DELIMITERS.has(c)) break;
      this.pos++;
    }
    return t.slice(start, this.pos);
  }
}

/** The printed form of a value: how map keys are compared, and how values appear in messages. */
export function printed(value: EdnValue): string {
  if (value === null) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(printed).join(' ')}]`;
  if (value instanceof EdnMap) return `{${[...value.entries].map(([k, v]) => `${k} ${printed(v)}`).join(', ')}}`;
  return String(value);
}
