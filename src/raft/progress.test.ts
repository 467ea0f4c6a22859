import { describe, expect, it } from 'vitest';
import { Progress } from './progress.ts';

describe('Progress', () => {
  it('probes one append at a time, then streams up to the inflight window', () => {
    const pr = new Progress(5, 2);
    expect(pr.canSend()).toBe(true);
    pr.sent(4);
    expect(pr.canSend()).toBe(false); // probe: wait for the answer
    pr.acknowledge(4);
    expect(pr.state).toBe('replicate');
    pr.sent(6);
    pr.sent(8);
    expect(pr.canSend()).toBe(false); // window of 2 full
    expect(pr.nextIndex).toBe(9);
    pr.acknowledge(6);
    expect(pr.inflightCount()).toBe(1);
    expect(pr.canSend()).toBe(true);
    expect(pr.matchIndex).toBe(6);
  });

  it('backs off on a rejection, never below matchIndex + 1', () => {
    const pr = new Progress(10, 4);
    pr.acknowledge(7);
    pr.sent(12);
    pr.backTrack(3);
    expect(pr.state).toBe('probe');
    expect(pr.nextIndex).toBe(8);
  });

  it('reports a follower that made no progress between two heartbeat responses', () => {
    const pr = new Progress(1, 4);
    expect(pr.stalledSinceLastHeartbeat()).toBe(false);
    expect(pr.stalledSinceLastHeartbeat()).toBe(true);
    pr.acknowledge(3);
    expect(pr.stalledSinceLastHeartbeat()).toBe(false);
  });
});
