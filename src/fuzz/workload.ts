/**
 * The fuzzer's client workload: a fixed number of clients issue random GET / SET / DEL / CAS
 * operations on a small key space until an operation budget is spent.
 *
 * Why it looks like this:
 *  - a small key space makes operations on the same key overlap, which is what gives the
 *    linearizability checker something to reject;
 *  - every written value is unique (client and sequence number), so a read says exactly which
 *    write it saw, and a write applied twice (the no-dedup bug) is visible as an old value
 *    reappearing after a newer one;
 *  - CAS expects a value recently seen on that key, so swaps succeed often enough to matter;
 *  - a client issues its next operation only after the previous one returned (the simulated
 *    client is sequential), after a short seeded think time.
 */
import { assert } from '../core/assert.ts';
import type { KvCommand } from '../core/kv-types.ts';
import type { OperationHandle, SimClient } from '../sim/client.ts';
import type { SeededRng } from '../core/rng.ts';

export interface WorkloadOptions {
  /** Total operations issued over the whole run. */
  ops: number;
  clients: number;
  keys: number;
  /** [min, max] virtual ms a client waits between one answer and its next call. */
  thinkMs: [number, number];
}

export const DEFAULT_WORKLOAD: WorkloadOptions = { ops: 2000, clients: 8, keys: 4, thinkMs: [0, 20] };

/** What makes clients for the workload (a Simulation, or a test double). */
export interface ClientFactory {
  client(name?: string): SimClient;
}

interface WorkloadClient {
  client: SimClient;
  current: OperationHandle | undefined;
  nextCallMs: number;
  written: number;
}

export class Workload {
  private readonly clients: WorkloadClient[];
  private issuedOps = 0;
  /** When an answer was last seen (virtual ms): the liveness check watches it. */
  private lastAnswerMs = 0;
  /** Per key, the values seen or written lately: what a CAS expects. */
  private readonly recentValues: (string | null)[][];

  constructor(
    factory: ClientFactory,
    private readonly rng: SeededRng,
    readonly options: WorkloadOptions,
  ) {
    assert(Number.isInteger(options.ops) && options.ops >= 0, `ops must be a whole number >= 0, got ${options.ops}`);
    assert(Number.isInteger(options.clients) && options.clients >= 1, `clients must be >= 1, got ${options.clients}`);
    assert(Number.isInteger(options.keys) && options.keys >= 1, `keys must be >= 1, got ${options.keys}`);
    assert(options.thinkMs[0] >= 0 && options.thinkMs[1] >= options.thinkMs[0], 'thinkMs is [min, max] with 0 <= min <= max');
    this.clients = Array.from({ length: options.clients }, (_, k) => ({
      client: factory.client(`c${k + 1}`), current: undefined, nextCallMs: 0, written: 0,
    }));
    this.recentValues = Array.from({ length: options.keys }, () => [null]);
  }

  /** Issues the operations that are due at `nowMs`. Call it often (every few virtual ms). */
  step(nowMs: number): void {
    for (const c of this.clients) {
      if (c.current !== undefined && !c.current.done) continue;
      if (c.current !== undefined) {
        this.observe(c.current);
        this.lastAnswerMs = nowMs;
        c.current = undefined;
        c.nextCallMs = nowMs + this.rng.int(this.options.thinkMs[0], this.options.thinkMs[1]);
      }
      if (this.issuedOps >= this.options.ops || nowMs < c.nextCallMs) continue;
      this.issuedOps++;
      assert(!c.client.busy(), `client ${c.client.id} is sequential: one operation at a time`);
      c.current = c.client.submit(this.nextCommand(c));
    }
  }

  /** All operations issued (they may still be in flight). */
  allIssued(): boolean {
    return this.issuedOps >= this.options.ops;
  }

  /** Every issued operation has returned. */
  idle(): boolean {
    return this.clients.every((c) => c.current === undefined || c.current.done);
  }

  issued(): number {
    return this.issuedOps;
  }

  /** The virtual time at which step() last saw an operation answered (0: never). */
  lastAnswer(): number {
    return this.lastAnswerMs;
  }

  private nextCommand(c: WorkloadClient): KvCommand {
    const keyIndex = this.rng.int(0, this.options.keys - 1);
    const key = `k${keyIndex}`;
    const roll = this.rng.int(0, 99);
    if (roll < 35) return { op: 'get', key };
    if (roll < 45) return { op: 'del', key };
    const value = `${c.client.id}.${++c.written}`;
    if (roll < 70) return { op: 'set', key, value };
    return { op: 'cas', key, expected: this.rng.pick(this.recentValues[keyIndex]!), value };
  }

  /** Remembers what an answered operation saw or wrote, for later CAS expectations. */
  private observe(handle: OperationHandle): void {
    const command = handle.command;
    if (command.op === 'keys' || handle.error !== undefined) return;
    const keyIndex = Number(command.key.slice(1));
    let value: string | null | undefined;
    if (command.op === 'set' || (command.op === 'cas' && handle.ok)) value = command.value;
    else if (command.op === 'del') value = null;
    else value = handle.value;
    if (value === undefined) return;
    const recent = this.recentValues[keyIndex]!;
    recent.push(value);
    if (recent.length > 4) recent.shift();
  }
}
