/**
 * The browser runtime's entry point for the page (see docs/runtime.md).
 *
 *   const cluster = await openCluster();   // the saved cluster, or a fresh 3-node one
 *
 * With `?debug` in the page's URL the controller is also exposed as `window.__cluster` (a
 * BrowserCluster: the ClusterController plus openClient/closeClient/busStats), for the console
 * of the browser's developer tools and for Playwright.
 */
import { BrowserCluster, type ClusterDeps, type ClusterOptions } from './browser-cluster.ts';
import type { Timers } from '../core/timers.ts';
import type { KeyValueStore } from '../client/persistent-session.ts';
import type { ClusterConfig } from './cluster-api.ts';
import { defaultConfig, loadConfig, MAX_NODE_ID } from './config.ts';
import { deleteNodeDatabase } from './idb-storage.ts';
import { nodeDbName } from './protocol.ts';

export type { ClusterController } from './cluster-api.ts';
export { BrowserCluster } from './browser-cluster.ts';
export type { ClientSession } from '../client/client-session.ts';

export interface OpenClusterOptions extends ClusterOptions {
  /** Ignore the saved cluster: wipe every node database and start this configuration. */
  fresh?: boolean;
  config?: Partial<ClusterConfig>;
}

declare global {
  interface Window {
    __cluster?: BrowserCluster;
  }
}

let current: BrowserCluster | undefined;

/**
 * Restores the saved cluster (same node count, timeouts and network; each node reloads its own
 * database) or starts a fresh 3-node cluster. Only one cluster runs per page: opening another
 * disposes the previous one (two would fight over the same databases).
 */
export async function openCluster(options: OpenClusterOptions = {}): Promise<BrowserCluster> {
  current?.dispose();
  current = undefined;
  const deps = browserDeps();
  const warnings = [...(options.warnings ?? [])];
  let config = defaultConfig(options.config);
  if (!options.fresh) {
    const saved = loadConfig(deps.store);
    if (saved.kind === 'saved') config = options.config ? defaultConfig({ ...saved.config, ...options.config }) : saved.config;
    if (saved.kind === 'invalid') warnings.push(`${saved.reason}; starting a fresh 3-node cluster.`);
  }
  const clusterOptions: ClusterOptions = { ...options, warnings };
  if (!(await ownTheDatabases())) {
    // Another tab runs this cluster: two workers for one node on one database would break Raft's
    // safety (two writers of one vote). This tab gets a cluster of its own, in memory only, and
    // touches neither the databases nor the saved configuration and console session.
    const memory = new Map<string, string>();
    deps.store = { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v) };
    deps.indexedDbAvailable = false;
    deps.deleteDatabase = () => Promise.resolve();
    clusterOptions.persistConfig = false;
    clusterOptions.noIndexedDbWarning = 'The cluster is open in another tab, which owns its databases. This tab runs a separate cluster in memory only: a reload loses it.';
  }
  if (options.fresh) await Promise.allSettled(Array.from({ length: MAX_NODE_ID }, (_, k) => deps.deleteDatabase(nodeDbName(k + 1))));
  const cluster = new BrowserCluster(config, deps, clusterOptions);
  current = cluster;
  if (hasDebugFlag()) window.__cluster = cluster;
  return cluster;
}

const LOCK_NAME = 'raft-kv-playground:databases';
let lockHeld: Promise<boolean> | undefined;

/**
 * One tab at a time owns the node databases: a Web Lock held for the page's lifetime. A reloaded
 * page may ask before the old document has let go, so it asks a few times. Without the Web Locks
 * API (an insecure context) there is nothing to check with, and the tab proceeds.
 */
function ownTheDatabases(): Promise<boolean> {
  lockHeld ??= (async () => {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    if (locks === undefined) return true;
    for (let attempt = 0; attempt < 6; attempt++) {
      if (await tryLock(locks)) return true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return false;
  })();
  return lockHeld;
}

function tryLock(locks: LockManager): Promise<boolean> {
  return new Promise((resolve) => {
    void locks.request(LOCK_NAME, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock === null ? undefined : new Promise<void>(() => {}); // held until the page goes away
    });
  });
}

function hasDebugFlag(): boolean {
  return typeof location !== 'undefined' && new URLSearchParams(location.search).has('debug');
}

export function browserDeps(): ClusterDeps {
  return {
    createWorker: () => new Worker(new URL('./node.worker.ts', import.meta.url), { type: 'module', name: 'raft-node' }),
    timers: browserTimers,
    random: Math.random,
    seed: () => crypto.getRandomValues(new Uint32Array(1))[0]! | 0,
    store: availableLocalStorage(),
    deleteDatabase: deleteNodeDatabase,
    indexedDbAvailable: typeof indexedDB !== 'undefined',
    scheduleFrame: (run) => {
      // Animation frames stop in background tabs; the event buffer is bounded, so that is fine.
      if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => run());
      else setTimeout(run, 16);
    },
  };
}

/** Zero-delay timers run as a microtask: every message due now leaves in one batch per task. */
export const browserTimers: Timers = {
  now: () => performance.now(),
  setTimer(run, delayMs) {
    if (delayMs > 0) return setTimeout(run, delayMs);
    const handle = { cancelled: false };
    queueMicrotask(() => {
      if (!handle.cancelled) run();
    });
    return handle;
  },
  clearTimer(handle) {
    if (typeof handle === 'object' && handle !== null && 'cancelled' in handle) (handle as { cancelled: boolean }).cancelled = true;
    else clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

function availableLocalStorage(): KeyValueStore | undefined {
  try {
    const storage = globalThis.localStorage;
    if (storage === undefined) return undefined;
    const probe = 'raft-kv-playground:probe';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return undefined;
  }
}
