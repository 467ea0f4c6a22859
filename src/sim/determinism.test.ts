/** Same seed and options, same run: the whole trace is identical. */
import { describe, expect, it } from 'vitest';
import { Simulation, type SimulationOptions } from './simulation.ts';

function busyRun(options: SimulationOptions) {
  const sim = new Simulation({ nodes: 5, traceLimit: 200_000, network: { dropRate: 0.05, duplicateRate: 0.05, delayMs: [1, 20] }, ...options });
  const clients = Array.from({ length: 3 }, () => sim.client());
  for (let step = 0; step < 20; step++) {
    clients.forEach((c, k) => c.set(`k${k}`, `${step}`));
    sim.runFor(100);
    if (step === 5) sim.crash(sim.leader() ?? 1);
    if (step === 10) sim.restart(sim.status().find((s) => !s.alive)?.id ?? 1);
  }
  return { trace: sim.trace(), history: sim.history(), stats: sim.stats(), status: sim.status() };
}

describe('determinism', () => {
  it('two runs with the same seed produce identical traces, histories and statistics', () => {
    const a = busyRun({ seed: 7 });
    const b = busyRun({ seed: 7 });
    expect(a.trace.length).toBeGreaterThan(1000);
    expect(b.trace).toEqual(a.trace);
    expect(b.history).toEqual(a.history);
    expect(b.stats).toEqual(a.stats);
    expect(b.status).toEqual(a.status);
  });

  it('a different seed gives a different run', () => {
    const a = busyRun({ seed: 7 });
    const c = busyRun({ seed: 8 });
    expect(c.trace).not.toEqual(a.trace);
  });
});
