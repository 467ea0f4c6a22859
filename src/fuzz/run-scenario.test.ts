import { describe, expect, it } from 'vitest';
import { EventBudget, EventBudgetExceeded } from './fuzz-event-budget.ts';
import { summaryLine } from './fuzz-report.ts';
import { DEFAULT_SCENARIO, runScenario, type ScenarioReport } from './run-scenario.ts';
import { Simulation } from '../sim/simulation.ts';

/** Everything but wall-clock measurements. */
function comparable(report: ScenarioReport): unknown {
  const { wallMs: _wall, linearizability, ...rest } = report;
  return { ...rest, verdict: linearizability?.verdict };
}

describe('runScenario', () => {
  it('is deterministic: the same seed gives the same run, trace and verdict', () => {
    const options = { ...DEFAULT_SCENARIO, seed: 7, ops: 400, traceLimit: 100_000 };
    const a = runScenario(options);
    const b = runScenario(options);
    expect(a.trace!.length).toBeGreaterThan(1000);
    expect(comparable(b)).toEqual(comparable(a));
    const c = runScenario({ ...options, seed: 8 });
    expect(c.trace).not.toEqual(a.trace);
  });

  it('passes the correct protocol and reports what it checked', () => {
    const report = runScenario({ ...DEFAULT_SCENARIO, seed: 3, ops: 500 });
    expect(report.verdict).toBe('ok');
    expect(report.faultSteps.length).toBeGreaterThan(5);
    expect(report.recovery).toMatchObject({ ok: true });
    expect(report.recovery.ms).toBeLessThan(3000);
    expect(report.convergence).toEqual({ ok: true });
    expect(summaryLine(report)).toBe(`seed=3 ops=500 ok=${report.okOps} linearizable=true invariants=ok converged=true recovered=true`);
    expect(report.okOps).toBeGreaterThan(450);
  });

  it('runs without faults too', () => {
    const report = runScenario({ ...DEFAULT_SCENARIO, seed: 1, ops: 300, faults: [] });
    expect(report.verdict).toBe('ok');
    expect(report.okOps).toBe(300);
    expect(report.faultSteps.map((s) => s.action.kind)).toEqual(['heal', 'network']);
  });

  it('reports a checker that ran out of time as unknown, not as a pass', () => {
    const report = runScenario({ ...DEFAULT_SCENARIO, seed: 2, ops: 300, checkBudgetMs: 0 });
    expect(report.linearizability?.verdict).toBe('unknown');
    expect(report.verdict).toBe('unknown');
    expect(summaryLine(report)).toContain('linearizable=unknown');
  });
});

describe('EventBudget', () => {
  it('stops a run that exceeds the events-per-second budget', () => {
    const budget = new EventBudget(new Simulation({ nodes: 5, seed: 1 }), 200);
    expect(() => budget.runFor(2000)).toThrow(EventBudgetExceeded);
    const roomy = new EventBudget(new Simulation({ nodes: 5, seed: 1 }));
    roomy.runFor(2000);
    expect(roomy.sim.leader()).toBeDefined();
  });
});
