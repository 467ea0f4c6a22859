/**
 * The page's query parameters, validated: `?system=raft|dynamo`, `?offline` (the in-page
 * deterministic cluster), `&seed=N` (its seed), `&preload=N` (N writes already in the log),
 * `?debug` (read by runtime/index.ts). Pure: takes the query string, returns the values and a
 * sentence for each thing it did not accept, which the page shows in its banner area. Nothing is
 * ignored silently: `?seed=abc` used to run "seed NaN", `?offline=0` turned offline mode on.
 */
import { quoteText } from './model/display-text.ts';

export interface PageParams {
  system: 'raft';
  offline: boolean;
  /** The offline cluster's seed; undefined = pick one at random (the header shows it). */
  seed: number | undefined;
  /** Writes to put in the offline cluster's log before it starts; 0 = none. */
  preload: number;
  /** Human sentences, one per parameter that was not taken as written. */
  notices: string[];
}

/** Preloading more than this makes the page slow to open; larger values are cut to it. */
export const MAX_PRELOAD = 20_000;

const KNOWN = new Set(['system', 'offline', 'seed', 'preload', 'debug']);
/** Parameter values are quoted in notices, and cut so a long URL cannot fill the banner. */
const SHOWN_CHARS = 40;

export function parsePageParams(search: string): PageParams {
  const query = new URLSearchParams(search);
  const notices: string[] = [];
  for (const name of new Set(query.keys())) {
    if (!KNOWN.has(name)) notices.push(`Unknown URL parameter ${shown(name)} was ignored (known: ${[...KNOWN].join(', ')}).`);
  }
  const offline = parseOffline(query.get('offline'), notices);
  parseSystem(query.get('system'), notices);
  const seed = parseCount('seed', query.get('seed'), notices, 'a random seed is used');
  const preload = parseCount('preload', query.get('preload'), notices, 'nothing is preloaded');
  if (!offline) {
    if (seed !== undefined) notices.push(`seed=${seed} was ignored: it only applies to the offline cluster (?offline&seed=${seed}).`);
    if (preload !== undefined) notices.push(`preload=${preload} was ignored: it only applies to the offline cluster (?offline&preload=${preload}).`);
  }
  let kept = preload ?? 0;
  if (kept > MAX_PRELOAD) {
    notices.push(`preload=${kept} is more than ${MAX_PRELOAD}; ${MAX_PRELOAD} writes are preloaded.`);
    kept = MAX_PRELOAD;
  }
  return { system: 'raft', offline, seed: offline ? seed : undefined, preload: offline ? kept : 0, notices };
}

function parseOffline(value: string | null, notices: string[]): boolean {
  if (value === null) return false;
  const v = value.toLowerCase();
  if (v === '' || v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  // Present with a value we do not know: the person most likely meant "on".
  notices.push(`offline=${shown(value)} is not 1, true, 0 or false; running the offline cluster (write ?offline or ?offline=0).`);
  return true;
}

function parseSystem(value: string | null, notices: string[]): void {
  if (value === null || value.toLowerCase() === 'raft') return;
  if (value.toLowerCase() === 'dynamo') notices.push('The Dynamo-style system is not available yet; running Raft.');
  else notices.push(`system=${shown(value)} is not a system (raft or dynamo); running Raft.`);
}

/** A non-negative safe integer, or undefined (absent, or not one: then a notice says so). */
function parseCount(name: string, value: string | null, notices: string[], instead: string): number | undefined {
  if (value === null) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (Number.isSafeInteger(n)) return n;
  notices.push(`${name}=${shown(value)} is not a whole number from 0 to ${Number.MAX_SAFE_INTEGER}; ${instead}.`);
  return undefined;
}

function shown(value: string): string {
  return quoteText(value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value);
}
