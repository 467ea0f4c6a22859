/**
 * The live charts' numbers: committed writes per second (the cluster's highest commit index,
 * noops excluded), and commit latency as clients see it (submit to reply, for writes). Kept per
 * one-second bucket over a sliding window. Pure; times are wall-clock ms.
 */
import { quantile } from 'd3';

export const WINDOW_SECONDS = 60;
export const MAX_LATENCY_SAMPLES = 2000;

export interface RatePoint {
  /** Start of the second, wall ms. */
  t: number;
  value: number;
}

export interface LatencyPoint {
  t: number;
  median: number;
  max: number;
  count: number;
}

export class MetricsModel {
  private readonly writes = new Map<number, number>();
  private readonly latencies: { at: number; ms: number }[] = [];
  totalWrites = 0;

  recordWrites(at: number, count: number): void {
    if (count <= 0) return;
    const second = Math.floor(at / 1000);
    this.writes.set(second, (this.writes.get(second) ?? 0) + count);
    this.totalWrites += count;
    this.prune(at);
  }

  recordLatency(at: number, ms: number): void {
    this.latencies.push({ at, ms });
    if (this.latencies.length > MAX_LATENCY_SAMPLES) this.latencies.shift();
  }

  /** Writes per second for each whole second of the window ending at `now` (the current partial second excluded). */
  writeRate(now: number, windowSeconds = WINDOW_SECONDS): RatePoint[] {
    const last = Math.floor(now / 1000) - 1;
    const out: RatePoint[] = [];
    for (let s = last - windowSeconds + 1; s <= last; s++) out.push({ t: s * 1000, value: this.writes.get(s) ?? 0 });
    return out;
  }

  latency(now: number, windowSeconds = WINDOW_SECONDS): LatencyPoint[] {
    const first = Math.floor(now / 1000) - windowSeconds;
    const bySecond = new Map<number, number[]>();
    for (const sample of this.latencies) {
      const s = Math.floor(sample.at / 1000);
      if (s < first) continue;
      bySecond.set(s, [...(bySecond.get(s) ?? []), sample.ms]);
    }
    return [...bySecond.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, values]) => ({ t: s * 1000, median: quantile(values, 0.5) ?? 0, max: Math.max(...values), count: values.length }));
  }

  /** The latest latency sample, if any. */
  lastLatency(): number | undefined {
    return this.latencies[this.latencies.length - 1]?.ms;
  }

  reset(): void {
    this.writes.clear();
    this.latencies.length = 0;
    this.totalWrites = 0;
  }

  private prune(now: number): void {
    const oldest = Math.floor(now / 1000) - WINDOW_SECONDS * 2;
    for (const s of this.writes.keys()) if (s < oldest) this.writes.delete(s);
  }
}
