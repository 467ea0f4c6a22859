/**
 * Maps the in-page engine's virtual milliseconds to wall-clock milliseconds (performance.now())
 * for the animation: linear at the current speed, re-based whenever the speed changes or the
 * cluster pauses and resumes, so a message's drawn position follows its virtual progress.
 */
import { assert } from '../core/assert.ts';

export class TimeMapping {
  private wallRef = 0;
  private virtualRef = 0;
  speed: number;

  constructor(speed: number) {
    assert(speed > 0, 'speed must be positive');
    this.speed = speed;
  }

  rebase(wallNow: number, virtualNow: number): void {
    this.wallRef = wallNow;
    this.virtualRef = virtualNow;
  }

  wallOf(virtualMs: number): number {
    return this.wallRef + (virtualMs - this.virtualRef) / this.speed;
  }
}
