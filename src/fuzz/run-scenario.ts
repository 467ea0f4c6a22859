/**
 * One full fuzz run: a seeded Simulation, the client workload and the fault schedule together,
 * then heal, settle and judge. Returns a report; it never throws for a protocol failure (a
 * failed assertion inside a node is reported as such, with the seed that replays it).
 *
 * The phases, in virtual time:
 *  1. active: clients issue their operations while fault episodes come and go;
 *  2. heal: every fault is undone (partitions healed, crashed nodes restarted, good network);
 *  3. recovery: a probe write must commit within RECOVERY_BOUND_MS (a leader was elected and
 *     it can commit), and the clients' last operations must finish;
 *  4. convergence: every node must reach the same applied index and the same KV contents.
 * Then the whole client history goes to the linearizability checker. The safety invariants
 * were checked by the Simulation after every event.
 */
import { assert } from '../core/assert.ts';
import type { BugName } from '../core/bugs.ts';
import { checkHistory, type CheckResult } from '../check/index.ts';
import { FaultSchedule, type FaultKind, type FaultStep } from './faults.ts';
import { FaultRunner, faultTargetOf } from './fuzz-fault-runner.ts';
import { scenarioProfile } from './fuzz-profile.ts';
import { EventBudget, EventBudgetExceeded } from './fuzz-event-budget.ts';
import { SeededRng, deriveSeed } from '../core/rng.ts';
import { Simulation, type SimulationStats } from '../sim/simulation.ts';
import type { InvariantViolation } from '../core/protocol-node.ts';
import { DEFAULT_NETWORK } from '../sim/network.ts';
import type { TraceEvent } from '../sim/trace.ts';
import type { NodeId } from '../core/types.ts';
import { Workload } from './workload.ts';

export interface ScenarioOptions {
  seed: number;
  nodes: number;
  ops: number;
  clients: number;
  faults: readonly FaultKind[];
  bug?: BugName;
  /** How Raft confirms reads (default read-index); lease reads are fuzzed with 'drift' faults. */
  reads?: 'read-index' | 'lease';
  /**
   * Raft compacts once this many entries were applied since the last snapshot (0 = never). Far
   * below the product's 1000, so that a run of a thousand operations snapshots many times and
   * followers left behind by crashes and partitions catch up by InstallSnapshot.
   */
  snapshotThresholdEntries: number;
  /** Wall-clock budget for the linearizability check; past it the verdict is 'unknown'. */
  checkBudgetMs: number;
  /** Keep this many trace events (0: no trace). */
  traceLimit: number;
}

export const DEFAULT_SCENARIO: Omit<ScenarioOptions, 'seed'> = {
  nodes: 5,
  ops: 2000,
  clients: 8,
  faults: ['crash', 'partition', 'drop', 'duplicate', 'delay', 'compact'],
  snapshotThresholdEntries: 50,
  checkBudgetMs: 5_000,
  traceLimit: 0,
};

/** After healing, a leader must be elected and commit a probe write within this much virtual time. */
export const RECOVERY_BOUND_MS = 3_000;
/** After the probe, every node must apply the same entries within this much virtual time. */
export const CONVERGENCE_BOUND_MS = 2_000;
/** The drive loop's step: faults and new client calls happen on this grid. */
const STEP_MS = 5;

/** The result of a liveness or convergence check: `detail` says what went wrong. */
export interface Outcome {
  ok: boolean;
  /** Not checked, because the run had already failed (ok is then false). */
  skipped?: boolean;
  detail?: string;
  /** recovery: virtual ms from healing to the probe write's answer. */
  ms?: number;
}

export interface ScenarioReport {
  options: ScenarioOptions;
  verdict: 'ok' | 'violation' | 'unknown';
  /** Operations issued by the workload (plus the probe write). */
  ops: number;
  /** Operations that returned an answer. */
  okOps: number;
  invariant: InvariantViolation | undefined;
  /** A failed assertion inside the core or simulator: the run stopped there. */
  crash?: string;
  /** No operation was answered for STALL_MS while faults came and went, or messages stormed. */
  stalled?: string;
  linearizability: CheckResult | undefined;
  /** After healing, a leader was elected and committed the probe write in time; clients got answers. */
  recovery: Outcome;
  /** After the probe write, every node applied the same entries and holds the same data. */
  convergence: Outcome;
  virtualMs: number;
  wallMs: number;
  stats: SimulationStats;
  /** Fault steps that ran, in order. */
  faultSteps: FaultStep[];
  trace?: TraceEvent[];
}

export function runScenario(options: ScenarioOptions): ScenarioReport {
  const startMs = performance.now();
  const profile = scenarioProfile(options);
  const sim = new Simulation({
    nodes: options.nodes, seed: options.seed, bug: options.bug, traceLimit: options.traceLimit,
    diskLatencyMs: profile.diskLatencyMs, clientTimeoutMs: profile.clientTimeoutMs, raft: profile.raft,
    snapshotThresholdEntries: options.snapshotThresholdEntries,
    ...(options.reads !== undefined ? { reads: options.reads } : {}),
  });
  const workload = new Workload(sim, new SeededRng(deriveSeed(options.seed, 7002)), { ...profile.workload, ops: options.ops, clients: options.clients });
  const schedule = new FaultSchedule(options.seed, { nodes: options.nodes, faults: options.faults, ...profile.timing });
  const faults = new FaultRunner(faultTargetOf(sim), schedule);
  const budget = new EventBudget(sim);
  const run: RunState = { recovery: notChecked, convergence: notChecked };
  try {
    run.stalled = runActive(budget, workload, faults);
    healAll(faults, sim.now());
    if (sim.violation() === undefined && run.stalled === undefined) {
      run.recovery = awaitRecovery(budget, workload);
      run.convergence = run.recovery.ok ? awaitConvergence(budget) : { ...notChecked, detail: 'not checked: the cluster did not recover' };
    }
  } catch (error) {
    if (error instanceof EventBudgetExceeded) run.stalled = `${error.message} (${describeRoles(sim)})`;
    else run.crash = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  return judge(options, sim, faults, run, startMs);
}

interface RunState {
  recovery: Outcome;
  convergence: Outcome;
  crash?: string;
  stalled?: string;
}

const notChecked: Outcome = { ok: false, skipped: true, detail: 'not checked: the run had already failed' };

/**
 * Liveness while faults come and go: no operation answered for this long means the cluster is
 * stuck (no episode lasts more than a second or two, and each ends by healing everything), and
 * the run stops rather than loop for ever.
 */
export const STALL_MS = 10_000;

/** Returns why the workload could not finish, or undefined. */
function runActive(budget: EventBudget, workload: Workload, faults: FaultRunner): string | undefined {
  const sim = budget.sim;
  while (!workload.allIssued() && sim.violation() === undefined) {
    if (sim.now() - workload.lastAnswer() > STALL_MS) {
      return `the cluster stalled: no operation answered for ${STALL_MS} ms (at ${sim.now()} ms, ${workload.issued()} of ${workload.options.ops} issued; ${describeRoles(sim)})`;
    }
    faults.step(sim.now());
    workload.step(sim.now());
    runStep(budget, faults);
  }
  return undefined;
}

/** One step of the drive loop; a fault watch may react between any two events. */
function runStep(budget: EventBudget, faults: FaultRunner): void {
  const sim = budget.sim;
  const endMs = sim.now() + STEP_MS;
  while (sim.now() < endMs) {
    if (!faults.watchesEvents()) return budget.runFor(endMs - sim.now());
    budget.runUntil(() => faults.reactionDue(sim.now()), endMs - sim.now());
    faults.react(sim.now());
  }
}

function healAll(faults: FaultRunner, nowMs: number): void {
  faults.apply(nowMs, { kind: 'heal' });
  faults.apply(nowMs, { kind: 'restart-all' });
  faults.apply(nowMs, { kind: 'network', network: { ...DEFAULT_NETWORK } });
}

/** A leader must commit a fresh write soon after healing, and every client must get its answer. */
function awaitRecovery(budget: EventBudget, workload: Workload): Outcome {
  const sim = budget.sim;
  const healedMs = sim.now();
  const probe = sim.client(PROBE_CLIENT).set('probe', `after-heal-${healedMs}`);
  if (!budget.runUntil(() => probe.done, RECOVERY_BOUND_MS)) {
    return { ok: false, detail: `no leader committed a write within ${RECOVERY_BOUND_MS} ms of healing (${describeRoles(sim)})` };
  }
  const ms = sim.now() - healedMs;
  if (!budget.runUntil(() => workload.idle(), RECOVERY_BOUND_MS)) {
    return { ok: false, ms, detail: `client operations still unanswered ${RECOVERY_BOUND_MS} ms after the probe write committed` };
  }
  return { ok: true, ms };
}

/**
 * Every member (all are running after healing) applies up to the leader's commit index, with
 * equal contents. Nodes removed from the cluster no longer receive entries: they are left out.
 */
function awaitConvergence(budget: EventBudget): Outcome {
  const sim = budget.sim;
  const members = (): NodeId[] => {
    const { voters, learners } = sim.configuration();
    return [...voters, ...learners].sort((a, b) => a - b);
  };
  const caughtUp = (): boolean => {
    const leader = sim.leader();
    const commitIndex = leader === undefined ? undefined : sim.node(leader)?.raft.commitIndex;
    return commitIndex !== undefined && members().every((id) => sim.node(id)?.kv.appliedIndex === commitIndex);
  };
  if (!awaitWhileProgressing(budget, caughtUp, () => Math.min(...members().map((id) => sim.node(id)?.kv.appliedIndex ?? 0)))) {
    const applied = members().map((id) => `${id}:${sim.node(id)?.kv.appliedIndex ?? 'down'}`).join(' ');
    return { ok: false, detail: `nodes did not reach the leader's commit index within ${CONVERGENCE_BOUND_MS} ms (applied ${applied}; ${describeRoles(sim)})` };
  }
  const [first, ...rest] = members();
  const reference = canonical(sim.appliedState(first!)!);
  for (const id of rest) {
    const other = canonical(sim.appliedState(id)!);
    if (other !== reference) return { ok: false, detail: `node ${id} applied state ${other} differs from node ${first}'s ${reference}` };
  }
  return { ok: true };
}

/**
 * Runs until `done`, CONVERGENCE_BOUND_MS at a time, for as long as `progress` grows in each
 * slice (a node that joined late may still be catching up, two entries per append with some fuzz
 * tunings), at most CONVERGENCE_SLICES slices. A slice without progress is a liveness failure.
 */
function awaitWhileProgressing(budget: EventBudget, done: () => boolean, progress: () => number): boolean {
  for (let slice = 0; slice < CONVERGENCE_SLICES; slice++) {
    const before = progress();
    if (budget.runUntil(done, CONVERGENCE_BOUND_MS)) return true;
    if (progress() <= before) return false;
  }
  return false;
}

const CONVERGENCE_SLICES = 10;

function canonical(state: Map<string, string>): string {
  return JSON.stringify([...state.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function describeRoles(sim: Simulation): string {
  return sim.status().map((s) => `${s.id}=${s.role}@${s.term}`).join(' ');
}

/** The client that writes the probe after healing (its operation is not counted in `ok`). */
export const PROBE_CLIENT = 'probe';

function judge(options: ScenarioOptions, sim: Simulation, faults: FaultRunner, run: RunState, startMs: number): ScenarioReport {
  const history = sim.history();
  const linearizability = checkHistory(history, { timeBudgetMs: options.checkBudgetMs });
  const invariant = sim.violation();
  const failed = run.crash !== undefined || run.stalled !== undefined || invariant !== undefined || linearizability.verdict === 'not-linearizable' ||
    !run.recovery.ok || !run.convergence.ok;
  const verdict = failed ? 'violation' : linearizability.verdict === 'unknown' ? 'unknown' : 'ok';
  const workloadOps = history.ops.filter((op) => op.client !== PROBE_CLIENT);
  assert(workloadOps.length <= options.ops, `the workload issued ${workloadOps.length} operations, more than ${options.ops}`);
  return {
    options, verdict, ops: options.ops, okOps: workloadOps.filter((op) => op.return !== undefined).length,
    invariant, ...(run.crash !== undefined ? { crash: run.crash } : {}), ...(run.stalled !== undefined ? { stalled: run.stalled } : {}), linearizability,
    recovery: run.recovery, convergence: run.convergence, virtualMs: sim.now(), wallMs: performance.now() - startMs,
    stats: sim.stats(), faultSteps: faults.applied, ...(options.traceLimit > 0 ? { trace: sim.trace() } : {}),
  };
}
