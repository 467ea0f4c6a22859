import { assert } from '../core/assert.ts';
import { HEAD, NIL, type EventList } from './event-list.ts';
import { LinearizationCache } from './linearization-cache.ts';
import { REJECTED, type CompiledModel } from './model.ts';

/**
 * The linearization search for one key: Wing & Gong's depth-first search for a total order
 * that respects real time and the model, with Lowe's cache of visited configurations, over
 * Porcupine's event list. Iterative, with an explicit stack, so that long histories cannot
 * overflow the call stack.
 */
export type SearchOutcome =
  | { kind: 'linearizable' }
  /** `longestPrefix`: operation indexes, in linearization order, of the deepest point reached. */
  | { kind: 'not-linearizable'; longestPrefix: number[] }
  | { kind: 'out-of-time' }
  | { kind: 'out-of-memory'; cacheBytes: number };

export interface SearchLimits {
  /** `performance.now()` value after which the search gives up. */
  deadlineMs: number;
  maxCacheBytes: number;
}

/** Reading the clock costs more than a search step, so read it only this often. */
const STEPS_PER_LIMIT_CHECK = 4096;

export function searchLinearization(list: EventList, model: CompiledModel, opCount: number, limits: SearchLimits): SearchOutcome {
  return new Search(list, model, opCount).run(limits);
}

class Search {
  /** Bit i set: operation i is linearized. */
  private readonly bits: Uint32Array;
  /** Zobrist keys: the set's hash is the XOR of its members' keys, updated in O(1). */
  private readonly opHashes: Uint32Array;
  private readonly returned: Uint8Array;
  private readonly cache: LinearizationCache;
  /** The linearization so far, and the state before each of its operations (for backtracking). */
  private readonly stackOps: Int32Array;
  private readonly stackStates: Int32Array;
  private depth = 0;
  private state: number;
  private setHash = 0;
  /** Operations with a return still to linearize; the search succeeds when none are left. */
  private returnedLeft = 0;
  private longest: number[] = [];

  constructor(private readonly list: EventList, private readonly model: CompiledModel, opCount: number) {
    const words = Math.max(1, Math.ceil(opCount / 32));
    this.bits = new Uint32Array(words);
    this.opHashes = zobristKeys(opCount);
    this.returned = new Uint8Array(opCount);
    for (let op = 0; op < opCount; op++) this.returned[op] = list.hasReturn(op) ? 1 : 0;
    this.returnedLeft = this.returned.reduce((sum, r) => sum + r, 0);
    this.cache = new LinearizationCache(words);
    this.stackOps = new Int32Array(opCount);
    this.stackStates = new Int32Array(opCount);
    this.state = model.initialState;
  }

  run(limits: SearchLimits): SearchOutcome {
    const { list } = this;
    let entry = list.next[HEAD]!;
    let stepsToLimitCheck = STEPS_PER_LIMIT_CHECK;
    while (this.returnedLeft > 0) {
      if (--stepsToLimitCheck === 0) {
        stepsToLimitCheck = STEPS_PER_LIMIT_CHECK;
        const stop = this.limitReached(limits);
        if (stop !== undefined) return stop;
      }
      // A returned operation is still in the list, and its return entry stops the walk.
      assert(entry !== NIL, 'the walk ends at a return entry');
      if (list.isCall(entry)) {
        entry = this.tryLinearize(entry - 1) ? list.next[HEAD]! : list.next[entry]!;
      } else if (this.depth === 0) {
        return { kind: 'not-linearizable', longestPrefix: this.longest };
      } else {
        entry = list.next[list.callEntry(this.undoLast())]!;
      }
    }
    return { kind: 'linearizable' };
  }

  /** Linearizes `op` next if the model allows it and the configuration is new. */
  private tryLinearize(op: number): boolean {
    const after = this.model.step(this.state, op);
    if (after === REJECTED) return false;
    const word = op >>> 5;
    const bit = 1 << (op & 31);
    this.bits[word]! |= bit;
    const setHash = this.setHash ^ this.opHashes[op]!;
    if (!this.cache.add(this.bits, after, configurationHash(setHash, after))) {
      this.bits[word]! &= ~bit;
      return false;
    }
    this.setHash = setHash;
    this.stackOps[this.depth] = op;
    this.stackStates[this.depth] = this.state;
    this.depth++;
    this.state = after;
    this.returnedLeft -= this.returned[op]!;
    this.list.lift(op);
    if (this.depth > this.longest.length) this.longest = Array.from(this.stackOps.subarray(0, this.depth));
    return true;
  }

  /** Backtracks over the last linearized operation and returns it. */
  private undoLast(): number {
    assert(this.depth > 0, 'something to undo');
    this.depth--;
    const op = this.stackOps[this.depth]!;
    this.state = this.stackStates[this.depth]!;
    this.bits[op >>> 5]! &= ~(1 << (op & 31));
    this.setHash ^= this.opHashes[op]!;
    this.returnedLeft += this.returned[op]!;
    this.list.unlift(op);
    return op;
  }

  private limitReached(limits: SearchLimits): SearchOutcome | undefined {
    if (performance.now() > limits.deadlineMs) return { kind: 'out-of-time' };
    if (this.cache.bytes > limits.maxCacheBytes) return { kind: 'out-of-memory', cacheBytes: this.cache.bytes };
    return undefined;
  }
}

function configurationHash(setHash: number, state: number): number {
  return mix32(setHash ^ Math.imul(state + 1, 0x9e3779b1));
}

/** MurmurHash3's finalizer: spreads every input bit over the low bits the table indexes by. */
function mix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Fixed pseudo-random keys (a function of the index only), so that runs are reproducible. */
function zobristKeys(count: number): Uint32Array {
  const keys = new Uint32Array(count);
  for (let i = 0; i < count; i++) keys[i] = mix32(Math.imul(i + 1, 0x9e3779b9) ^ 0x5bd1e995);
  return keys;
}
