/**
 * How user data (keys, values, prefixes, command labels) is shown anywhere on the page: the
 * console, the KV table, the log cells, the message inspector. One rule, so a key reads the
 * same everywhere and nothing typed can hide itself or rearrange the text around it.
 *
 * Escaped as visible text: C0 and C1 controls and DEL (\p{Cc}: they break lines or vanish),
 * format characters (\p{Cf}: bidi embeddings, overrides and isolates, LRM/RLM/ALM, zero-width
 * spaces and joiners, soft hyphen, BOM, tag characters), line and paragraph separators, and
 * lone surrogates. A right-to-left override left raw would reverse everything after it, even
 * past a closing quote; escaped it is six harmless characters.
 *
 * The one exception: a zero-width joiner between two pictographs is kept, since it is what
 * makes 👩‍💻 one emoji (it is visible as such, and hides nothing).
 */

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const HIDDEN =
  /(?<![\p{Extended_Pictographic}\uFE0F])\u200D|\u200D(?!\p{Extended_Pictographic})|[\p{Cc}\p{Zl}\p{Zp}]|(?!\u200D)\p{Cf}|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

/** The text with every invisible or text-moving character written as `\n`, `\t`, `\r` or `\u{XXXX}`. */
export function displayText(text: string): string {
  return text.replace(HIDDEN, escapeChar);
}

/**
 * The text in double quotes for the console (redis-cli style): `"` and `\` are escaped too, so the
 * closing quote is always the real end of the data and `\n` typed as two characters reads `\\n`.
 */
export function quoteText(text: string): string {
  return `"${displayText(text.replace(/[\\"]/g, (c) => `\\${c}`))}"`;
}

function escapeChar(ch: string): string {
  const short = SHORT_ESCAPES[ch];
  if (short !== undefined) return short;
  const code = ch.codePointAt(0) ?? 0;
  return `\\u{${code.toString(16).toUpperCase().padStart(4, '0')}}`;
}
