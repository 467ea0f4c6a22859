/**
 * Figure 8 and friends: leader churn, unreliable networks, crash/restart storms. The invariant
 * checker runs after every event; at the end every acknowledged write must be present.
 */
import { describe, expect, it } from 'vitest';
import type { OperationHandle } from './client.ts';
import { SeededRng } from '../core/rng.ts';
import { Simulation, type SimulationOptions } from './simulation.ts';
import { assertNoViolation, expectConverged, expectDone, expectOneLeader, fail } from './testing.ts';

/** Each SET writes a unique key, so "acknowledged implies present" is a complete check. */
function expectAcknowledgedWritesPresent(sim: Simulation, ops: readonly OperationHandle[]): number {
  const state = expectConverged(sim, 20_000);
  let acknowledged = 0;
  for (const op of ops) {
    if (!op.done || op.command.op !== 'set') continue;
    acknowledged++;
    if (state.get(op.command.key) !== op.command.value) fail(sim, `acknowledged write ${op.command.key} lost`);
  }
  return acknowledged;
}

function restartAll(sim: Simulation): void {
  for (const s of sim.status()) if (!s.alive) sim.restart(s.id);
  sim.heal();
}

function figure8(options: SimulationOptions, rounds: number, maxSleepMs: number, crashChance: number): void {
  const sim = new Simulation({ nodes: 5, ...options });
  const rng = new SeededRng(options.seed ?? 1);
  const ops: OperationHandle[] = [];
  const writers = Array.from({ length: 5 }, () => sim.client());
  expectOneLeader(sim, sim.nodeIds, 5000);
  for (let round = 0; round < rounds; round++) {
    sim.runUntil(() => sim.leader() !== undefined, 2000);
    for (const [k, w] of writers.entries()) if (!w.busy()) ops.push(w.set(`r${round}-${k}`, `v${round}`));
    // Let the leader take some entries, then (usually) crash it mid-replication.
    sim.runFor(rng.int(1, rng.chance(0.1) ? maxSleepMs : 13));
    const leader = sim.leader();
    if (leader !== undefined && rng.chance(crashChance)) sim.crash(leader);
    // Keep a quorum alive so the cluster keeps electing.
    const alive = sim.status().filter((s) => s.alive).length;
    if (alive < 3) sim.restart(rng.pick(sim.status().filter((s) => !s.alive)).id);
    assertNoViolation(sim);
  }
  restartAll(sim);
  sim.setNetwork({ dropRate: 0, duplicateRate: 0, delayMs: [1, 5] });
  expectDone(sim, [sim.client().set('final', 'x')], 10_000);
  const acknowledged = expectAcknowledgedWritesPresent(sim, ops);
  // A run where almost nothing got through would prove nothing.
  expect(acknowledged).toBeGreaterThan(rounds / 20);
  expect(sim.stats().elections).toBeGreaterThan((rounds * crashChance) / 2);
  assertNoViolation(sim);
}

describe('figure 8', () => {
  it('many rounds of leader crashes: only current-term counting commits, nothing acknowledged is lost', () => {
    figure8({ seed: 51 }, 300, 500, 0.8);
  });

  it('on an unreliable network with long delays', () => {
    // As in the classic lab test: half the rounds crash the leader, some sleeps are long.
    figure8({ seed: 55, network: { dropRate: 0.1, duplicateRate: 0.05, delayMs: [1, 120] }, clientTimeoutMs: 600 }, 400, 1000, 0.5);
  });
});

describe('unreliable network', () => {
  it('agreement with 10% loss and reordering', () => {
    const sim = new Simulation({ nodes: 5, seed: 53, network: { dropRate: 0.1, delayMs: [1, 40] } });
    expectOneLeader(sim, sim.nodeIds, 5000);
    const ops: OperationHandle[] = [];
    for (let k = 0; k < 5; k++) {
      const c = sim.client();
      for (let j = 0; j < 10; j++) ops.push(c.set(`c${k}-${j}`, `${j}`));
    }
    expectDone(sim, ops, 30_000);
    sim.setNetwork({ dropRate: 0 });
    expect(expectAcknowledgedWritesPresent(sim, ops)).toBe(50);
  });
});

describe('churn', () => {
  it('several clients while nodes crash, restart and disconnect every few hundred ms', () => {
    const sim = new Simulation({ nodes: 5, seed: 54 });
    const rng = new SeededRng(54);
    const clients = Array.from({ length: 4 }, () => sim.client());
    const ops: OperationHandle[] = [];
    let n = 0;
    for (let step = 0; step < 40; step++) {
      for (const c of clients) if (!c.busy()) ops.push(c.set(`k${n++}`, `v${step}`));
      sim.runFor(rng.int(100, 400));
      const victim = rng.pick(sim.nodeIds);
      const action = rng.int(0, 3);
      if (action === 0) sim.crash(victim);
      else if (action === 1) sim.restart(victim);
      else if (action === 2) sim.isolate(victim);
      else sim.heal();
      assertNoViolation(sim);
    }
    restartAll(sim);
    sim.runFor(2000);
    for (const c of clients) if (c.busy()) sim.runUntil(() => !c.busy(), 10_000);
    const acknowledged = expectAcknowledgedWritesPresent(sim, ops);
    expect(acknowledged).toBeGreaterThan(40);
  });
});
