/**
 * Where the in-page engine's wall clock and frames come from: the page's (performance.now and
 * requestAnimationFrame), or a hand-driven one in tests (test-clock.ts).
 */
export interface FrameClock {
  now(): number;
  requestFrame(callback: () => void): number;
  cancelFrame(handle: number): void;
}

/** The page's frame clock (performance.now + requestAnimationFrame). */
export const browserClock: FrameClock = {
  now: () => performance.now(),
  requestFrame: (callback) => requestAnimationFrame(() => callback()),
  cancelFrame: (handle) => cancelAnimationFrame(handle),
};
