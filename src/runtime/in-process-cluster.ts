/**
 * TEST SUPPORT: the whole runtime in Node. BrowserCluster with its workers replaced by NodeHosts
 * running in this thread (messages still structured-cloned, asynchronously), storage in
 * fake-indexeddb (the importing test loads 'fake-indexeddb/auto'), real timers at high speed.
 * The same code as in the browser, minus the Worker wrapper.
 */
import { afterEach } from 'vitest';
import { BrowserCluster, type ClusterDeps, type WorkerLike } from './browser-cluster.ts';
import { defaultConfig } from './config.ts';
import { createNodeStore, deleteNodeDatabase, IdbStorage, MemoryNodeStorage, type NodeStorage } from './idb-storage.ts';
import { browserTimers } from './index.ts';
import { NodeHost } from './node-host.ts';
import type { HostToWorker, InitMessage, WorkerToHost } from './protocol.ts';

let run = 0;

export class InProcessWorker implements WorkerLike {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  private terminated = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly host: NodeHost;

  constructor(openStorage: (init: InitMessage, lost: (reason: string) => void) => NodeStorage) {
    this.host = new NodeHost({
      post: (m: WorkerToHost) => this.toHost(m),
      openStorage,
      setInterval: (fn, ms) => this.track(setInterval(fn, ms)),
      clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
      setTimeout: (fn, ms) => this.track(setTimeout(fn, ms)),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    });
  }

  postMessage(message: HostToWorker): void {
    const copy = structuredClone(message);
    setTimeout(() => {
      if (!this.terminated) this.host.receive(copy);
    }, 0);
  }

  terminate(): void {
    this.terminated = true;
    for (const t of this.timers) clearTimeout(t);
  }

  private toHost(message: WorkerToHost): void {
    const copy = structuredClone(message);
    setTimeout(() => {
      if (!this.terminated) this.onmessage?.({ data: copy } as MessageEvent);
    }, 0);
  }

  private track<T extends ReturnType<typeof setTimeout>>(handle: T): T {
    this.timers.add(handle);
    return handle;
  }
}

export function memoryStore(): ClusterDeps['store'] & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

export interface Setup {
  deps: ClusterDeps;
  prefix: string;
  store: ReturnType<typeof memoryStore>;
  /** Replace a node's storage (quota failures...). */
  storageFor: Map<number, (init: InitMessage) => NodeStorage>;
}

export function setup(): Setup {
  run++;
  const prefix = `bc${run}-${Math.random().toString(36).slice(2, 8)}-`;
  const store = memoryStore();
  const storageFor = new Map<number, (init: InitMessage) => NodeStorage>();
  const deps: ClusterDeps = {
    createWorker: () =>
      new InProcessWorker((init, lost) => storageFor.get(init.id)?.(init)
        ?? (init.storage === 'memory' ? new MemoryNodeStorage() : new IdbStorage(createNodeStore(prefix + init.dbName, init.durability, lost)))),
    timers: browserTimers,
    random: Math.random,
    seed: () => Math.floor(Math.random() * 2 ** 31),
    store,
    deleteDatabase: (name) => deleteNodeDatabase(prefix + name),
    indexedDbAvailable: true,
    scheduleFrame: (fn) => void setTimeout(fn, 5),
  };
  return { deps, prefix, store, storageFor };
}

export const fast = defaultConfig({ tickMs: 10, electionTimeoutTicks: 10, heartbeatIntervalTicks: 2, network: { delayMs: [0, 2], dropRate: 0, duplicateRate: 0 } });

export async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function leaderOf(cluster: BrowserCluster): number | undefined {
  return cluster.snapshot().nodes.find((n) => n.role === 'leader')?.id;
}

const open: BrowserCluster[] = [];
export function start(s: Setup, config = fast): BrowserCluster {
  const cluster = new BrowserCluster(config, s.deps);
  open.push(cluster);
  return cluster;
}

afterEach(() => {
  for (const c of open.splice(0)) c.dispose();
});

