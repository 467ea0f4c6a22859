/**
 * `npm run sim -- --nodes 5 --seed 7 --ops 2000 --clients 8 --faults crash,partition,drop,duplicate,delay
 * [--bug NAME] [--trace FILE]`: one deterministic fuzz run (see run-scenario.ts), as a function of
 * its arguments and I/O so that tests run it without a process; src/cli/sim.ts wires it up.
 *
 * Prints a failure report when something failed, then always the summary line (fuzz-report.ts).
 * Exit codes: 0 ok, 1 violation, 2 bad arguments, 3 inconclusive (the linearizability check ran
 * out of its time budget and nothing else failed).
 */
import { parseArgs } from 'node:util';
import { SCENARIO_FLAGS_USAGE, SCENARIO_FLAG_SPECS, scenarioFlagsFrom, wholeNumber } from '../fuzz/fuzz-cli-options.ts';
import { failureReport, summaryLine } from '../fuzz/fuzz-report.ts';
import { runScenario, type ScenarioOptions, type ScenarioReport } from '../fuzz/run-scenario.ts';

export interface SimCommandIo {
  out(line: string): void;
  err(line: string): void;
  /** Writes a whole file (the --trace output); throws as writeFileSync does. */
  writeFile(path: string, text: string): void;
}

export const SIM_EXIT_CODES = { ok: 0, violation: 1, 'bad-arguments': 2, unknown: 3 } as const;

export const SIM_DEFAULT_OPS = 2000;
/** Trace events kept with --trace: enough for a 2000-operation run (about 200,000 events). */
export const TRACE_LIMIT = 2_000_000;

const USAGE = [
  'usage: npm run sim -- [--seed S] [--nodes N] [--ops N] [--clients N] [--faults LIST] [--bug NAME] [--trace FILE]',
  '  --seed S             the run\'s seed (default 1): same seed and flags, same run',
  ...SCENARIO_FLAGS_USAGE.map((line) => line.replace('client operations in the run', `client operations in the run (default ${SIM_DEFAULT_OPS})`)),
  '  --trace FILE         write the full event trace as JSON (for replay in the UI)',
  'exit codes: 0 ok, 1 violation, 2 bad arguments, 3 inconclusive (the checker ran out of time)',
].join('\n');

export function runSimCommand(args: readonly string[], io: SimCommandIo): number {
  const request = requestFrom(args);
  if (request === 'help') {
    io.out(USAGE);
    return SIM_EXIT_CODES.ok;
  }
  if (typeof request === 'string') {
    io.err(`sim: ${request}`);
    io.err(USAGE);
    return SIM_EXIT_CODES['bad-arguments'];
  }
  const report = runScenario(request.scenario);
  if (request.traceFile !== undefined && !writeTrace(io, request.traceFile, report)) return SIM_EXIT_CODES['bad-arguments'];
  if (report.verdict !== 'ok') io.out(failureReport(report));
  io.out(summaryLine(report));
  return SIM_EXIT_CODES[report.verdict];
}

interface SimRequest {
  scenario: ScenarioOptions;
  traceFile: string | undefined;
}

function requestFrom(args: readonly string[]): SimRequest | 'help' | string {
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], options: { ...SCENARIO_FLAG_SPECS, seed: { type: 'string' }, trace: { type: 'string' } } }));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (values.help) return 'help';
  const flags = scenarioFlagsFrom(values, SIM_DEFAULT_OPS);
  if (typeof flags === 'string') return flags;
  const seed = wholeNumber('--seed', values.seed, 1, 0, 0x7fffffff);
  if (typeof seed === 'string') return seed;
  if (values.trace === '') return '--trace: expected a file name';
  const traceLimit = values.trace === undefined ? 0 : TRACE_LIMIT;
  return { scenario: { ...flags, seed, traceLimit }, traceFile: values.trace };
}

/** The trace as JSON: the run's options and verdict, the fault steps, and every event. */
function writeTrace(io: SimCommandIo, path: string, report: ScenarioReport): boolean {
  const trace = report.trace ?? [];
  const document = { options: report.options, summary: summaryLine(report), faultSteps: report.faultSteps, events: trace };
  try {
    io.writeFile(path, JSON.stringify(document));
  } catch (error) {
    io.err(`sim: --trace: cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  io.out(`trace: ${trace.length} events written to ${path}${trace.length >= TRACE_LIMIT ? ' (the limit; later events were not kept)' : ''}`);
  return true;
}
