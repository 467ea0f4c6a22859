/**
 * The cluster's configuration: defaults, validation, and saving it in localStorage so a reloaded
 * page restarts the same cluster (same node count, timeouts and network settings).
 */
import type { ClusterConfig, NodeCount } from './cluster-api.ts';
import { validateSpeed } from './bus.ts';
import { validateNetwork } from '../sim/index.ts';
import type { KeyValueStore } from '../client/persistent-session.ts';

export const CONFIG_KEY = 'raft-kv-playground:cluster-config';
const CONFIG_VERSION = 1;

export const NODE_COUNTS: readonly NodeCount[] = [3, 5, 7];
/** Node ids ever used (1..7): "new cluster" deletes all of their databases. */
export const MAX_NODE_ID = 7;

const DEFAULTS: ClusterConfig = {
  nodes: 3,
  tickMs: 100,
  electionTimeoutTicks: 10,
  heartbeatIntervalTicks: 2,
  network: { delayMs: [10, 40], dropRate: 0, duplicateRate: 0 },
  speed: 1,
  protocol: { preVote: true, checkQuorum: true, reads: 'read-index' },
};
export const DEFAULT_CONFIG: Readonly<ClusterConfig> = Object.freeze(DEFAULTS);

export function defaultConfig(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  const base = DEFAULT_CONFIG;
  const network = { ...base.network, delayMs: [...base.network.delayMs] as [number, number], ...overrides.network };
  const protocol = { ...base.protocol, ...overrides.protocol };
  return { ...base, ...overrides, network, protocol };
}

export function isNodeCount(n: unknown): n is NodeCount {
  return NODE_COUNTS.includes(n as NodeCount);
}

/** Throws RangeError with a message the page can show. */
export function validateConfig(c: ClusterConfig): void {
  if (!isNodeCount(c.nodes)) throw new RangeError(`nodes must be 3, 5 or 7, got ${c.nodes}`);
  if (!(Number.isFinite(c.tickMs) && c.tickMs >= 1 && c.tickMs <= 10_000)) throw new RangeError(`tickMs must be in [1, 10000], got ${c.tickMs}`);
  if (!(Number.isInteger(c.electionTimeoutTicks) && c.electionTimeoutTicks >= 2 && c.electionTimeoutTicks <= 1000)) {
    throw new RangeError(`electionTimeoutTicks must be a whole number in [2, 1000], got ${c.electionTimeoutTicks}`);
  }
  if (!(Number.isInteger(c.heartbeatIntervalTicks) && c.heartbeatIntervalTicks >= 1 && c.heartbeatIntervalTicks < c.electionTimeoutTicks)) {
    throw new RangeError(`heartbeatIntervalTicks must be a whole number in [1, electionTimeoutTicks), got ${c.heartbeatIntervalTicks}`);
  }
  validateNetwork(c.network, false);
  validateSpeed(c.speed);
  const p = c.protocol;
  if (typeof p.preVote !== 'boolean' || typeof p.checkQuorum !== 'boolean') throw new RangeError('preVote and checkQuorum must be true or false');
  if (p.reads !== 'read-index' && p.reads !== 'lease') throw new RangeError(`reads must be read-index or lease, got ${String(p.reads)}`);
  if (p.reads === 'lease' && !p.checkQuorum) {
    throw new RangeError('lease reads need CheckQuorum: the lease is the followers\' promise not to vote while they hear from the leader');
  }
}

export type LoadedConfig = { kind: 'saved'; config: ClusterConfig } | { kind: 'none' } | { kind: 'invalid'; reason: string };

export function loadConfig(store: KeyValueStore | undefined): LoadedConfig {
  let raw: string | null | undefined;
  try {
    raw = store?.getItem(CONFIG_KEY);
  } catch (e) {
    return { kind: 'invalid', reason: `cannot read the saved configuration: ${String(e)}` };
  }
  if (raw === null || raw === undefined) return { kind: 'none' };
  try {
    const parsed = JSON.parse(raw) as { version?: unknown; config?: unknown };
    if (parsed.version !== CONFIG_VERSION) return { kind: 'invalid', reason: `saved configuration has version ${String(parsed.version)}` };
    const config = defaultConfig(parsed.config as Partial<ClusterConfig>);
    validateConfig(config);
    return { kind: 'saved', config };
  } catch (e) {
    return { kind: 'invalid', reason: `the saved configuration is unreadable: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** False when the store refused (full, or storage disabled). */
export function saveConfig(store: KeyValueStore | undefined, config: ClusterConfig): boolean {
  if (store === undefined) return false;
  try {
    store.setItem(CONFIG_KEY, JSON.stringify({ version: CONFIG_VERSION, config }));
    return true;
  } catch {
    return false;
  }
}
