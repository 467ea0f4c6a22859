/**
 * How a fuzz run is told: the one-line summary both commands print, the failure report, and the
 * `npm run sim` command that replays a seed exactly.
 *
 * Summary line (the last line of `npm run sim`):
 *   seed=7 ops=2000 ok=1987 linearizable=true invariants=ok converged=true recovered=true
 *  - ok: operations that returned an answer (the rest were still unanswered when the run ended);
 *  - linearizable: true | false | unknown (the checker ran out of its time budget);
 *  - invariants: ok | the first safety invariant broken | assertion (a node's assertion failed);
 *  - converged: every node applied the same entries and holds the same data after healing;
 *  - recovered: after healing, a leader committed a probe write within the bound and every
 *    client got its answer (false also when the workload stalled or messages stormed);
 *  converged and recovered are `skipped` when the run had already failed before they were checked.
 */
import { formatExplanation } from '../check/index.ts';
import { FAULT_KINDS, describeFaultStep } from './faults.ts';
import type { Outcome, ScenarioOptions, ScenarioReport } from './run-scenario.ts';

export function summaryLine(report: ScenarioReport): string {
  const o = report.options;
  const lin = report.linearizability;
  const linearizable = lin === undefined ? 'unknown' : lin.verdict === 'linearizable' ? 'true' : lin.verdict === 'not-linearizable' ? 'false' : 'unknown';
  const invariants = report.invariant?.invariant ?? (report.crash !== undefined ? 'assertion' : 'ok');
  return `seed=${o.seed} ops=${o.ops} ok=${report.okOps} linearizable=${linearizable} invariants=${invariants} ` +
    `converged=${outcome(report.convergence)} recovered=${outcome(report.recovery)}`;
}

function outcome(o: Outcome): string {
  return o.skipped === true ? 'skipped' : String(o.ok);
}

/** The exact command that replays this run. Options equal to the defaults are still spelled out. */
export function replayCommand(o: Pick<ScenarioOptions, 'seed' | 'nodes' | 'ops' | 'clients' | 'faults' | 'bug' | 'reads' | 'snapshotThresholdEntries'>): string {
  const faults = o.faults.length === 0 ? 'none' : o.faults.join(',');
  const bug = o.bug === undefined ? '' : ` --bug ${o.bug}`;
  const reads = o.reads === undefined ? '' : ` --reads ${o.reads}`;
  return `npm run sim -- --nodes ${o.nodes} --seed ${o.seed} --ops ${o.ops} --clients ${o.clients} --faults ${faults}` +
    ` --snapshot-threshold ${o.snapshotThresholdEntries}${bug}${reads}`;
}

/** What went wrong, most fundamental first, one item a line (empty when nothing did). */
export function failureReasons(report: ScenarioReport): string[] {
  const reasons: string[] = [];
  const invariant = report.invariant;
  if (invariant?.invariant === 'assertion') reasons.push(`assertion failed at ${invariant.timeMs} ms: ${invariant.message}`);
  else if (invariant !== undefined) reasons.push(`invariant ${invariant.invariant} broken at ${invariant.timeMs} ms: ${invariant.message}`);
  if (report.crash !== undefined) reasons.push(`assertion failed: ${report.crash.split('\n')[0]}`);
  if (report.linearizability?.verdict === 'not-linearizable') reasons.push('the client history is not linearizable');
  if (report.stalled !== undefined) reasons.push(report.stalled);
  for (const [name, o] of [['recovery', report.recovery], ['convergence', report.convergence]] as const) {
    if (!o.ok && o.skipped !== true) reasons.push(`${name}: ${o.detail ?? 'failed'}`);
  }
  return reasons;
}

/** Lines for a failed (or inconclusive) run: reasons, the checker's explanation, the last faults, the replay. */
export function failureReport(report: ScenarioReport, maxFaultSteps = 15): string {
  const lines = [`FAIL ${summaryLine(report)}`];
  for (const reason of failureReasons(report)) lines.push(`  ${reason}`);
  const lin = report.linearizability;
  if (lin?.verdict === 'not-linearizable') lines.push(indent(formatExplanation(lin.explanation, { maxPrefixOps: 8 }), '    '));
  if (lin?.verdict === 'unknown') lines.push(`  linearizability unknown: ${lin.reason}`);
  if (report.crash !== undefined) lines.push(indent(report.crash.split('\n').slice(1, 6).join('\n'), '    '));
  const steps = report.faultSteps;
  if (steps.length > 0) {
    lines.push(`  last ${Math.min(maxFaultSteps, steps.length)} of ${steps.length} fault steps:`);
    for (const step of steps.slice(-maxFaultSteps)) lines.push(`    ${describeFaultStep(step)}`);
  }
  lines.push(`  virtual time ${(report.virtualMs / 1000).toFixed(1)} s, ${report.stats.events} events, ${(report.wallMs / 1000).toFixed(2)} s wall`);
  lines.push(`  replay: ${replayCommand(report.options)}`);
  return lines.join('\n');
}

function indent(text: string, prefix: string): string {
  return text.split('\n').map((line) => prefix + line).join('\n');
}

/** The fault kinds, for help texts. */
export const FAULT_LIST = FAULT_KINDS.join(',');
