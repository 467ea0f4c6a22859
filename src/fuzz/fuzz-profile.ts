/**
 * The knobs of a fuzz run that are not on the command line: disk and client timing, the key
 * space, the pace of fault episodes, and the Raft tuning. One place, so the sim command, the
 * fuzzer and the tests agree, and a seed printed by the fuzzer replays exactly with `npm run sim`.
 */
import type { BugName } from '../core/bugs.ts';
import { DEFAULT_FAULT_TIMING, type FaultScheduleOptions } from './faults.ts';
import { SeededRng, deriveSeed } from '../core/rng.ts';
import type { RaftTuning } from '../sim/simulation.ts';
import type { WorkloadOptions } from './workload.ts';

export interface ScenarioProfile {
  /**
   * [min, max] virtual ms to persist a batch: slower than the network (1-5 ms), as an fsync is,
   * so crashes land mid-write and anything sent before its write completes is exposed.
   */
  diskLatencyMs: [number, number];
  /** Short against bad-weather delays, so clients retry requests that did commit. */
  clientTimeoutMs: number;
  raft: RaftTuning;
  workload: Pick<WorkloadOptions, 'keys' | 'thinkMs'>;
  timing: Pick<FaultScheduleOptions, 'gapMs' | 'episodeMs' | 'diskLatencyMaxMs'>;
}

/**
 * Entries per append, drawn per seed. The product default (64) is one choice; the small ones
 * split a new leader's catch-up of older entries from its own no-op, which is exactly where
 * Raft's Figure 8 bites (and they exercise chunked catch-up and pipelining).
 */
export const MAX_ENTRIES_PER_APPEND_CHOICES = [1, 2, 64] as const;

/**
 * InstallSnapshot chunk sizes, drawn per seed. A fuzz run's snapshot is small (four keys and the
 * session table: several hundred characters), so only small chunks make a transfer take several
 * round trips, where loss, duplication, reordering and a leader change can cut into it.
 */
export const MAX_SNAPSHOT_CHUNK_BYTES_CHOICES = [64, 256, 64 * 1024] as const;

const DISK_LATENCY_MAX_MS = 15;

export function scenarioProfile(options: { seed: number; bug?: BugName }): ScenarioProfile {
  const rng = new SeededRng(deriveSeed(options.seed, 7003));
  return {
    diskLatencyMs: [0, DISK_LATENCY_MAX_MS],
    clientTimeoutMs: 150,
    raft: { maxEntriesPerAppend: rng.pick(MAX_ENTRIES_PER_APPEND_CHOICES), maxSnapshotChunkBytes: rng.pick(MAX_SNAPSHOT_CHUNK_BYTES_CHOICES) },
    workload: { keys: 4, thinkMs: [0, 20] },
    timing: { ...DEFAULT_FAULT_TIMING, diskLatencyMaxMs: DISK_LATENCY_MAX_MS },
  };
}
