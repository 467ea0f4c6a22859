import { describe, expect, it } from 'vitest';
import { BUG_NAMES } from '../core/bugs.ts';
import { FUZZ_EXIT_CODES, runFuzzCommand, type FuzzCommandIo } from './fuzz-command.ts';
import { runSeedsInline, type SeedRunner } from './fuzz-pool.ts';
import { plainProgress } from './fuzz-progress.ts';
import type { SeedResult } from '../fuzz/fuzz-seed-result.ts';

function io(runner: SeedRunner = runSeedsInline): FuzzCommandIo & { stdout: string[]; stderr: string[]; workers: number[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const workers: number[] = [];
  return {
    stdout, stderr, workers,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    runner: (n) => {
      workers.push(n);
      return runner;
    },
    progress: (total) => plainProgress(total, (line) => stderr.push(line)),
    defaultWorkers: 2,
  };
}

/** A runner that makes up results, to test the command's bookkeeping without running seeds. */
function fakeRunner(verdictOf: (seed: number) => SeedResult['verdict']): SeedRunner {
  return async ({ seeds, onResult }) => {
    for (const seed of [...seeds].reverse()) {
      const verdict = verdictOf(seed);
      onResult({ seed, verdict, summary: `seed=${seed} fake`, ...(verdict === 'ok' ? {} : { report: `FAIL seed=${seed} fake report` }), replay: `npm run sim -- --seed ${seed}`, wallMs: 1 });
    }
  };
}

describe('npm run fuzz', () => {
  it('runs the seeds and ends with the summary line', async () => {
    const out = io();
    expect(await runFuzzCommand(['--seeds', '3', '--from', '5', '--ops', '150', '--workers', '1'], out)).toBe(FUZZ_EXIT_CODES.ok);
    expect(out.stdout).toEqual(['3 seeds, 0 violations']);
    expect(out.stderr[0]).toBe('fuzz: seeds 5..7 on 1 workers: 5 nodes, 150 ops, 8 clients, faults crash,partition,drop,duplicate,delay,compact, a snapshot every 50 entries');
    expect(out.stderr.some((line) => /^fuzz: 3\/3 seeds, 0 violations, 0 unknown, [\d.]+ s elapsed, ETA 0 s$/.test(line))).toBe(true);
    expect(out.workers).toEqual([1]);
  });

  it('prints every failing seed with its replay command, sorted, and exits 1', async () => {
    const out = io();
    expect(await runFuzzCommand(['--seeds', '2', '--from', '3', '--ops', '300', '--bug', 'no-dedup'], out)).toBe(FUZZ_EXIT_CODES.violations);
    expect(out.stdout.at(-1)).toBe('2 seeds, 2 violations');
    expect(out.stdout[0]).toMatch(/^FAIL seed=3 ops=300 .*linearizable=false/);
    expect(out.stdout[0]).toContain('replay: npm run sim -- --nodes 5 --seed 3 --ops 300 --clients 8 --faults crash,partition,drop,duplicate,delay,compact --snapshot-threshold 50 --bug no-dedup');
    expect(out.stdout[1]).toMatch(/^FAIL seed=4 /);
    expect(out.workers).toEqual([2]);
  });

  it('keeps long lists short: full reports for the first failures, one line each after', async () => {
    const out = io(fakeRunner(() => 'violation'));
    expect(await runFuzzCommand(['--seeds', '8'], out)).toBe(FUZZ_EXIT_CODES.violations);
    expect(out.stdout.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((seed) => `FAIL seed=${seed} fake report`));
    expect(out.stdout[5]).toBe('FAIL seed=6 fake\n  replay: npm run sim -- --seed 6');
    expect(out.stdout.at(-1)).toBe('8 seeds, 8 violations');
  });

  it('reports unknown verdicts as such: neither a pass nor a failure', async () => {
    const out = io(fakeRunner((seed) => (seed === 2 ? 'unknown' : 'ok')));
    expect(await runFuzzCommand(['--seeds', '3'], out)).toBe(FUZZ_EXIT_CODES.unknown);
    expect(out.stdout).toEqual(['UNKNOWN seed=2 fake\n  replay: npm run sim -- --seed 2', '3 seeds, 0 violations, 1 unknown']);
  });

  it('lists the bug variants', async () => {
    const out = io();
    expect(await runFuzzCommand(['--list-bugs'], out)).toBe(FUZZ_EXIT_CODES.ok);
    const text = out.stdout.join('\n');
    for (const name of BUG_NAMES) expect(text).toMatch(new RegExp(`^${name} +\\S`, 'm'));
    expect(out.stdout.at(-1)).toMatch(/8 bug variants \(TEST-ONLY/);
  });

  it('rejects bad arguments with exit 2 and a message naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['--seeds', '0'], /^fuzz: --seeds: expected a whole number/],
      [['--seeds', 'ten'], /^fuzz: --seeds:/],
      [['--from', '-3'], /^fuzz: .*--from/],
      [['--bug', 'off-by-one'], /^fuzz: --bug: unknown variant "off-by-one"; the variants are vote-ignores-log, /],
      [['--faults', 'crash,meteor'], /^fuzz: --faults: unknown fault "meteor"/],
      [['--nodes', '10'], /^fuzz: --nodes: expected a whole number from 1 to 9/],
      [['--snapshot-threshold', '-1'], /^fuzz: .*--snapshot-threshold/],
      [['--snapshot-threshold', 'often'], /^fuzz: --snapshot-threshold: expected a whole number from 0 to/],
      [['--workers', '0'], /^fuzz: --workers:/],
      [['--frobnicate'], /^fuzz: Unknown option '--frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const out = io(fakeRunner(() => 'ok'));
      expect(await runFuzzCommand(args, out), args.join(' ')).toBe(FUZZ_EXIT_CODES['bad-arguments']);
      expect(out.stderr[0], args.join(' ')).toMatch(message);
      expect(out.stdout).toEqual([]);
    }
  });
});
