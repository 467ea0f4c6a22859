/**
 * Runs a Simulation in pieces while counting events per virtual second. A healthy fuzz run
 * takes about 3,000 events per virtual second; a message storm (answers that trigger more
 * messages than they answer, multiplied by duplication, as some bug variants cause) would eat
 * all memory inside a single step. Past the limit the run stops with EventBudgetExceeded, so a
 * bad seed stays cheap and is reported as a liveness failure.
 */
import { assert } from '../core/assert.ts';
import type { Simulation } from '../sim/simulation.ts';

export const MAX_EVENTS_PER_SECOND = 40_000;

export class EventBudgetExceeded extends Error {}

export class EventBudget {
  private windowStartMs = 0;
  private used = 0;

  constructor(
    readonly sim: Simulation,
    private readonly maxEventsPerSecond = MAX_EVENTS_PER_SECOND,
  ) {
    assert(maxEventsPerSecond >= 1, 'the budget allows some events');
  }

  /** Like Simulation.runUntil; throws EventBudgetExceeded when the budget is spent. */
  runUntil(done: () => boolean, ms: number): boolean {
    const reached = this.sim.runUntil(() => this.spend() || done(), ms);
    if (this.used > this.maxEventsPerSecond) {
      throw new EventBudgetExceeded(`message storm: more than ${this.maxEventsPerSecond} events within one virtual second, at ${this.sim.now()} ms`);
    }
    return reached;
  }

  runFor(ms: number): void {
    this.runUntil(never, ms);
  }

  /** Counts one event; true when the budget is spent. */
  private spend(): boolean {
    const nowMs = this.sim.now();
    if (nowMs - this.windowStartMs >= 1000) {
      this.windowStartMs = nowMs;
      this.used = 0;
    }
    return ++this.used > this.maxEventsPerSecond;
  }
}

const never = (): boolean => false;
