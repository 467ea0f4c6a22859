/**
 * `npm run bench:check [-- --runs N] [-- --data DIR]`: times the linearizability checker on
 * Porcupine's test data (../shared/testdata/porcupine from the repository root): the 102 Jepsen
 * etcd histories and each KV history. Every run parses and checks every file and must agree with
 * expected.json (a disagreement fails the bench: a fast wrong answer is worth nothing).
 *
 * Reports per set the median over runs of the summed check time, and of parse + check, with the
 * spread; and the first (cold, before the JIT warms up) run apart, which is closest to what a
 * single `npm run check` sees. The reference Go checker needs about 1 s for the etcd set and
 * 0.2-0.4 s for the 50-client KV history.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkHistory } from '../src/check/check-history.ts';
import { modelForFormat, parseHistoryFile, type HistoryFormat } from '../src/check/parse/parse-history-file.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Sample {
  checkMs: number;
  totalMs: number;
}

interface Case {
  file: string;
  set: string;
  format: HistoryFormat;
  text: string;
  linearizable: boolean;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      data: { type: 'string', default: resolve(repoRoot, '../shared/testdata/porcupine') },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) return fail(`expected --runs to be a positive integer, found "${values.runs}"`);
  if (!existsSync(resolve(values.data, 'expected.json'))) return fail(`no test data at ${values.data} (expected.json missing)`);
  const cases = loadCases(values.data);
  console.log(`bench-check: ${cases.length} histories from ${values.data}, ${runs} runs, node ${process.version}, ${availableParallelism()} cpus`);
  const samples: Map<string, Sample>[] = [];
  for (let run = 0; run < runs; run++) {
    const result = runOnce(cases);
    if (typeof result === 'string') return fail(result);
    samples.push(result);
  }
  printTable(cases, samples);
  const all = summarise(samples, () => true);
  console.log(
    `bench-check: ${cases.length} verdicts agree with expected.json in every run; whole set median ` +
      `${all.checkMs.toFixed(0)} ms check, ${all.totalMs.toFixed(0)} ms parse+check (${runs} runs)`,
  );
  return 0;
}

function loadCases(dataDir: string): Case[] {
  const expected = JSON.parse(readFileSync(resolve(dataDir, 'expected.json'), 'utf8')) as Record<string, boolean>;
  return Object.keys(expected)
    .sort()
    .map((file) => {
      const etcd = file.startsWith('jepsen/');
      return {
        file,
        set: etcd ? 'jepsen etcd (102)' : file.replace(/\.txt$/, ''),
        format: etcd ? 'jepsen-etcd' : 'porcupine-kv',
        text: readFileSync(resolve(dataDir, file), 'utf8'),
        linearizable: expected[file] === true,
      };
    });
}

/** Times every case once; a string when a verdict disagrees (or cannot be reached). */
function runOnce(cases: readonly Case[]): Map<string, Sample> | string {
  const samples = new Map<string, Sample>();
  for (const c of cases) {
    const startMs = performance.now();
    const parsed = parseHistoryFile(c.text, c.format);
    if (!parsed.ok) return `${c.file}:${parsed.line}: ${parsed.message}`;
    const result = checkHistory(parsed.history, { model: modelForFormat(c.format), timeBudgetMs: 60_000 });
    const totalMs = performance.now() - startMs;
    const want = c.linearizable ? 'linearizable' : 'not-linearizable';
    if (result.verdict !== want) return `${c.file}: expected ${want}, got ${result.verdict}`;
    samples.set(c.file, { checkMs: result.elapsedMs, totalMs });
  }
  return samples;
}

function printTable(cases: readonly Case[], samples: readonly Map<string, Sample>[]): void {
  const sets = [...new Set(cases.map((c) => c.set))];
  const groups: [string, (c: Case) => boolean][] = [
    ...sets.map((set): [string, (c: Case) => boolean] => [set, (c) => c.set === set]),
    ['kv, all six', (c) => c.format === 'porcupine-kv'],
    [`everything (${cases.length})`, () => true],
  ];
  console.log(`${'set'.padEnd(22)} ${'check median'.padStart(13)} ${'(min-max)'.padStart(17)} ${'parse+check'.padStart(12)} ${'cold run'.padStart(10)}`);
  for (const [name, member] of groups) {
    const files = new Set(cases.filter(member).map((c) => c.file));
    const inGroup = (file: string): boolean => files.has(file);
    const perRun = samples.map((run) => total(run, inGroup));
    const checks = perRun.map((s) => s.checkMs).sort((a, b) => a - b);
    const median = summarise(samples, inGroup);
    const spread = `(${ms(checks[0]!)}-${ms(checks.at(-1)!)})`;
    console.log(`${name.padEnd(22)} ${ms(median.checkMs).padStart(13)} ${spread.padStart(17)} ${ms(median.totalMs).padStart(12)} ${ms(perRun[0]!.totalMs).padStart(10)}`);
  }
}

function total(run: Map<string, Sample>, member: (file: string) => boolean): Sample {
  let checkMs = 0;
  let totalMs = 0;
  for (const [file, sample] of run) {
    if (!member(file)) continue;
    checkMs += sample.checkMs;
    totalMs += sample.totalMs;
  }
  return { checkMs, totalMs };
}

/** Medians over runs of the group's summed times. */
function summarise(samples: readonly Map<string, Sample>[], member: (file: string) => boolean): Sample {
  const perRun = samples.map((run) => total(run, member));
  return { checkMs: median(perRun.map((s) => s.checkMs)), totalMs: median(perRun.map((s) => s.totalMs)) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function fail(message: string): number {
  console.error(message);
  console.log(`bench-check: failed: ${message}`);
  return 1;
}

process.exitCode = main();
