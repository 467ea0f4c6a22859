import { assert, unreachable } from '../core/assert.ts';
import type { HistoryOp, HistoryOpName } from './history.ts';
import { IntPairMap, MISSING } from './int-pair-map.ts';
import { REJECTED, type CompiledModel } from './model.ts';
import { showValue, suffixOf, ValueTable, type Suffix } from './value-table.ts';

/**
 * The key-value map, one key at a time (the map is P-compositional, so the checker splits a
 * history per key and each key is this register-like object). The state is the key's value,
 * null when absent, interned as an integer by a ValueTable.
 *
 * set v: value := v. get: the result's value must equal the current value. del: value := null
 * (a reported deleted value must match). cas e→v: swaps when current === e and the result must
 * say whether it did (a reported seen value must match). append v: value := (current ?? '') + v.
 * An operation without a return has an unknown outcome: its result constrains nothing. Results
 * with `ok: false` on anything but cas mean the operation never took effect: a no-op.
 */
export function compileKvModel(ops: readonly HistoryOp[]): CompiledModel {
  return new KvModel(ops);
}

/** Marks a result that constrains nothing (not observed, or outcome unknown). */
const ANY = -2;

/** ok / refused come from the result; unknown: the operation never returned. */
type Outcome = 'ok' | 'refused' | 'unknown';

class KvModel implements CompiledModel {
  readonly initialState = ValueTable.ABSENT;
  private readonly values = new ValueTable();
  private readonly names: HistoryOpName[];
  private readonly outcomes: Outcome[];
  /** set, cas: id of the value written. */
  private readonly written: Int32Array;
  /** get: value read; del: value deleted; cas: value expected. ANY when unconstrained. */
  private readonly required: Int32Array;
  /** cas: the value seen, when reported; ANY otherwise. */
  private readonly seen: Int32Array;
  private readonly appended: Suffix[];
  /** (state, op) → state after an append, so each concatenation happens once. */
  private readonly appendMemo = new IntPairMap();

  constructor(private readonly ops: readonly HistoryOp[]) {
    const n = ops.length;
    this.names = ops.map((op) => op.op);
    this.outcomes = ops.map(outcomeOf);
    this.written = new Int32Array(n).fill(ANY);
    this.required = new Int32Array(n).fill(ANY);
    this.seen = new Int32Array(n).fill(ANY);
    this.appended = ops.map((op) => suffixOf(op.op === 'append' ? (op.value ?? '') : ''));
    ops.forEach((op, i) => this.compileOp(op, i));
  }

  private compileOp(op: HistoryOp, i: number): void {
    const observed = this.outcomes[i] === 'unknown' ? undefined : op.result?.value;
    switch (op.op) {
      case 'get':
      case 'del':
        if (observed !== undefined) this.required[i] = this.values.idOf(observed);
        return;
      case 'set':
        assert(typeof op.value === 'string', `set #${op.id} has no value`);
        this.written[i] = this.values.idOf(op.value);
        return;
      case 'append':
        // Its suffix is in `appended`; the value written depends on the state.
        assert(typeof op.value === 'string', `append #${op.id} has no value`);
        return;
      case 'cas':
        assert(typeof op.value === 'string' && op.expected !== undefined, `cas #${op.id} lacks value or expected`);
        this.written[i] = this.values.idOf(op.value);
        this.required[i] = this.values.idOf(op.expected);
        if (observed !== undefined) this.seen[i] = this.values.idOf(observed);
        return;
      default:
        return unreachable(op.op);
    }
  }

  step(state: number, i: number): number {
    const name = this.names[i]!;
    if (this.outcomes[i] === 'refused' && name !== 'cas') return state;
    switch (name) {
      case 'get': {
        const read = this.required[i]!;
        return read === ANY || read === state ? state : REJECTED;
      }
      case 'set':
        return this.written[i]!;
      case 'del': {
        const deleted = this.required[i]!;
        return deleted === ANY || deleted === state ? ValueTable.ABSENT : REJECTED;
      }
      case 'cas':
        return this.stepCas(state, i);
      case 'append':
        return this.stepAppend(state, i);
      default:
        return unreachable(name);
    }
  }

  private stepCas(state: number, i: number): number {
    const swaps = state === this.required[i];
    const seen = this.seen[i]!;
    if (seen !== ANY && seen !== state) return REJECTED;
    const outcome = this.outcomes[i]!;
    switch (outcome) {
      case 'ok':
        return swaps ? this.written[i]! : REJECTED;
      case 'refused':
        return swaps ? REJECTED : state;
      case 'unknown':
        return swaps ? this.written[i]! : state;
      default:
        return unreachable(outcome);
    }
  }

  private stepAppend(state: number, i: number): number {
    let after = this.appendMemo.get(state, i);
    if (after === MISSING) {
      after = this.values.appended(state, this.appended[i]!);
      this.appendMemo.set(state, i, after);
    }
    return after;
  }

  isObserver(i: number): boolean {
    // A get never writes; a refused operation (a failed one, or a cas that did not swap) neither.
    return this.names[i] === 'get' || this.outcomes[i] === 'refused';
  }

  valueOf(state: number): string | null {
    return this.values.valueOf(state);
  }

  whyRejected(state: number, i: number): string {
    assert(this.step(state, i) === REJECTED, `op #${this.ops[i]?.id} is not rejected in state ${state}`);
    const current = showValue(this.values.valueOf(state));
    const name = this.names[i]!;
    const shown = (id: number): string => showValue(this.values.valueOf(id));
    if (name === 'get') return `it read ${shown(this.required[i]!)}, but the value was ${current}`;
    if (name === 'del') return `it reported deleting ${shown(this.required[i]!)}, but the value was ${current}`;
    assert(name === 'cas', `${name} is never rejected`);
    const seen = this.seen[i]!;
    if (seen !== ANY && seen !== state) return `it reported seeing ${shown(seen)}, but the value was ${current}`;
    const expected = shown(this.required[i]!);
    return this.outcomes[i] === 'ok'
      ? `it swapped, but the value was ${current}, not the expected ${expected}`
      : `it refused to swap, but the value was ${current}, equal to the expected ${expected}`;
  }
}

function outcomeOf(op: HistoryOp): Outcome {
  if (op.return === undefined || op.result === undefined) return 'unknown';
  return op.result.ok ? 'ok' : 'refused';
}
