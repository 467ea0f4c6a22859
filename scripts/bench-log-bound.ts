/**
 * Log compaction keeps storage bounded, and a lagging follower catches up by snapshot (#11).
 * A benchmark script, not a timed test: the figures go to docs/simulation.md.
 *
 * 1. Bounded log: a Simulation cluster takes `--writes` SETs over a bounded key set (clients
 *    always busy, Raft's default snapshotThresholdEntries of 1000). Every `--checkpoint` writes
 *    it prints, per node: entries kept in the in-memory log, entries durable on disk, the
 *    snapshot's index and size, and the bytes stored (snapshot data + entrySizeBytes of every
 *    durable entry), against writes made. Flat after the threshold: the log never holds much
 *    more than a threshold's worth of entries, and the snapshot is the size of the key set.
 * 2. Catch-up by a 10 MB snapshot: a follower is down while 1,250 keys of 8 KB are written and
 *    the leader compacts; then it restarts. Reported: virtual and wall ms until its applied index
 *    reaches the leader's snapshot index, and the InstallSnapshot chunks sent. The wall figure is
 *    the median of `--runs` runs (same seed, so the same virtual run).
 *
 *   npm run bench:log [-- --writes 200000 --nodes 3 --checkpoint 20000 --keys 1000 --runs 3]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Simulation } from '../src/sim/index.ts';
import { entrySizeBytes } from '../src/raft/log.ts';
import type { NodeId } from '../src/core/types.ts';

const { values } = parseArgs({
  options: {
    writes: { type: 'string', default: '200000' },
    nodes: { type: 'string', default: '3' },
    checkpoint: { type: 'string', default: '20000' },
    keys: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
  },
});
const options = {
  writes: Number(values.writes), nodes: Number(values.nodes), checkpoint: Number(values.checkpoint),
  keys: Number(values.keys), runs: Number(values.runs), seed: Number(values.seed),
};
if (!(options.writes >= 1 && options.nodes >= 3 && options.nodes <= 9 && options.checkpoint >= 1 && options.keys >= 1 && options.runs >= 1)) {
  console.error('usage: npm run bench:log -- [--writes N] [--nodes 3..9] [--checkpoint N] [--keys N] [--runs N] [--seed S]');
  process.exit(2);
}

const CLIENTS = 10;
const STEP_MS = 5;
/** Part 1's values: 64 characters, so the snapshot of the key set is tens of kilobytes. */
const valueOf = (n: number): string => `v${n}:`.padEnd(64, '.');

interface NodeRow {
  id: NodeId;
  logEntries: number;
  diskEntries: number;
  snapshotIndex: number;
  snapshotBytes: number;
  bytesStored: number;
}

function nodeRow(sim: Simulation, id: NodeId): NodeRow {
  const disk = sim.durableState(id);
  const snapshotBytes = disk.snapshot?.data.length ?? 0;
  let bytesStored = snapshotBytes;
  for (const entry of disk.entries) bytesStored += entrySizeBytes(entry);
  const logEntries = sim.node(id)?.raft.log.all().length ?? disk.entries.length;
  return { id, logEntries, diskEntries: disk.entries.length, snapshotIndex: disk.snapshot?.index ?? 0, snapshotBytes, bytesStored };
}

/**
 * Keeps CLIENTS clients busy with SETs until `total` were answered; calls `checkpoint` each time
 * another `every` writes were answered. A client is idle only once its last write was answered.
 */
function driveWrites(sim: Simulation, total: number, every: number, checkpoint: (written: number) => void): void {
  const clients = Array.from({ length: CLIENTS }, () => sim.client());
  let issued = 0;
  let nextCheckpoint = every;
  for (;;) {
    let busy = 0;
    for (const c of clients) {
      if (c.busy()) busy++;
      else if (issued < total) {
        c.set(`k${issued % options.keys}`, valueOf(issued));
        issued++;
        busy++;
      }
    }
    const written = issued - busy;
    for (; nextCheckpoint <= written; nextCheckpoint += every) checkpoint(nextCheckpoint);
    if (written >= total) return;
    sim.runFor(STEP_MS);
  }
}

function boundedLog(): void {
  const sim = new Simulation({ nodes: options.nodes, seed: options.seed, invariants: false });
  const start = performance.now();
  console.log(`Bounded log: ${options.writes} writes over ${options.keys} keys (64-character values), ${options.nodes} nodes, ${CLIENTS} clients, snapshot threshold 1000 (the default)`);
  console.log('  writes  node  log entries  disk entries  snapshot index  snapshot bytes  bytes stored');
  const stored: number[] = [];
  const kept: number[] = [];
  driveWrites(sim, options.writes, options.checkpoint, (written) => {
    for (const id of sim.nodeIds) {
      const r = nodeRow(sim, id);
      stored.push(r.bytesStored);
      kept.push(r.diskEntries);
      console.log(`${String(written).padStart(8)}  ${`n${id}`.padStart(4)}  ${num(r.logEntries, 11)}  ${num(r.diskEntries, 12)}  ${num(r.snapshotIndex, 14)}  ${num(r.snapshotBytes, 14)}  ${num(r.bytesStored, 12)}`);
    }
  });
  const wallMs = performance.now() - start;
  console.log(`  per node at every checkpoint: ${range(kept)} durable entries, ${range(stored)} bytes stored ` +
    `(${(sim.now() / 1000).toFixed(1)} virtual s, ${(wallMs / 1000).toFixed(1)} wall s)`);
}

interface CatchUp {
  snapshotIndex: number;
  snapshotBytes: number;
  virtualMs: number;
  wallMs: number;
  chunks: number;
}

/** Part 2: 1,250 values of 8 KB, 10 MB of state. */
const BIG_KEYS = 1250;
const BIG_VALUE_CHARS = 8 * 1024;

/** One run of part 2: a follower misses 10 MB of writes, the leader compacts, the follower returns. */
function catchUpOnce(seed: number): CatchUp {
  const sim = new Simulation({ nodes: 3, seed, invariants: false });
  if (!sim.runUntil(() => sim.leader() !== undefined, 5000)) throw new Error('no leader');
  const leader = sim.leader()!;
  const lagging = sim.nodeIds.find((id) => id !== leader)!;
  sim.crash(lagging);
  driveWritesBig(sim, BIG_KEYS, (n) => `${n}:`.padEnd(BIG_VALUE_CHARS, 'x'));
  sim.compact(leader); // the threshold compacted at about 1000; this snapshot holds every key
  const snapshot = sim.node(leader)!.raft.latestSnapshot()!;
  const chunksBefore = sim.stats().sentByType['InstallSnapshot'] ?? 0;
  const startVirtual = sim.now();
  const startWall = performance.now();
  sim.restart(lagging);
  const ok = sim.runUntil(() => (sim.node(lagging)?.kv.appliedIndex ?? 0) >= snapshot.index, 120_000);
  const wallMs = performance.now() - startWall;
  if (!ok) throw new Error(`n${lagging} did not catch up within 120 virtual s`);
  return {
    snapshotIndex: snapshot.index, snapshotBytes: snapshot.data.length, virtualMs: sim.now() - startVirtual, wallMs,
    chunks: (sim.stats().sentByType['InstallSnapshot'] ?? 0) - chunksBefore,
  };
}

/** `count` SETs of one key each, `value(n)` for the n-th, with every client busy. */
function driveWritesBig(sim: Simulation, count: number, value: (n: number) => string): void {
  const clients = Array.from({ length: CLIENTS }, () => sim.client());
  let issued = 0;
  while (issued < count || clients.some((c) => c.busy())) {
    for (const c of clients) {
      if (c.busy() || issued >= count) continue;
      c.set(`big${issued}`, value(issued));
      issued++;
    }
    sim.runFor(STEP_MS);
  }
}

function snapshotCatchUp(): void {
  const runs = Array.from({ length: options.runs }, () => catchUpOnce(options.seed));
  const first = runs[0]!;
  const walls = runs.map((r) => r.wallMs);
  console.log('');
  console.log(`Catch-up by snapshot: 3 nodes, a follower down while 1,250 keys of 8 KB are written, the leader compacts, the follower restarts`);
  console.log(`  snapshot: index ${first.snapshotIndex}, ${(first.snapshotBytes / 1e6).toFixed(2)} MB (${first.snapshotBytes.toLocaleString('en')} characters)`);
  console.log(`  InstallSnapshot chunks sent: ${first.chunks} (64 KiB each at most)`);
  console.log(`  until the follower applied the snapshot: ${first.virtualMs} virtual ms, ${median(walls).toFixed(0)} wall ms ` +
    `(median of ${walls.length}: ${walls.map((w) => w.toFixed(0)).join(', ')})`);
}

function range(xs: number[]): string {
  return `${Math.min(...xs).toLocaleString('en')} to ${Math.max(...xs).toLocaleString('en')}`;
}

function num(n: number, width: number): string {
  return n.toLocaleString('en').padStart(width);
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

boundedLog();
snapshotCatchUp();
