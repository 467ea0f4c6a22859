/**
 * The offline cluster's network: every message between nodes (and between the console client and
 * the nodes) is a record here from the moment it is sent until it is delivered or dropped. Each
 * has a fate decided when it is sent (arrive, or be lost half-way) and a virtual due time; the
 * person may drop it or deliver it early. Wall-clock times for the animation are derived from the
 * virtual ones through a linear mapping that is re-based whenever the speed changes or the
 * cluster pauses and resumes.
 *
 * Invariant: every record in `inFlight` has sentV <= dueV.
 * Invariant: inFlight.size <= MAX_IN_FLIGHT (beyond it new messages are lost at once).
 */
import { assert } from '../../core/assert.ts';
import type { Message } from '../../core/types.ts';
import type { InFlightMessage } from '../../runtime/cluster-api.ts';

export const MAX_IN_FLIGHT = 4000;

export interface InFlightRecord {
  id: number;
  message: Message;
  sentV: number;
  dueV: number;
  /** Lost on the way ('loss', shown half-way) or stopped by a cut link when sent ('partition'). */
  fate: 'deliver' | 'loss' | 'partition';
  view: InFlightMessage;
}

/** Maps virtual milliseconds to wall-clock milliseconds (performance.now()) for the animation. */
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
