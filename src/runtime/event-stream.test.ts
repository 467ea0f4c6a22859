import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from './cluster-api.ts';
import { EventStream } from './event-stream.ts';

function setup(capacity: number) {
  const frames: (() => void)[] = [];
  const stream = new EventStream((run) => frames.push(run), () => 42, capacity);
  return { stream, frames };
}

const commit = (n: number): ClusterEvent => ({ kind: 'commit', at: n, node: 1, commitIndex: n });

describe('EventStream', () => {
  it('delivers events in one batch per frame', () => {
    const { stream, frames } = setup(100);
    const batches: ClusterEvent[][] = [];
    stream.subscribe((b) => batches.push(b));
    stream.emit(commit(1));
    stream.emit(commit(2));
    expect(frames).toHaveLength(1);
    expect(batches).toHaveLength(0);
    frames.shift()!();
    expect(batches).toEqual([[commit(1), commit(2)]]);
  });

  it('is bounded: beyond capacity events are dropped and counted in one warning', () => {
    const { stream, frames } = setup(3);
    const batches: ClusterEvent[][] = [];
    stream.subscribe((b) => batches.push(b));
    for (let k = 1; k <= 10; k++) stream.emit(commit(k));
    frames.shift()!();
    expect(batches[0]).toHaveLength(4);
    expect(batches[0]!.at(-1)).toEqual({ kind: 'warning', at: 42, message: 'the page fell behind: 7 cluster events were not shown' });
  });

  it('keeps nothing without listeners, and a throwing listener does not stop the others', () => {
    const { stream, frames } = setup(100);
    stream.emit(commit(1));
    expect(frames).toHaveLength(0);
    const seen: number[] = [];
    stream.subscribe(() => {
      throw new Error('broken view');
    });
    const unsubscribe = stream.subscribe((b) => seen.push(b.length));
    stream.emit(commit(2));
    const errors = console.error;
    console.error = () => {};
    frames.shift()!();
    console.error = errors;
    expect(seen).toEqual([1]);
    unsubscribe();
  });
});
