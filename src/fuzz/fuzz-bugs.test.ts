/**
 * The checker has teeth: for each TEST-ONLY known-bad protocol variant, the fuzzer (its default
 * scenario, seeds from 1) finds a violation within the stated number of seeds, and the check that
 * fires is the one expected for that mistake (fuzz-bug-bounds.ts). fuzz-correct.test.ts runs the
 * correct protocol on the same seeds.
 */
import { describe, expect, it } from 'vitest';
import { BUG_NAMES, type BugName } from '../core/bugs.ts';
import { BUG_BOUNDS, FUZZ_SCENARIO } from './fuzz-bug-bounds.ts';
import { failureReasons, summaryLine } from './fuzz-report.ts';
import { runScenario, type ScenarioReport } from './run-scenario.ts';

function firstFailure(bug: BugName, seeds: number): ScenarioReport | undefined {
  const faults = BUG_BOUNDS[bug].faults ?? FUZZ_SCENARIO.faults;
  for (let seed = 1; seed <= seeds; seed++) {
    const report = runScenario({ ...FUZZ_SCENARIO, seed, bug, faults });
    if (report.verdict === 'violation') return report;
  }
  return undefined;
}

describe('the fuzzer catches every known-bad variant', () => {
  for (const bug of BUG_NAMES) {
    const { seeds, caughtBy, check } = BUG_BOUNDS[bug];
    it(`${bug}: a violation within ${seeds} seeds, caught by ${check}`, () => {
      const report = firstFailure(bug, seeds);
      expect(report, `no violation in seeds 1..${seeds}`).toBeDefined();
      expect(failureReasons(report!)[0]).toMatch(caughtBy);
      // The failing seed replays: the same run, the same verdict.
      const again = runScenario({ ...report!.options });
      expect(summaryLine(again)).toBe(summaryLine(report!));
    });
  }
});
