import { describe, expect, it } from 'vitest';
import { SeededRng } from '../core/rng.ts';
import { Simulation } from '../sim/simulation.ts';
import { Workload } from './workload.ts';

function run(seed: number, ops: number): { sim: Simulation; workload: Workload } {
  const sim = new Simulation({ nodes: 3, seed });
  const workload = new Workload(sim, new SeededRng(seed), { ops, clients: 4, keys: 3, thinkMs: [0, 10] });
  while (!workload.allIssued() || !workload.idle()) {
    workload.step(sim.now());
    sim.runFor(5);
    if (sim.now() > 60_000) throw new Error('workload did not finish');
  }
  return { sim, workload };
}

describe('Workload', () => {
  it('issues exactly the operation budget, spread over the clients and keys', () => {
    const { sim, workload } = run(1, 300);
    const ops = sim.history().ops;
    expect(workload.issued()).toBe(300);
    expect(ops).toHaveLength(300);
    expect(ops.every((op) => op.return !== undefined)).toBe(true);
    expect(new Set(ops.map((op) => op.client))).toEqual(new Set(['c1', 'c2', 'c3', 'c4']));
    expect(new Set(ops.map((op) => op.key))).toEqual(new Set(['k0', 'k1', 'k2']));
    const kinds = new Set(ops.map((op) => op.op));
    for (const kind of ['get', 'set', 'del', 'cas']) expect(kinds).toContain(kind);
  });

  it('writes every value once, so a read names the write it saw', () => {
    const written = run(2, 300).sim.history().ops.filter((op) => op.op === 'set' || op.op === 'cas').map((op) => op.value);
    expect(new Set(written).size).toBe(written.length);
  });

  it('lets CAS succeed often enough to matter', () => {
    const cas = run(3, 400).sim.history().ops.filter((op) => op.op === 'cas');
    const swapped = cas.filter((op) => op.result?.ok === true).length;
    expect(swapped).toBeGreaterThan(cas.length / 5);
  });

  it('is deterministic per seed', () => {
    expect(run(4, 200).sim.history()).toEqual(run(4, 200).sim.history());
    expect(run(5, 200).sim.history()).not.toEqual(run(4, 200).sim.history());
  });
});
