/**
 * Helpers for scenario tests on the Simulation. They assert with plain exceptions so any test
 * runner reports them; every failure message carries the seed that replays the run.
 */
import type { NodeId } from '../core/types.ts';
import type { OperationHandle } from './client.ts';
import type { Simulation } from './simulation.ts';

export function fail(sim: Simulation, message: string): never {
  throw new Error(`${message} (seed ${sim.seed}, t=${sim.now()}ms)`);
}

export function assertNoViolation(sim: Simulation): void {
  const v = sim.violation();
  if (v !== undefined) fail(sim, `safety invariant ${v.invariant} violated at ${v.timeMs}ms: ${v.message}`);
}

/** Running leaders of the highest term among `among` (all nodes by default). */
export function leadersOfHighestTerm(sim: Simulation, among: readonly NodeId[] = sim.nodeIds): NodeId[] {
  const leaders = sim.status().filter((s) => s.alive && s.role === 'leader' && among.includes(s.id));
  const top = Math.max(0, ...leaders.map((s) => s.term));
  return leaders.filter((s) => s.term === top).map((s) => s.id);
}

/** Waits for exactly one leader among `among` and returns it. */
export function expectOneLeader(sim: Simulation, among: readonly NodeId[] = sim.nodeIds, maxMs = 3000): NodeId {
  const ok = sim.runUntil(() => leadersOfHighestTerm(sim, among).length === 1, maxMs);
  const leaders = leadersOfHighestTerm(sim, among);
  if (!ok || leaders.length !== 1) fail(sim, `expected one leader among [${among.join(',')}], got [${leaders.join(',')}]`);
  assertNoViolation(sim);
  return leaders[0]!;
}

export function expectNoLeader(sim: Simulation, among: readonly NodeId[]): void {
  const leaders = sim.status().filter((s) => s.alive && s.role === 'leader' && among.includes(s.id));
  if (leaders.length > 0) fail(sim, `expected no leader among [${among.join(',')}], got [${leaders.map((s) => s.id).join(',')}]`);
}

export function runUntilDone(sim: Simulation, ops: readonly OperationHandle[], maxMs: number): boolean {
  return sim.runUntil(() => ops.every((op) => op.done), maxMs);
}

export function expectDone(sim: Simulation, ops: readonly OperationHandle[], maxMs = 5000): void {
  if (!runUntilDone(sim, ops, maxMs)) {
    const pending = ops.filter((op) => !op.done).map((op) => JSON.stringify(op.command));
    fail(sim, `${pending.length} operations not done after ${maxMs}ms: ${pending.slice(0, 3).join(' ')}`);
  }
  for (const op of ops) if (op.error !== undefined) fail(sim, `operation ${JSON.stringify(op.command)} failed: ${op.error}`);
  assertNoViolation(sim);
}

/** Every running node has applied everything committed and holds the same KV contents. */
export function expectConverged(sim: Simulation, maxMs = 5000): Map<string, string> {
  const same = (): boolean => {
    const alive = sim.status().filter((s) => s.alive);
    const commit = alive[0]?.commitIndex ?? 0;
    if (!alive.every((s) => s.commitIndex === commit && s.lastIndex === alive[0]!.lastIndex)) return false;
    const states = alive.map((s) => JSON.stringify([...sim.appliedState(s.id)!].sort()));
    return states.every((st) => st === states[0]) && alive.every((s) => sim.node(s.id)!.kv.appliedIndex === commit);
  };
  if (!sim.runUntil(same, maxMs)) fail(sim, `nodes did not converge: ${JSON.stringify(sim.status())}`);
  assertNoViolation(sim);
  const first = sim.status().find((s) => s.alive)!;
  return sim.appliedState(first.id)!;
}

/** Entries on `id` as [term, label] for compact assertions. */
export function logOf(sim: Simulation, id: NodeId): { index: number; term: number; key: string | undefined }[] {
  const node = sim.node(id);
  if (node === undefined) fail(sim, `node ${id} is not running`);
  return node.raft.log.all().map((e) => ({
    index: e.index,
    term: e.term,
    key: e.data.type === 'command' && 'key' in e.data.command ? e.data.command.key : undefined,
  }));
}
