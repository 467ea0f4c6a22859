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

describe('Progress in snapshot state', () => {
  it('sends no appends while a snapshot goes out; stale append answers do not end it, reaching the snapshot does', () => {
    const pr = new Progress(3, 4);
    pr.becomeSnapshot(50);
    expect(pr.canSend()).toBe(false);
    pr.snapshotChunkInFlight = 0;
    pr.chunkAnswered(65536);
    expect([pr.snapshotOffset, pr.snapshotChunkInFlight]).toEqual([65536, -1]);
    pr.acknowledge(10); // an old append's answer
    expect(pr.state).toBe('snapshot');
    pr.acknowledge(50);
    expect([pr.state, pr.matchIndex, pr.nextIndex]).toEqual(['replicate', 50, 51]);
  });

  it('counts a heartbeat interval without an answered chunk as a stall', () => {
    const pr = new Progress(3, 4);
    pr.becomeSnapshot(50);
    expect(pr.snapshotStalledSinceLastHeartbeat()).toBe(true);
    pr.chunkAnswered(100);
    expect(pr.snapshotStalledSinceLastHeartbeat()).toBe(false);
    expect(pr.snapshotStalledSinceLastHeartbeat()).toBe(true);
  });
});
