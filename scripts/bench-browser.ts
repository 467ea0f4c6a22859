/**
 * The browser runtime's benchmark. Builds a bench page (scripts/bench-page.html) with Vite, serves
 * it, and drives it in headless Chromium (Playwright, the system Chromium): 3 and 5 nodes, zero
 * added delay, durable IndexedDB, 1, 16 and 64 closed-loop clients. For each, it measures the Raft
 * cluster and, in the same run, the limit of this design on this machine: the same workers relaying
 * the same messages through the main-thread bus and group-committing the same batches to IndexedDB,
 * with no consensus logic (src/core/limit-node.ts, a ProtocolNode on the same runner). Prints a table, then JSON.
 *
 *   npm run bench [-- --measure-ms 3000 --warmup-ms 1000 --repeat 3 --durability strict|relaxed --nodes 3,5 --clients 1,16,64]
 *
 * Each cell runs `repeat` times, Raft and limit alternating (so drift in the machine's state hits
 * both alike); the table shows the run with the median throughput of each, and the JSON all runs.
 *
 * Exit code: 0 when Raft reaches at least half the limit at 64 clients (the target), 1 when it
 * does not, 2 when the benchmark could not run.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import type { BenchOptions, BenchResult } from './bench-page.ts';

const { values } = parseArgs({
  options: {
    'measure-ms': { type: 'string', default: '3000' },
    'warmup-ms': { type: 'string', default: '1000' },
    durability: { type: 'string', default: 'strict' },
    nodes: { type: 'string', default: '3,5' },
    clients: { type: 'string', default: '1,16,64' },
    'value-bytes': { type: 'string', default: '32' },
    repeat: { type: 'string', default: '3' },
  },
});

const measureMs = Number(values['measure-ms']);
const warmupMs = Number(values['warmup-ms']);
const valueBytes = Number(values['value-bytes']);
const repeat = Number(values.repeat);
const durability = values.durability;
const nodeCounts = values.nodes.split(',').map(Number);
const clientCounts = values.clients.split(',').map(Number);
if (
  !(measureMs >= 500 && warmupMs >= 0 && valueBytes >= 1 && Number.isInteger(repeat) && repeat >= 1) ||
  (durability !== 'strict' && durability !== 'relaxed') ||
  !nodeCounts.every((n) => n === 3 || n === 5 || n === 7) ||
  !clientCounts.every((c) => Number.isInteger(c) && c >= 1 && c <= 256)
) {
  console.error('usage: npm run bench -- [--measure-ms MS>=500] [--warmup-ms MS] [--durability strict|relaxed] [--nodes 3,5] [--clients 1,16,64] [--value-bytes N] [--repeat N]');
  process.exit(2);
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const systemChromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Row {
  nodes: number;
  clients: number;
  raft: BenchResult;
  limit: BenchResult;
  ratio: number;
  /** Writes per second of every run, for the spread. */
  raftRuns: number[];
  limitRuns: number[];
}

/** The run with the median throughput (the lower middle one for an even count). */
function medianRun(results: BenchResult[]): BenchResult {
  const sorted = results.slice().sort((a, b) => a.writesPerSecond - b.writesPerSecond);
  return sorted[(sorted.length - 1) >> 1]!;
}

async function buildPage(outDir: string): Promise<void> {
  await build({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false, rollupOptions: { input: 'scripts/bench-page.html' } },
  });
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

function printTable(rows: Row[]): void {
  const header = ['nodes', 'clients', 'raft w/s', 'p50 ms', 'p99 ms', 'limit w/s', 'p50 ms', 'p99 ms', 'raft/limit', 'raft runs', 'limit runs'];
  const lines = rows.map((r) => [
    String(r.nodes), String(r.clients), fmt(r.raft.writesPerSecond), fmt(r.raft.p50Ms, 1), fmt(r.raft.p99Ms, 1),
    fmt(r.limit.writesPerSecond), fmt(r.limit.p50Ms, 1), fmt(r.limit.p99Ms, 1), fmt(r.ratio, 2), r.raftRuns.join('/'), r.limitRuns.join('/'),
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...lines.map((l) => l[k]!.length)));
  const show = (cells: string[]): string => cells.map((c, k) => c.padStart(widths[k]!)).join('  ');
  console.log(show(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(show(l));
}

async function main(): Promise<number> {
  const outDir = join(tmpdir(), 'raft-kv-bench-page');
  console.error(`bench: building the bench page into ${outDir}`);
  await buildPage(outDir);
  const server = await preview({ configFile: 'vite.config.ts', logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 4183, strictPort: false } });
  const base = server.resolvedUrls?.local[0];
  if (base === undefined) throw new Error('vite preview did not report a URL');
  const browser = await chromium.launch({ ...(existsSync(systemChromium) ? { executablePath: systemChromium } : {}), args: CHROMIUM_ARGS });
  const version = `Chromium ${browser.version()}`;
  const rows: Row[] = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(new URL('scripts/bench-page.html', base).href);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    for (const nodes of nodeCounts) {
      for (const clients of clientCounts) {
        const runs: Record<'raft' | 'limit', BenchResult[]> = { raft: [], limit: [] };
        for (let r = 0; r < repeat; r++) {
          for (const mode of ['raft', 'limit'] as const) {
            const options: BenchOptions = { mode, nodes: nodes as 3 | 5 | 7, clients, warmupMs, measureMs, durability: durability as 'strict' | 'relaxed', valueBytes };
            console.error(`bench: ${mode} ${nodes} nodes, ${clients} clients, run ${r + 1}/${repeat}...`);
            runs[mode].push(await page.evaluate((o) => window.__bench.run(o), options));
          }
        }
        const raft = medianRun(runs.raft);
        const limit = medianRun(runs.limit);
        rows.push({
          nodes, clients, raft, limit, ratio: raft.writesPerSecond / limit.writesPerSecond,
          raftRuns: runs.raft.map((r) => Math.round(r.writesPerSecond)), limitRuns: runs.limit.map((r) => Math.round(r.writesPerSecond)),
        });
      }
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
  console.log(`\nbrowser runtime benchmark: ${version}, ${durability} IndexedDB durability, zero added delay, closed-loop SET clients, ${measureMs} ms measured after ${warmupMs} ms warm-up, ${valueBytes}-byte values, median of ${repeat} runs`);
  printTable(rows);
  const at64 = rows.filter((r) => r.clients === 64);
  const met = at64.length > 0 && at64.every((r) => r.ratio >= 0.5);
  console.log(JSON.stringify({ durability, measureMs, warmupMs, valueBytes, repeat, rows }, null, 2));
  console.log(at64.length === 0 ? 'target not measured (no 64-client row)' : `target (raft >= 0.5 x limit at 64 clients): ${met ? 'met' : 'MISSED'} (${at64.map((r) => `${r.nodes} nodes ${fmt(r.ratio, 2)}`).join(', ')})`);
  return at64.length === 0 || met ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
