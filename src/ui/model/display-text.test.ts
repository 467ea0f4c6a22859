import { describe, expect, it } from 'vitest';
import { displayText, quoteText } from './display-text.ts';

describe('displayText: user data shown as visible text', () => {
  it('leaves ordinary text alone, including other scripts and emoji', () => {
    for (const s of ['hello world', 'clé', 'ключ', 'مفتاح', 'キー', '😀', '👩‍💻', 'a\\b', 'x"y']) expect(displayText(s)).toBe(s);
  });

  it('writes line breaks and tabs as short escapes', () => {
    expect(displayText('a\nb\tc\rd')).toBe('a\\nb\\tc\\rd');
  });

  it('escapes the other C0 controls, DEL and C1 controls', () => {
    expect(displayText('\u0000\u0007\u001b[31m')).toBe('\\u{0000}\\u{0007}\\u{001B}[31m');
    expect(displayText('a\u007fb\u0085c\u009bd')).toBe('a\\u{007F}b\\u{0085}c\\u{009B}d');
  });

  it('escapes every bidi control: embeddings, overrides, isolates and marks', () => {
    const bidi = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
    for (const ch of bidi) expect(displayText(`a${ch}b`)).toBe(`a\\u{${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}b`);
  });

  it('escapes invisible format characters and separators', () => {
    expect(displayText('a\u200Bb\u00ADc\uFEFFd\u2028e\u2029f\u{E0041}g')).toBe('a\\u{200B}b\\u{00AD}c\\u{FEFF}d\\u{2028}e\\u{2029}f\\u{E0041}g');
  });

  it('escapes a zero-width joiner unless it joins two pictographs', () => {
    expect(displayText('a\u200Db')).toBe('a\\u{200D}b');
    expect(displayText('\u200D')).toBe('\\u{200D}');
    expect(displayText('👩\u200D💻')).toBe('👩\u200D💻');
  });

  it('escapes lone surrogates (a cut emoji) but keeps whole pairs', () => {
    expect(displayText('a\uD83Db')).toBe('a\\u{D83D}b');
    expect(displayText('a\uDE00')).toBe('a\\u{DE00}');
    expect(displayText('\uD83D\uDE00')).toBe('😀');
  });
});

describe('quoteText: console quoting', () => {
  it('keeps a right-to-left override inside the quotes', () => {
    const shown = quoteText('evil\u202Etxt.exe');
    expect(shown).toBe('"evil\\u{202E}txt.exe"');
    // Nothing that reorders text is left, so the closing quote really closes.
    expect(shown).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/u);
    expect(shown.endsWith('exe"')).toBe(true);
  });

  it('escapes quotes and backslashes so the data ends at the closing quote', () => {
    expect(quoteText('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(quoteText('two\nlines')).toBe('"two\\nlines"');
  });
});
