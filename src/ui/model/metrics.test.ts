import { describe, expect, it } from 'vitest';
import { MetricsModel } from './metrics.ts';

describe('MetricsModel', () => {
  it('buckets writes per whole second, excluding the current partial second', () => {
    const m = new MetricsModel();
    m.recordWrites(1_000, 3);
    m.recordWrites(1_900, 2);
    m.recordWrites(2_100, 4);
    const rate = m.writeRate(3_500, 3);
    expect(rate).toEqual([{ t: 0, value: 0 }, { t: 1000, value: 5 }, { t: 2000, value: 4 }]);
    expect(m.totalWrites).toBe(9);
  });

  it('summarises latency per second with median and max', () => {
    const m = new MetricsModel();
    for (const ms of [10, 20, 30]) m.recordLatency(5_200, ms);
    m.recordLatency(6_100, 100);
    expect(m.latency(7_000, 10)).toEqual([
      { t: 5000, median: 20, max: 30, count: 3 },
      { t: 6000, median: 100, max: 100, count: 1 },
    ]);
    expect(m.lastLatency()).toBe(100);
    m.reset();
    expect(m.latency(7_000)).toEqual([]);
  });
});
