/**
 * The console's seq source that survives page reloads (see PersistentSession). Where it is kept
 * is injected: localStorage on the page, a map in tests.
 */
import type { ClientId } from '../core/types.ts';
import type { SeqSource } from './client-session.ts';

const SESSION_KEY = 'raft-kv-playground:console-session';

/** Where the console's session lives: localStorage when the page has it, memory otherwise. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * One of the console's sessions: its client id and its highest seq, kept across page reloads so
 * the cluster's session table (which survives the reload in IndexedDB) never sees a seq reused.
 * The console pipelines through several sessions; slot 0 keeps the key older pages used.
 */
export class PersistentSession implements SeqSource {
  readonly clientId: ClientId;
  private seq: number;
  private readonly key: string;

  constructor(
    private readonly store: KeyValueStore | undefined,
    random: () => number,
    slot = 0,
  ) {
    this.key = slot === 0 ? SESSION_KEY : `${SESSION_KEY}:${slot}`;
    const saved = readSession(store, this.key);
    this.clientId = saved?.clientId ?? `console-${randomSuffix(random)}`;
    this.seq = saved?.seq ?? 0;
    this.save();
  }

  next(): number {
    this.seq++;
    this.save();
    return this.seq;
  }

  private save(): void {
    try {
      this.store?.setItem(this.key, JSON.stringify({ clientId: this.clientId, seq: this.seq }));
    } catch {
      // Storage full or refused: the session still works for this page; the cluster page warns.
    }
  }
}

function readSession(store: KeyValueStore | undefined, key: string): { clientId: string; seq: number } | undefined {
  try {
    const raw = store?.getItem(key);
    if (raw === null || raw === undefined) return undefined;
    const parsed = JSON.parse(raw) as { clientId?: unknown; seq?: unknown };
    if (typeof parsed.clientId !== 'string' || !/^console-[a-z0-9]+$/.test(parsed.clientId)) return undefined;
    if (typeof parsed.seq !== 'number' || !Number.isInteger(parsed.seq) || parsed.seq < 0) return undefined;
    return { clientId: parsed.clientId, seq: parsed.seq };
  } catch {
    return undefined;
  }
}

function randomSuffix(random: () => number): string {
  return Math.floor(random() * 36 ** 8).toString(36).padStart(8, '0');
}
