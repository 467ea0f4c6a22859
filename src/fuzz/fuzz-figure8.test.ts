import { describe, expect, it } from 'vitest';
import type { BugName } from '../core/bugs.ts';
import type { FaultAction } from './faults.ts';
import { FaultRunner, faultTargetOf } from './fuzz-fault-runner.ts';
import { SeededRng } from '../core/rng.ts';
import { Simulation } from '../sim/simulation.ts';
import { Workload } from './workload.ts';

/**
 * A busy cluster with one Figure 8 choreography and nothing else going wrong. `violation` is the
 * broken invariant, or 'assertion' when a node's own assertion caught the impossible state first.
 */
function play(seed: number, bug?: BugName): { moves: FaultAction[]; violation: string | undefined } {
  const sim = new Simulation({ nodes: 5, seed, bug, diskLatencyMs: [0, 15], raft: { maxEntriesPerAppend: 1 } });
  const workload = new Workload(sim, new SeededRng(seed), { ops: 100_000, clients: 8, keys: 4, thinkMs: [0, 10] });
  const faults = new FaultRunner(faultTargetOf(sim), undefined);
  const partners = new SeededRng(seed + 1000).int(0, 1) === 0 ? [1, 2, 3, 4, 5] : [5, 4, 3, 2, 1];
  faults.apply(0, { kind: 'figure-8', untilMs: 4000, writeMs: 80, partners });
  let violation: string | undefined;
  try {
    while (sim.now() < 5000 && sim.violation() === undefined) {
      workload.step(sim.now());
      const endMs = sim.now() + 5;
      while (sim.now() < endMs) {
        sim.runUntil(() => faults.reactionDue(sim.now()), endMs - sim.now());
        faults.react(sim.now());
      }
    }
    violation = sim.violation()?.invariant;
  } catch (error) {
    violation = sim.violation()?.invariant ?? (error instanceof Error && error.name === 'AssertionError' ? 'assertion' : String(error));
  }
  return { moves: faults.applied.map((s) => s.action).filter((a) => a.kind !== 'figure-8'), violation };
}

describe('the Figure 8 choreography', () => {
  it('plays all four moves; the correct protocol survives it, commit-old-term does not', () => {
    let completed = 0;
    let caught = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const correct = play(seed);
      expect(correct.violation, `seed ${seed}`).toBeUndefined();
      const kinds = correct.moves.map((a) => a.kind);
      expect(kinds.slice(0, 3)).toEqual(['partition', 'partition', 'partition']);
      const [split, l2Isolated] = correct.moves as Extract<FaultAction, { kind: 'partition' }>[];
      expect(split!.groups.map((g) => g.length)).toEqual([2, 3]);
      expect(l2Isolated!.groups.map((g) => g.length)).toEqual([2, 1, 2]);
      if (kinds[3] === 'crash') completed++;
      const buggy = play(seed, 'commit-old-term').violation;
      if (buggy === 'leader-completeness' || buggy === 'assertion') caught++;
    }
    expect(completed).toBeGreaterThanOrEqual(4);
    expect(caught).toBeGreaterThanOrEqual(4);
  });
});
