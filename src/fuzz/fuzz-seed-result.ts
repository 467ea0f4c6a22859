/**
 * One seed's outcome as the fuzzer keeps it: small, plain data (it crosses from a worker thread
 * by structured clone), with the text a person needs already formatted.
 */
import { failureReport, replayCommand, summaryLine } from './fuzz-report.ts';
import type { ScenarioOptions, ScenarioReport } from './run-scenario.ts';

export interface SeedResult {
  seed: number;
  verdict: ScenarioReport['verdict'];
  /** The summary line (fuzz-report.ts). */
  summary: string;
  /** The failure report (with the replay command) when the verdict is not ok. */
  report?: string;
  replay: string;
  wallMs: number;
}

export function toSeedResult(report: ScenarioReport): SeedResult {
  return {
    seed: report.options.seed, verdict: report.verdict, summary: summaryLine(report),
    ...(report.verdict === 'ok' ? {} : { report: failureReport(report) }),
    replay: replayCommand(report.options), wallMs: report.wallMs,
  };
}

/** The worker running this seed died (out of memory, say): that is a failure of the seed too. */
export function workerDiedResult(scenario: ScenarioOptions, why: string): SeedResult {
  const replay = replayCommand(scenario);
  const summary = `seed=${scenario.seed} ops=${scenario.ops} worker died: ${why}`;
  return { seed: scenario.seed, verdict: 'violation', summary, report: `FAIL ${summary}\n  replay: ${replay}`, replay, wallMs: 0 };
}
