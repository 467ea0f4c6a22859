/**
 * The correct protocol passes the seeds on which fuzz-bugs.test.ts finds every known-bad variant
 * (the same default fuzz scenario): no invariant broken, a linearizable history, recovery after
 * healing, converged nodes. The default scenario compacts every 50 applied entries and on
 * 'compact' faults, so these seeds also take snapshots at odd moments and bring lagging
 * followers back by InstallSnapshot (in chunks, under loss and leader changes).
 */
import { describe, expect, it } from 'vitest';
import { BUG_BOUND_SEEDS as SEEDS, FUZZ_SCENARIO, MEMBERSHIP_BUG_BOUND_SEEDS, MEMBERSHIP_FAULTS } from './fuzz-bug-bounds.ts';
import { failureReport } from './fuzz-report.ts';
import { FAULT_KINDS } from './faults.ts';
import { runScenario } from './run-scenario.ts';

describe('the correct protocol', () => {
  it(`passes seeds 1..${SEEDS} of the default fuzz scenario`, () => {
    const failures: string[] = [];
    let okOps = 0;
    let compactions = 0;
    let chunks = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const report = runScenario({ ...FUZZ_SCENARIO, seed });
      okOps += report.okOps;
      compactions += report.faultSteps.filter((s) => s.action.kind === 'compact').length;
      chunks += report.stats.sentByType['InstallSnapshot'] ?? 0;
      if (report.verdict !== 'ok') failures.push(failureReport(report));
    }
    expect(failures).toEqual([]);
    // Most operations got an answer: the workload really ran.
    expect(okOps).toBeGreaterThan(SEEDS * FUZZ_SCENARIO.ops * 0.95);
    // Snapshots really were taken and sent (about 20 compact faults and 125 chunks a seed when measured).
    expect(compactions).toBeGreaterThan(SEEDS * 5);
    expect(chunks).toBeGreaterThan(SEEDS * 20);
  });

  // The seeds on which the membership variants are caught, with the same membership changes.
  it(`passes seeds 1..${MEMBERSHIP_BUG_BOUND_SEEDS} with membership changes`, () => {
    const failures: string[] = [];
    let changes = 0;
    for (let seed = 1; seed <= MEMBERSHIP_BUG_BOUND_SEEDS; seed++) {
      const report = runScenario({ ...FUZZ_SCENARIO, seed, faults: MEMBERSHIP_FAULTS });
      changes += report.faultSteps.filter((s) => s.action.kind === 'add-node' || s.action.kind === 'remove-node').length;
      if (report.verdict !== 'ok') failures.push(failureReport(report));
    }
    expect(failures).toEqual([]);
    expect(changes).toBeGreaterThan(MEMBERSHIP_BUG_BOUND_SEEDS);
  });

  // Leader transfers and clock drift inside maxClockDrift, with lease reads: the newest features
  // under every fault at once. (Drift past the bound is a lesson, shown in src/sim/lease.test.ts.)
  it('passes seeds 1..20 with transfers, drift and lease reads', () => {
    const failures: string[] = [];
    let transfers = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const report = runScenario({ ...FUZZ_SCENARIO, seed, faults: FAULT_KINDS, reads: 'lease' });
      transfers += report.faultSteps.filter((s) => s.action.kind === 'transfer-leadership').length;
      if (report.verdict !== 'ok') failures.push(failureReport(report));
    }
    expect(failures).toEqual([]);
    expect(transfers).toBeGreaterThan(10);
  });
});
