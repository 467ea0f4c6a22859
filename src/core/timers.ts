/**
 * Time as the hosts hand it to the bus and the client: a clock and one-shot timers. The worker
 * cluster passes the page's wall clock, the simulator its virtual clock, tests a manual one
 * (fake-timers.ts), so the same code runs deterministically wherever time comes from.
 */
export interface Timers {
  now(): number;
  /** Runs `run` once after `delayMs` (0: as soon as possible, after the current task's work). */
  setTimer(run: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}
