import { assert } from '../core/assert.ts';
import { HEAD, NIL, type EventList } from './event-list.ts';
import { LinearizationCache } from './linearization-cache.ts';
import { mix32 } from '../core/hash-mix.ts';
import { REJECTED, type CompiledModel } from './model.ts';
import { NO_TWIN } from './unknown-twins.ts';

/*
 * The linearization search for one key: Wing & Gong's depth-first search for a total order
 * that respects real time and the model, with Lowe's cache of visited configurations, over
 * Porcupine's event list, plus two sound reductions (observers first, twins in call order; see
 * enterNode and unknown-twins.ts). Iterative, with an explicit stack, so that long histories
 * cannot overflow the call stack. docs/checker.md tells the whole story.
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
/** What backtrack returns when there is nothing left to undo. */
const EXHAUSTED = -2;

/** The operations of one key, prepared for the search. */
export interface SearchInput {
  list: EventList;
  model: CompiledModel;
  opCount: number;
  /** From previousTwins: interchangeable unknown-outcome operations. */
  twins: Int32Array;
}

export function searchLinearization(input: SearchInput, limits: SearchLimits): SearchOutcome {
  return new Search(input).run(limits);
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
  /** 1 where the operation was placed by enterNode, so that its alternatives are not tried. */
  private readonly stackForced: Uint8Array;
  private readonly observers: Uint8Array;
  private depth = 0;
  private state: number;
  private setHash = 0;
  /** Operations with a return still to linearize; the search succeeds when none are left. */
  private returnedLeft = 0;
  /**
   * The deepest linearization reached, for the explanation. Saving it whole at each new depth
   * would cost O(n^2) on a long key, so only the part of the stack that changed since the last
   * save is copied: entries below `unsavedFrom` are the same in both.
   */
  private readonly longest: Int32Array;
  private longestLength = 0;
  private unsavedFrom = 0;

  private readonly list: EventList;
  private readonly model: CompiledModel;
  private readonly twins: Int32Array;

  constructor({ list, model, opCount, twins }: SearchInput) {
    assert(twins.length === opCount, 'one twin entry per operation');
    this.list = list;
    this.model = model;
    this.twins = twins;
    const words = Math.max(1, Math.ceil(opCount / 32));
    this.bits = new Uint32Array(words);
    this.opHashes = zobristKeys(opCount);
    this.returned = new Uint8Array(opCount);
    for (let op = 0; op < opCount; op++) this.returned[op] = list.hasReturn(op) ? 1 : 0;
    this.returnedLeft = this.returned.reduce((sum, r) => sum + r, 0);
    this.cache = new LinearizationCache(words);
    this.stackOps = new Int32Array(opCount);
    this.stackStates = new Int32Array(opCount);
    this.stackForced = new Uint8Array(opCount);
    this.longest = new Int32Array(opCount);
    this.observers = new Uint8Array(opCount);
    for (let op = 0; op < opCount; op++) this.observers[op] = model.isObserver(op) ? 1 : 0;
    this.state = model.initialState;
  }

  run(limits: SearchLimits): SearchOutcome {
    const { list } = this;
    let entry = this.enterNode();
    let stepsToLimitCheck = STEPS_PER_LIMIT_CHECK;
    while (this.returnedLeft > 0) {
      if (--stepsToLimitCheck === 0) {
        stepsToLimitCheck = STEPS_PER_LIMIT_CHECK;
        const stop = this.limitReached(limits);
        if (stop !== undefined) return stop;
      }
      // A returned operation is still in the list, and its return entry stops the walk.
      assert(entry !== NIL, 'the walk ends at a return entry');
      if (!list.isCall(entry)) {
        entry = this.backtrack();
        if (entry === EXHAUSTED) return { kind: 'not-linearizable', longestPrefix: Array.from(this.longest.subarray(0, this.longestLength)) };
      } else if (this.tryLinearize(entry - 1, false)) {
        entry = this.enterNode();
      } else {
        entry = list.next[entry]!;
      }
    }
    return { kind: 'linearizable' };
  }

  /**
   * Called on reaching a new configuration; returns the entry to walk from. An observer (an
   * operation that never changes the state) that the model accepts now is placed at once, and its
   * alternatives are never tried: any linearization that places it later stays valid with it
   * moved here, because it does not change the state, and no remaining operation returned before
   * its call (it is before the first return in the list). If that configuration is already
   * explored, this one is a dead end: the first return entry is returned to make the walk back up.
   */
  private enterNode(): number {
    const { list } = this;
    while (true) {
      let entry = list.next[HEAD]!;
      while (list.isCall(entry) && !this.acceptsObserver(entry - 1)) entry = list.next[entry]!;
      if (!list.isCall(entry)) return list.next[HEAD]!;
      if (!this.tryLinearize(entry - 1, true)) {
        while (list.isCall(entry)) entry = list.next[entry]!;
        return entry;
      }
    }
  }

  private acceptsObserver(op: number): boolean {
    return this.observers[op] === 1 && this.model.step(this.state, op) !== REJECTED;
  }

  /** Undoes the last free choice (and the forced ones above it); returns where its node's walk resumes. */
  private backtrack(): number {
    while (this.depth > 0) {
      const forced = this.stackForced[this.depth - 1] === 1;
      const op = this.undoLast();
      if (!forced) return this.list.next[this.list.callEntry(op)]!;
    }
    return EXHAUSTED;
  }

  /**
   * Linearizes `op` next if the model allows it, its earlier twin (if any) is already placed,
   * and the configuration is new.
   */
  private tryLinearize(op: number, forced: boolean): boolean {
    const twin = this.twins[op]!;
    if (twin !== NO_TWIN && (this.bits[twin >>> 5]! & (1 << (twin & 31))) === 0) return false;
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
    this.stackForced[this.depth] = forced ? 1 : 0;
    this.depth++;
    this.state = after;
    this.returnedLeft -= this.returned[op]!;
    this.list.lift(op);
    if (this.depth > this.longestLength) this.saveLongest();
    return true;
  }

  private saveLongest(): void {
    this.longest.set(this.stackOps.subarray(this.unsavedFrom, this.depth), this.unsavedFrom);
    this.longestLength = this.depth;
    this.unsavedFrom = this.depth;
  }

  /** Backtracks over the last linearized operation and returns it. */
  private undoLast(): number {
    assert(this.depth > 0, 'something to undo');
    this.depth--;
    if (this.depth < this.unsavedFrom) this.unsavedFrom = this.depth;
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

/** Fixed pseudo-random keys (a function of the index only), so that runs are reproducible. */
function zobristKeys(count: number): Uint32Array {
  const keys = new Uint32Array(count);
  for (let i = 0; i < count; i++) keys[i] = mix32(Math.imul(i + 1, 0x9e3779b9) ^ 0x5bd1e995);
  return keys;
}
