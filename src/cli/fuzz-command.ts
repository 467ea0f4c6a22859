/**
 * `npm run fuzz -- --seeds 1000 [--from S] [--bug NAME] [--list-bugs]`: many seeds of the sim
 * scenario, in parallel on every core, as a function of its arguments and I/O so that tests run
 * it without a process; src/cli/fuzz.ts wires it up.
 *
 * Progress goes to stderr (a bar on a terminal, plain lines otherwise). At the end, stdout gets
 * every failing seed with the `npm run sim` command that replays it, then the summary line
 * `N seeds, V violations` (`, U unknown` appended when the checker ran out of time on some).
 * Exit codes: 0 all passed, 1 violations, 2 bad arguments, 3 no violations but some unknown.
 */
import { parseArgs } from 'node:util';
import { BUG_DESCRIPTIONS, BUG_NAMES } from '../core/bugs.ts';
import { FUZZ_DEFAULT_OPS, SCENARIO_FLAGS_USAGE, SCENARIO_FLAG_SPECS, scenarioFlagsFrom, wholeNumber, type ScenarioFlags } from '../fuzz/fuzz-cli-options.ts';
import { BUG_BOUNDS } from '../fuzz/fuzz-bug-bounds.ts';
import type { SeedRunner } from './fuzz-pool.ts';
import type { FuzzProgress } from './fuzz-progress.ts';
import type { SeedResult } from '../fuzz/fuzz-seed-result.ts';

export interface FuzzCommandIo {
  out(line: string): void;
  err(line: string): void;
  /** Runs seeds on `workers` threads. */
  runner(workers: number): SeedRunner;
  progress(total: number): FuzzProgress;
  defaultWorkers: number;
}

export const FUZZ_EXIT_CODES = { ok: 0, violations: 1, 'bad-arguments': 2, unknown: 3 } as const;
export const FUZZ_DEFAULT_SEEDS = 100;
/** Failing seeds beyond this many get one line each (summary and replay) instead of a full report. */
const FULL_REPORTS = 5;

const USAGE = [
  'usage: npm run fuzz -- [--seeds N] [--from S] [--bug NAME] [--list-bugs] [--workers N] [scenario flags]',
  `  --seeds N            how many seeds (default ${FUZZ_DEFAULT_SEEDS})`,
  '  --from S             the first seed (default 1); seeds S .. S+N-1 run',
  '  --workers N          worker threads (default: one per core)',
  '  --list-bugs          list the TEST-ONLY known-bad protocol variants',
  ...SCENARIO_FLAGS_USAGE.map((line) => line.replace('client operations in the run', `client operations per seed (default ${FUZZ_DEFAULT_OPS})`)),
  'exit codes: 0 no violations, 1 violations, 2 bad arguments, 3 no violations but some unknown',
].join('\n');

interface FuzzRequest {
  from: number;
  seeds: number;
  workers: number;
  scenario: ScenarioFlags;
}

export async function runFuzzCommand(args: readonly string[], io: FuzzCommandIo): Promise<number> {
  const request = requestFrom(args, io.defaultWorkers);
  if (request === 'help' || request === 'list-bugs') {
    io.out(request === 'help' ? USAGE : bugList());
    return FUZZ_EXIT_CODES.ok;
  }
  if (typeof request === 'string') {
    io.err(`fuzz: ${request}`);
    io.err(USAGE);
    return FUZZ_EXIT_CODES['bad-arguments'];
  }
  const results = await runAll(request, io);
  return finish(request, results, io);
}

function requestFrom(args: readonly string[], defaultWorkers: number): FuzzRequest | 'help' | 'list-bugs' | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { ...SCENARIO_FLAG_SPECS, seeds: { type: 'string' }, from: { type: 'string' }, workers: { type: 'string' }, 'list-bugs': { type: 'boolean', default: false } },
    }));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (values.help) return 'help';
  if (values['list-bugs']) return 'list-bugs';
  const seeds = wholeNumber('--seeds', values.seeds, FUZZ_DEFAULT_SEEDS, 1, 10_000_000);
  const from = wholeNumber('--from', values.from, 1, 0, 0x7fffffff);
  const workers = wholeNumber('--workers', values.workers, defaultWorkers, 1, 256);
  const scenario = scenarioFlagsFrom(values, FUZZ_DEFAULT_OPS);
  for (const parsed of [seeds, from, workers, scenario]) if (typeof parsed === 'string') return parsed;
  if ((from as number) + (seeds as number) - 1 > 0x7fffffff) return '--from: the last seed would pass 2147483647';
  return { seeds: seeds as number, from: from as number, workers: workers as number, scenario: scenario as ScenarioFlags };
}

function bugList(): string {
  const width = Math.max(...BUG_NAMES.map((name) => name.length));
  const lines = BUG_NAMES.map((name) => {
    const faults = BUG_BOUNDS[name].faults;
    const how = faults === undefined ? '' : ` (found with --faults ${faults.join(',')})`;
    return `${name.padEnd(width)}  ${BUG_DESCRIPTIONS[name]}${how}`;
  });
  return [...lines, `${BUG_NAMES.length} bug variants (TEST-ONLY; run one with --bug NAME)`].join('\n');
}

async function runAll(request: FuzzRequest, io: FuzzCommandIo): Promise<SeedResult[]> {
  const { scenario } = request;
  const seeds = Array.from({ length: request.seeds }, (_, k) => request.from + k);
  io.err(`fuzz: seeds ${seeds[0]}..${seeds[seeds.length - 1]} on ${Math.min(request.workers, seeds.length)} workers: ` +
    `${scenario.nodes} nodes, ${scenario.ops} ops, ${scenario.clients} clients, faults ${scenario.faults.join(',') || 'none'}` +
    `, ${scenario.snapshotThresholdEntries === 0 ? 'no snapshots' : `a snapshot every ${scenario.snapshotThresholdEntries} entries`}` +
    `${scenario.reads === undefined ? '' : `, ${scenario.reads} reads`}${scenario.bug === undefined ? '' : `, bug ${scenario.bug} (TEST-ONLY)`}`);
  const results: SeedResult[] = [];
  const progress = io.progress(seeds.length);
  let violations = 0;
  let unknown = 0;
  await io.runner(request.workers)({
    seeds, scenario: { ...scenario, traceLimit: 0 },
    onResult: (result) => {
      results.push(result);
      if (result.verdict === 'violation') violations++;
      if (result.verdict === 'unknown') unknown++;
      progress.update(results.length, violations, unknown);
    },
  });
  progress.stop();
  return results.sort((a, b) => a.seed - b.seed);
}

function finish(request: FuzzRequest, results: SeedResult[], io: FuzzCommandIo): number {
  const failed = results.filter((r) => r.verdict === 'violation');
  const unknown = results.filter((r) => r.verdict === 'unknown');
  failed.forEach((r, k) => io.out(k < FULL_REPORTS ? r.report! : `FAIL ${r.summary}\n  replay: ${r.replay}`));
  for (const r of unknown) io.out(`UNKNOWN ${r.summary}\n  replay: ${r.replay}`);
  const busyS = results.reduce((sum, r) => sum + r.wallMs, 0) / 1000;
  io.err(`fuzz: ${busyS.toFixed(1)} s of runs, ${(busyS / Math.max(1, results.length)).toFixed(3)} s per seed`);
  io.out(`${results.length} seeds, ${failed.length} violations${unknown.length > 0 ? `, ${unknown.length} unknown` : ''}`);
  if (failed.length > 0) return FUZZ_EXIT_CODES.violations;
  return unknown.length > 0 ? FUZZ_EXIT_CODES.unknown : FUZZ_EXIT_CODES.ok;
}
