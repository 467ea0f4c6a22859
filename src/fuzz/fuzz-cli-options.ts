/**
 * The flags `npm run sim` and `npm run fuzz` share (nodes, ops, clients, faults, bug, the
 * checker's time budget), parsed with node:util parseArgs. Bad input is an expected operating
 * error: a message that names the flag, never a throw.
 */
import { BUG_NAMES, isBugName } from '../core/bugs.ts';
import { FAULT_KINDS, isFaultKind, type FaultKind } from './faults.ts';
import { DEFAULT_SCENARIO, type ScenarioOptions } from './run-scenario.ts';
import { MAX_NODES } from '../sim/simulation.ts';

/** parseArgs option specs for the shared flags. */
/** `npm run fuzz` ops per seed; 1000 seeds of this take about two minutes on two cores (docs/fuzzing.md). */
export const FUZZ_DEFAULT_OPS = 1000;

export const SCENARIO_FLAG_SPECS = {
  nodes: { type: 'string' },
  ops: { type: 'string' },
  clients: { type: 'string' },
  faults: { type: 'string' },
  bug: { type: 'string' },
  reads: { type: 'string' },
  'snapshot-threshold': { type: 'string' },
  'time-budget-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export type ScenarioFlags = Omit<ScenarioOptions, 'seed' | 'traceLimit'>;

export const SCENARIO_FLAGS_USAGE = [
  `  --nodes N            cluster size, 1..${MAX_NODES} (default ${DEFAULT_SCENARIO.nodes})`,
  '  --ops N              client operations in the run',
  `  --clients N          concurrent clients (default ${DEFAULT_SCENARIO.clients})`,
  `  --faults LIST        comma-separated, from ${FAULT_KINDS.join(',')}, or none (default ${DEFAULT_SCENARIO.faults.join(',')})`,
  '  --bug NAME           run a TEST-ONLY known-bad protocol variant (npm run fuzz -- --list-bugs)',
  '  --reads MODE         read-index (default) or lease (try it with --faults ...,drift)',
  `  --snapshot-threshold N  Raft compacts every N applied entries, 0 = never (default ${DEFAULT_SCENARIO.snapshotThresholdEntries})`,
  `  --time-budget-ms N   the linearizability check gives "unknown" after this long (default ${DEFAULT_SCENARIO.checkBudgetMs})`,
];

type Values = Partial<Record<'nodes' | 'ops' | 'clients' | 'faults' | 'bug' | 'reads' | 'snapshot-threshold' | 'time-budget-ms', string>>;

/** The scenario flags, or a message naming the bad flag. */
export function scenarioFlagsFrom(values: Values, defaultOps: number): ScenarioFlags | string {
  const nodes = wholeNumber('--nodes', values.nodes, DEFAULT_SCENARIO.nodes, 1, MAX_NODES);
  const ops = wholeNumber('--ops', values.ops, defaultOps, 1, 1_000_000);
  const clients = wholeNumber('--clients', values.clients, DEFAULT_SCENARIO.clients, 1, 1000);
  const checkBudgetMs = wholeNumber('--time-budget-ms', values['time-budget-ms'], DEFAULT_SCENARIO.checkBudgetMs, 1, 3_600_000);
  const faults = faultList(values.faults);
  const snapshotThresholdEntries = wholeNumber('--snapshot-threshold', values['snapshot-threshold'], DEFAULT_SCENARIO.snapshotThresholdEntries, 0, 1_000_000);
  for (const parsed of [nodes, ops, clients, checkBudgetMs, faults, snapshotThresholdEntries]) if (typeof parsed === 'string') return parsed;
  const bug = values.bug;
  if (bug !== undefined && !isBugName(bug)) return `--bug: unknown variant ${JSON.stringify(bug)}; the variants are ${BUG_NAMES.join(', ')}`;
  const reads = values.reads;
  if (reads !== undefined && reads !== 'read-index' && reads !== 'lease') return `--reads: expected read-index or lease, got ${JSON.stringify(reads)}`;
  return {
    nodes: nodes as number, ops: ops as number, clients: clients as number, faults: faults as FaultKind[],
    snapshotThresholdEntries: snapshotThresholdEntries as number, checkBudgetMs: checkBudgetMs as number, ...(bug !== undefined ? { bug } : {}), ...(reads !== undefined ? { reads } : {}),
  };
}

/** A whole number within [min, max], the default when absent, or a message naming the flag. */
export function wholeNumber(flag: string, text: string | undefined, fallback: number, min: number, max: number): number | string {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    return `${flag}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`;
  }
  return value;
}

function faultList(text: string | undefined): FaultKind[] | string {
  if (text === undefined) return [...DEFAULT_SCENARIO.faults];
  if (text.trim() === 'none') return [];
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !isFaultKind(name));
  if (unknown.length > 0 || names.length === 0) {
    return `--faults: unknown fault ${JSON.stringify(unknown[0] ?? text)}; use a comma-separated list from ${FAULT_KINDS.join(',')}, or none`;
  }
  return FAULT_KINDS.filter((kind) => names.includes(kind));
}
