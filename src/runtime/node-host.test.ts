import { describe, expect, it } from 'vitest';
import type { Message } from '../core/types.ts';
import { MemoryNodeStorage } from './idb-storage.ts';
import { NodeHost, type HostPort } from './node-host.ts';
import { PROTOCOL_VERSION, type InitMessage, type WorkerToHost } from './protocol.ts';

class FakePort implements HostPort {
  posted: WorkerToHost[] = [];
  intervals = new Map<number, { run: () => void; ms: number }>();
  timeouts = new Map<number, () => void>();
  private next = 1;
  post(message: WorkerToHost): void {
    this.posted.push(message);
  }
  openStorage(): MemoryNodeStorage {
    return new MemoryNodeStorage();
  }
  setInterval(run: () => void, ms: number): unknown {
    const h = this.next++;
    this.intervals.set(h, { run, ms });
    return h;
  }
  clearInterval(h: unknown): void {
    this.intervals.delete(h as number);
  }
  setTimeout(run: () => void, _ms: number): unknown {
    const h = this.next++;
    this.timeouts.set(h, run);
    return h;
  }
  clearTimeout(h: unknown): void {
    this.timeouts.delete(h as number);
  }
  tick(times: number): void {
    for (let k = 0; k < times; k++) for (const { run } of [...this.intervals.values()]) run();
  }
  types(): string[] {
    return this.posted.map((m) => m.type);
  }
}

function init(overrides: Partial<InitMessage> = {}): InitMessage {
  return {
    v: PROTOCOL_VERSION, type: 'init', id: 1, voters: [1], mode: 'raft', seed: 7, tickMs: 100, speed: 1, paused: false,
    electionTimeoutTicks: 10, heartbeatIntervalTicks: 2, storage: 'memory', dbName: 'raft-node-1', durability: 'strict', viewIntervalMs: 100, expectData: false, clockRate: 1,
    protocol: { preVote: true, checkQuorum: true, reads: 'read-index' },
    ...overrides,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('NodeHost', () => {
  it('starts, ticks at tickMs / speed, and a single node elects itself', async () => {
    const port = new FakePort();
    const host = new NodeHost(port);
    host.receive(init({ speed: 0.5 }));
    await settle();
    expect(port.types()).toContain('started');
    expect([...port.intervals.values()].map((i) => i.ms)).toEqual([200]);
    port.tick(25);
    await settle();
    const views = port.posted.filter((m) => m.type === 'view');
    expect(views.at(-1)?.type === 'view' && views.at(-1)?.view.role).toBe('leader');
  });

  it('pause stops the tick timer, resume and speed re-arm it', async () => {
    const port = new FakePort();
    const host = new NodeHost(port);
    host.receive(init());
    await settle();
    host.receive({ v: PROTOCOL_VERSION, type: 'pause' });
    expect(port.intervals.size).toBe(0);
    host.receive({ v: PROTOCOL_VERSION, type: 'speed', speed: 4 });
    expect(port.intervals.size).toBe(0);
    host.receive({ v: PROTOCOL_VERSION, type: 'resume' });
    expect([...port.intervals.values()].map((i) => i.ms)).toEqual([25]);
  });

  it('sends the messages of a Ready batch, and answers clients', async () => {
    const port = new FakePort();
    const host = new NodeHost(port);
    host.receive(init());
    await settle();
    port.tick(25);
    await settle();
    const request: Message = { type: 'ClientRequest', from: 'c1', to: 1, seq: 1, command: { op: 'set', key: 'k', value: 'v' } };
    host.receive({ v: PROTOCOL_VERSION, type: 'deliver', messages: [request] });
    for (let k = 0; k < 5; k++) await settle();
    const sent = port.posted.flatMap((m) => (m.type === 'send' ? m.messages : []));
    expect(sent).toContainEqual(expect.objectContaining({ type: 'ClientReply', to: 'c1', seq: 1, body: expect.objectContaining({ kind: 'result' }) }));
  });

  it('refuses a message of another protocol version, fatally and once', async () => {
    const port = new FakePort();
    const host = new NodeHost(port);
    host.receive({ v: 99, type: 'init' });
    host.receive(init());
    await settle();
    expect(port.posted).toEqual([{ v: PROTOCOL_VERSION, type: 'fatal', phase: 'protocol', error: expect.stringMatching(/protocol version 99/) }]);
  });

  it('an exception while running is fatal: the node stops ticking and says why', async () => {
    const port = new FakePort();
    const host = new NodeHost(port);
    host.receive(init({ voters: [1, 2, 3] }));
    await settle();
    const wrong: Message = { type: 'Heartbeat', from: 2, to: 3, term: 1, commit: 0, readContext: 0 }; // addressed to another node
    host.receive({ v: PROTOCOL_VERSION, type: 'deliver', messages: [wrong] });
    const fatal = port.posted.find((m) => m.type === 'fatal');
    expect(fatal).toMatchObject({ phase: 'run', error: expect.stringMatching(/AssertionError: message for 3 delivered to 1/) });
    expect(port.intervals.size).toBe(0);
  });
  it('compact: the node snapshots what it applied; a second one, with nothing new, comes back as a warning with the reason', async () => {
    const port = new FakePort();
    const host = new NodeHost(port);
    host.receive(init());
    await settle();
    port.tick(25); // a single node elects itself and commits its noop
    for (let k = 0; k < 5; k++) await settle();
    host.receive({ v: PROTOCOL_VERSION, type: 'compact' });
    for (let k = 0; k < 5; k++) await settle();
    for (const run of [...port.timeouts.values()]) run(); // the throttled view
    const views = port.posted.flatMap((m) => (m.type === 'view' ? [m.view] : []));
    expect(views.at(-1)).toMatchObject({ snapshotIndex: 1, firstIndex: 2, durable: { snapshotIndex: 1 } });
    host.receive({ v: PROTOCOL_VERSION, type: 'compact' });
    expect(port.posted.at(-1)).toEqual({ v: PROTOCOL_VERSION, type: 'warning', message: 'cannot compact n1: nothing to compact: no entry was applied since the snapshot at 1' });
  });
});
