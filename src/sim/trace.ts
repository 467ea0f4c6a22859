/** A bounded record of what happened in a run, for replay in the UI and for determinism checks. */
export interface TraceEvent {
  timeMs: number;
  kind: 'send' | 'deliver' | 'drop' | 'state' | 'crash' | 'restart' | 'partition' | 'heal';
  from?: number | string;
  to?: number | string;
  msg?: string;
  term?: number;
  node?: number;
  role?: string;
  detail?: string;
}

export class TraceBuffer {
  private readonly buffer: TraceEvent[] = [];
  /** Events not kept because the buffer was full. */
  dropped = 0;

  constructor(private readonly limit: number) {}

  /** Callers check this before building an event, so a disabled trace costs nothing. */
  get enabled(): boolean {
    return this.limit > 0;
  }

  add(event: TraceEvent): void {
    if (this.limit === 0) return;
    if (this.buffer.length >= this.limit) {
      this.dropped++;
      return;
    }
    this.buffer.push(event);
  }

  events(): TraceEvent[] {
    return this.buffer.slice();
  }
}
