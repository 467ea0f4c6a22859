import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkHistory } from './check-history.ts';
import { modelForFormat, parseHistoryFile, type HistoryFormat } from './parse/parse-history-file.ts';

/**
 * Agreement with Porcupine, an established checker, on the histories from its test data: 102
 * Jepsen etcd logs and 6 KV logs, each with the answer Porcupine gives (expected.json). They live
 * outside the repository, at ../shared/testdata/porcupine from the repository root, and are read
 * in place, never copied. Where that folder is absent the suite is skipped, and says so.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = resolve(repoRoot, '../shared/testdata/porcupine');
const present = existsSync(resolve(dataDir, 'expected.json'));

if (!present) console.warn(`porcupine agreement: skipped, ${dataDir} is absent`);

function formatOf(file: string): HistoryFormat {
  if (file.startsWith('jepsen/')) return 'jepsen-etcd';
  if (file.startsWith('kv/')) return 'porcupine-kv';
  throw new Error(`no format known for ${file}`);
}

describe.skipIf(!present)(`agreement with Porcupine on ${present ? dataDir : 'absent ../shared/testdata/porcupine (skipped)'}`, () => {
  const expected = present ? (JSON.parse(readFileSync(resolve(dataDir, 'expected.json'), 'utf8')) as Record<string, boolean>) : {};
  const files = Object.keys(expected).sort();

  it('covers the whole set: 102 etcd histories and 6 KV histories', () => {
    expect(files.filter((f) => f.startsWith('jepsen/'))).toHaveLength(102);
    expect(files.filter((f) => f.startsWith('kv/'))).toHaveLength(6);
  });

  it.each(files)('%s', (file) => {
    const format = formatOf(file);
    const parsed = parseHistoryFile(readFileSync(resolve(dataDir, file), 'utf8'), format);
    if (!parsed.ok) throw new Error(`${file}:${parsed.line}: ${parsed.message}`);
    const result = checkHistory(parsed.history, { model: modelForFormat(format), timeBudgetMs: 30_000 });
    expect(result.verdict).toBe(expected[file] === true ? 'linearizable' : 'not-linearizable');
  });
});
