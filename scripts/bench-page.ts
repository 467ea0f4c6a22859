/**
 * The benchmark's page (built and driven by scripts/bench-browser.ts): runs the browser runtime
 * directly, with closed-loop clients, and reports committed writes per second and latencies.
 * Exposes window.__bench.run(options).
 */
import { BrowserCluster } from '../src/runtime/browser-cluster.ts';
import type { ClientSession } from '../src/client/client-session.ts';
import type { NodeCount } from '../src/runtime/cluster-api.ts';
import { defaultConfig, MAX_NODE_ID } from '../src/runtime/config.ts';
import { browserDeps } from '../src/runtime/index.ts';
import { nodeDbName, type Durability, type WorkerMode } from '../src/runtime/protocol.ts';

export interface BenchOptions {
  mode: WorkerMode;
  nodes: NodeCount;
  clients: number;
  warmupMs: number;
  measureMs: number;
  durability: Durability;
  valueBytes: number;
}

export interface BenchResult extends BenchOptions {
  writes: number;
  writesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  messagesPerSecond: number;
  leaderWaitMs: number;
}

declare global {
  interface Window {
    __bench: { run(options: BenchOptions): Promise<BenchResult> };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function wipeAll(deps: ReturnType<typeof browserDeps>): Promise<void> {
  for (let id = 1; id <= MAX_NODE_ID; id++) await deps.deleteDatabase(nodeDbName(id));
}

async function waitForLeader(cluster: BrowserCluster, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const nodes = cluster.snapshot().nodes;
    if (nodes.every((n) => n.alive) && nodes.some((n) => n.role === 'leader')) return performance.now() - start;
    await sleep(20);
  }
  throw new Error('no leader within the timeout');
}

/** One closed-loop client: always exactly one write outstanding until `stopAt`. */
async function clientLoop(session: ClientSession, index: number, options: BenchOptions, window: { start: number; end: number }, latencies: number[], counts: { writes: number; failures: number }): Promise<void> {
  const value = 'v'.repeat(options.valueBytes);
  let n = 0;
  while (performance.now() < window.end) {
    const sentAt = performance.now();
    const reply = await session.submit({ op: 'set', key: `c${index}-k${n % 16}`, value });
    const doneAt = performance.now();
    n++;
    if (sentAt < window.start || doneAt > window.end) continue;
    if (!reply.ok) {
      counts.failures++;
      continue;
    }
    counts.writes++;
    latencies.push(doneAt - sentAt);
  }
}

async function run(options: BenchOptions): Promise<BenchResult> {
  const deps = browserDeps();
  const memory = new Map<string, string>();
  deps.store = { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v) };
  await wipeAll(deps);
  const config = defaultConfig({ nodes: options.nodes, tickMs: 100, electionTimeoutTicks: 10, heartbeatIntervalTicks: 2, speed: 1, network: { delayMs: [0, 0], dropRate: 0, duplicateRate: 0 } });
  const cluster = new BrowserCluster(config, deps, { mode: options.mode, durability: options.durability, persistConfig: false, viewIntervalMs: 250 });
  try {
    const leaderWaitMs = await waitForLeader(cluster, 20_000);
    const sessions = Array.from({ length: options.clients }, (_, k) => cluster.openClient(`bench-${k}`));
    const start = performance.now() + options.warmupMs;
    const window = { start, end: start + options.measureMs };
    const latencies: number[] = [];
    const counts = { writes: 0, failures: 0 };
    const sent = { atStart: 0, atEnd: 0 };
    void sleep(options.warmupMs).then(() => (sent.atStart = cluster.busStats().sent));
    void sleep(options.warmupMs + options.measureMs).then(() => (sent.atEnd = cluster.busStats().sent));
    await Promise.all(sessions.map((s, k) => clientLoop(s, k, options, window, latencies, counts)));
    const messages = sent.atEnd - sent.atStart;
    latencies.sort((a, b) => a - b);
    const seconds = options.measureMs / 1000;
    return {
      ...options, writes: counts.writes, writesPerSecond: counts.writes / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99),
      failures: counts.failures, messagesPerSecond: messages / seconds, leaderWaitMs,
    };
  } finally {
    cluster.dispose();
    await sleep(100);
    await wipeAll(deps);
  }
}

window.__bench = { run };
document.getElementById('status')!.textContent = 'ready';
