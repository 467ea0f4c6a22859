/**
 * The auto-writer: SET load:k<n> <n> at up to `rate` per second, one write at a time (the next
 * starts when the last answered), until the rate is set to 0.
 */
import type { KvCommand } from '../../core/kv-types.ts';
import type { ConsoleReply } from '../../runtime/cluster-api.ts';
import type { FrameScheduler } from './snapshot-feed.svelte.ts';

/** Keys the auto-writer cycles through. */
const LOAD_KEYS = 20;

export class LoadGenerator {
  #rate = $state(0);
  #error = $state('');
  #generation = 0;
  #disposed = false;

  constructor(
    private readonly submit: (command: KvCommand) => Promise<ConsoleReply>,
    private readonly scheduler: FrameScheduler,
  ) {}

  /** The target rate (writes per second; 0 = off). */
  get rate(): number {
    return this.#rate;
  }
  /** The last write's error, cleared when the rate changes. */
  get error(): string {
    return this.#error;
  }

  setRate(rate: number): void {
    this.#rate = rate;
    this.#error = '';
    const generation = ++this.#generation;
    if (rate > 0 && !this.#disposed) void this.run(generation, rate);
  }

  dispose(): void {
    this.#disposed = true;
    this.#generation++;
  }

  private async run(generation: number, rate: number): Promise<void> {
    let n = 0;
    while (generation === this.#generation) {
      const started = this.scheduler.now();
      n++;
      const reply = await this.submit({ op: 'set', key: `load:k${n % LOAD_KEYS}`, value: String(n) });
      if (generation !== this.#generation) return;
      if (!reply.ok) this.#error = reply.error ?? reply.text;
      const wait = Math.max(0, 1000 / rate - (this.scheduler.now() - started));
      await new Promise((resolve) => this.scheduler.setTimer(() => resolve(undefined), wait));
    }
  }
}
